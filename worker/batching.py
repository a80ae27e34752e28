"""Batching: DingTalk takes one card to up to 20 people in one robot call (``oToMessages/batchSend``,
the messenger's ``send_to_people``), so a DingTalk 1:1 message without buttons takes along other due
rows carrying the same card to other people (claimed like itself) — an escalation to the desk or a
digest to the leaders becomes one call instead of one per person, under DingTalk's QPS limit.

An interactive card (with buttons) to a DingTalk group or person likewise takes along due rows with
the same card to other groups and people: ``createAndDeliver`` puts one card instance into several
spaces (``IM_GROUP.<cid>;IM_ROBOT.<userid>``, the messenger's ``send_card_to_spaces``), and every
holder sees each later update of it — a unit's warning (its group and its liaisons) is one call.

A row is taken along only when it is due, pending, to a different person, and has no earlier unsent
message to its own recipient (the order per recipient of ``worker/pacing.py`` holds). WeCom's app
API sends one person per call with a per-member limit, so it is not batched.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import outbox
from worker import pacing

BATCH = 20  # DingTalk oToMessages/batchSend: userIds per call; spaces per createAndDeliver (ours)
SCAN = 200
SENDS = ("person", "group")
# companions are looked for among rows written up to this long before the row itself (rows with one card
# are written together): measured from the row, not from the delivery's clock, so a row delivered late
# (a worker down over a weekend) is batched as one delivered at once
LOOKBACK = timedelta(days=2)


def interactive(row: outbox.OutboxRow) -> bool:
    """A DingTalk card with buttons to a person or a group: sent as one card instance, several spaces."""
    return row.platform == "dingtalk" and row.method in SENDS and bool((row.card or {}).get("buttons"))


def space(row: outbox.OutboxRow) -> str:
    """The DingTalk space of a person or group row: ``IM_ROBOT.<userid>`` or ``IM_GROUP.<cid>``."""
    return _space(row.method, row.address or {})


def _space(method: str, address: dict) -> str:
    if method == "person":
        return f"IM_ROBOT.{address.get('user_id', '')}"
    group = address.get("group") or {}
    return f"IM_GROUP.{group.get('dingtalk_open_conversation_id') or group.get('open_conversation_id') or ''}"


def who(row: outbox.OutboxRow) -> str:
    """The id DingTalk names when it refuses a row's recipient: the user id, or the group's cid."""
    return space(row).partition(".")[2]


def companions(session: Session, row: outbox.OutboxRow, now: datetime, lease: timedelta,
               messenger: object) -> list[outbox.OutboxRow]:
    """Other due rows with the same card that ``row``'s send can carry (claimed in this transaction)."""
    cards = interactive(row)
    if cards and not hasattr(messenger, "send_card_to_spaces"):
        return []
    if not cards and (row.platform != "dingtalk" or row.method != "person" or row.card.get("buttons")
                      or not hasattr(messenger, "send_to_people")):
        return []
    methods = SENDS if cards else ("person",)
    query = (select(outbox.OutboxRow.id, outbox.OutboxRow.card, outbox.OutboxRow.address,
                    outbox.OutboxRow.method)
             .where(outbox.OutboxRow.platform == "dingtalk", outbox.OutboxRow.method.in_(methods),
                    outbox.OutboxRow.state == outbox.PENDING, outbox.OutboxRow.next_attempt_at <= now,
                    outbox.OutboxRow.id != row.id, outbox.OutboxRow.created_at >= row.created_at - LOOKBACK)
             .order_by(outbox.OutboxRow.id).limit(SCAN))
    taken: list[outbox.OutboxRow] = []
    people = {space(row)}
    for other_id, card, address, method in session.execute(query):
        if len(taken) >= BATCH - 1:
            break
        where = _space(method, address or {})
        if card != row.card or where in people:
            continue
        other = outbox.claim(session, other_id, now, lease)
        if other is None:
            continue
        if pacing.earlier_unsent(session, other, now) is not None:
            other.state, other.lease_until, other.attempts = outbox.PENDING, None, other.attempts - 1
            continue
        taken.append(other)
        people.add(where)
    session.flush()
    return taken


def send(messenger, rows: list[outbox.OutboxRow]):
    """One call for ``rows`` (same card): an interactive card into their spaces, or markdown to their
    people; the SentMessages (recipients DingTalk refused are named in ``card_ref``)."""
    from bot.core.card import Card

    card = Card.from_dict(rows[0].card)
    if interactive(rows[0]):
        return [messenger.send_card_to_spaces([space(r) for r in rows], card, dedup_id=rows[0].dedup_id)]
    return messenger.send_to_people([r.address["user_id"] for r in rows], card)
