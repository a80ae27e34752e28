"""Batching: DingTalk takes one card to up to 20 people in one robot call (``oToMessages/batchSend``,
the messenger's ``send_to_people``), so a DingTalk 1:1 message without buttons takes along other due
rows carrying the same card to other people (claimed like itself) — an escalation to the desk or a
digest to the leaders becomes one call instead of one per person, under DingTalk's QPS limit.

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

BATCH = 20  # DingTalk oToMessages/batchSend: userIds per call
SCAN = 200


def companions(session: Session, row: outbox.OutboxRow, now: datetime, lease: timedelta,
               messenger: object) -> list[outbox.OutboxRow]:
    """Other due rows with the same card that ``row``'s send can carry (claimed in this transaction)."""
    if (row.platform != "dingtalk" or row.method != "person" or row.card.get("buttons")
            or not hasattr(messenger, "send_to_people")):
        return []
    query = (select(outbox.OutboxRow.id, outbox.OutboxRow.card, outbox.OutboxRow.address)
             .where(outbox.OutboxRow.platform == "dingtalk", outbox.OutboxRow.method == "person",
                    outbox.OutboxRow.state == outbox.PENDING, outbox.OutboxRow.next_attempt_at <= now,
                    outbox.OutboxRow.id != row.id, outbox.OutboxRow.created_at >= now - pacing.LOOKBACK)
             .order_by(outbox.OutboxRow.id).limit(SCAN))
    taken: list[outbox.OutboxRow] = []
    people = {row.address.get("user_id")}
    for other_id, card, address in session.execute(query):
        if len(taken) >= BATCH - 1:
            break
        if card != row.card or address.get("user_id") in people:
            continue
        other = outbox.claim(session, other_id, now, lease)
        if other is None:
            continue
        if pacing.earlier_unsent(session, other, now) is not None:
            other.state, other.lease_until, other.attempts = outbox.PENDING, None, other.attempts - 1
            continue
        taken.append(other)
        people.add(address.get("user_id"))
    session.flush()
    return taken
