"""The desk hears of messages that finally failed: at each reconcile, one ``delivery_failed`` card to
the desk lists every message that failed since the last such card (a failure batch). The batch is
known from the database alone: the card's own outbox rows carry ``failnotice:<last failed id>``, so a
second worker, or a Redis that forgot everything, never reports a batch twice. A failed notice is not
reported again (no loop). The failed rows themselves are kept (``yuqing clock status`` counts them)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from bot.core.clock import SHANGHAI
from bot.domain.cards.shapes import DeliveryFailedData
from bot.store import outbox
from bot.store.org_repo import read_organisation
from worker.addressing import Unreachable, person_message
from worker.delivery import schedule
from worker.presenting import add_rows
from worker.runtime import Runtime

log = logging.getLogger(__name__)
PREFIX = "failnotice:"
LISTED = 20


def last_reported(session) -> int:
    """The id of the last failed row a notice covered (0 when none)."""
    latest = session.scalar(select(outbox.OutboxRow.dedup_id).where(outbox.OutboxRow.dedup_id.like(PREFIX + "%"))
                            .order_by(outbox.OutboxRow.id.desc()).limit(1))
    return int(latest.split(":")[1]) if latest else 0


def _item(row: outbox.OutboxRow, people: dict[str, str]) -> str:
    who = row.address.get("user_id") or "群聊"
    when = row.created_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    return f"{when} {people.get(who, who)}（{row.platform}）：{row.card.get('kind')} — {(row.last_error or '')[:60]}"


def notify_desk(rt: Runtime, now: datetime) -> int:
    """Queue the desk's card about messages that failed since the last one; returns how many it lists."""
    ids = []
    with rt.database.session() as session:
        since = last_reported(session)
        rows = list(session.scalars(select(outbox.OutboxRow).where(
            outbox.OutboxRow.state == outbox.FAILED, outbox.OutboxRow.id > since,
            ~outbox.OutboxRow.dedup_id.like(PREFIX + "%")).order_by(outbox.OutboxRow.id)))
        if not rows:
            return 0
        org = read_organisation(session)
        names = {uid: p.name for p in org.people.values() for uid in p.user_ids().values()}
        card = DeliveryFailedData(count=len(rows), items=[_item(r, names) for r in rows[:LISTED]]).card()
        desk = org.desk_unit()
        for pid in desk.people if desk else ():
            try:
                ids += add_rows(session, [person_message(org, pid, card, f"{PREFIX}{rows[-1].id}:{pid}")], now)
            except Unreachable as exc:
                log.warning("failure notice: %s not reachable: %s", pid, exc)
    for row_id in [i for i in ids if i]:
        schedule(rt, row_id)
    log.warning("desk told of %s undelivered messages (up to outbox %s)", len(rows), rows[-1].id)
    return len(rows)
