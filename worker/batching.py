"""Batching, where the platform's capabilities allow it (``bot.core.capabilities``):

- ``people_per_call`` > 1 (DingTalk: one card to up to 20 people in one robot call,
  ``oToMessages/batchSend``, the messenger's ``send_to_people``): a 1:1 message without buttons takes
  along other due rows carrying the same card to other people (claimed like itself) — an escalation to
  the desk or a digest to the leaders becomes one call instead of one per person, under the platform's
  rate limit.
- ``card_spaces`` > 1 (DingTalk's ``createAndDeliver`` puts one card instance into several spaces, the
  messenger's ``space`` and ``send_card_to_spaces``): a card with buttons to a group or person likewise
  takes along due rows with the same card to other groups and people, and every holder sees each later
  update of it — a unit's warning (its group and its liaisons) is one call.

A row is taken along only when it is due, pending, on the same platform, to a different recipient, and
has no earlier unsent message to its own recipient (the order per recipient of ``worker/pacing.py``
holds). A platform that declares neither (WeCom's app API: one person per call with a per-member
limit) is not batched.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.capabilities import NOTHING, Capabilities
from bot.core.card import Card
from bot.platforms.base import ManyAtOnce, SentMessage
from bot.store import outbox
from worker import pacing

SCAN = 200
SENDS = ("person", "group")
# companions are looked for among rows written up to this long before the row itself (rows with one card
# are written together): measured from the row, not from the delivery's clock, so a row delivered late
# (a worker down over a weekend) is batched as one delivered at once
LOOKBACK = timedelta(days=2)


def interactive(row: outbox.OutboxRow, capabilities: Capabilities) -> bool:
    """A card with buttons to a person or a group on a platform that sends one card instance into several spaces."""
    return capabilities.one_card_many_spaces and row.method in SENDS and bool((row.card or {}).get("buttons"))


def who(messenger: ManyAtOnce, row: outbox.OutboxRow) -> str:
    """How the platform names ``row``'s recipient when it refuses it in a batch (a user id, a group's id)."""
    return messenger.recipient_id(row.method, row.address or {})


def _limit(row: outbox.OutboxRow, capabilities: Capabilities) -> int:
    """How many rows (``row`` included) one call may carry; 1: ``row`` goes alone."""
    if interactive(row, capabilities):
        return capabilities.card_spaces
    if capabilities.batches_people and row.method == "person" and not (row.card or {}).get("buttons"):
        return capabilities.people_per_call
    return 1


def companions(session: Session, row: outbox.OutboxRow, now: datetime, lease: timedelta,
               messenger: ManyAtOnce | None) -> list[outbox.OutboxRow]:
    """Other due rows with the same card that ``row``'s send can carry (claimed in this transaction)."""
    capabilities = NOTHING if messenger is None else messenger.capabilities
    limit = _limit(row, capabilities)
    if limit <= 1:
        return []
    cards = interactive(row, capabilities)
    methods = SENDS if cards else ("person",)
    query = (select(outbox.OutboxRow.id, outbox.OutboxRow.card, outbox.OutboxRow.address,
                    outbox.OutboxRow.method)
             .where(outbox.OutboxRow.platform == row.platform, outbox.OutboxRow.method.in_(methods),
                    outbox.OutboxRow.state == outbox.PENDING, outbox.OutboxRow.next_attempt_at <= now,
                    outbox.OutboxRow.id != row.id, outbox.OutboxRow.created_at >= row.created_at - LOOKBACK)
             .order_by(outbox.OutboxRow.id).limit(SCAN))
    taken: list[outbox.OutboxRow] = []
    people = {messenger.space(row.method, row.address or {})}
    for other_id, card, address, method in session.execute(query):
        if len(taken) >= limit - 1:
            break
        where = messenger.space(method, address or {})
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


def send(messenger: ManyAtOnce, rows: list[outbox.OutboxRow]) -> list[SentMessage]:
    """One call for ``rows`` (same card): an interactive card into their spaces, or a plain message to
    their people; the SentMessages (recipients the platform refused are named in ``card_ref``)."""
    card = Card.from_dict(rows[0].card)
    if interactive(rows[0], messenger.capabilities):
        spaces = [messenger.space(r.method, r.address or {}) for r in rows]
        return [messenger.send_card_to_spaces(spaces, card, dedup_id=rows[0].dedup_id)]
    return messenger.send_to_people([r.address["user_id"] for r in rows], card)
