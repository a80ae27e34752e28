"""Digests (Art. 12, 日常舆情动态通报): the daily one at the policy's time on working days (Chinese
calendar and HOLIDAY_FILE), the weekly one on the policy's weekday (Monday) — both in Asia/Shanghai,
checked by every reconcile (so at most one RECONCILE_INTERVAL late), never by a cron in the worker's
time zone. Content: cases opened in the period, open cases by grade and by unit, overdue duties,
duties done late in the period (late reports); drills are left out. It goes to the leaders (main,
publicity, leaders in charge) and the desk through the outbox; the outbox's unique dedup id
(``dg:<kind>:<day>:<person>``) makes a second send of the same digest impossible, a Redis claim
only saves the work of building it twice."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select

from bot.core import keys
from bot.core.card import Card
from bot.core.clock import SHANGHAI
from bot.core.org import Organisation
from bot.domain.grade import Grade
from bot.store import outbox
from bot.store.cases import AssignmentRow, CaseRow, DutyRow
from bot.store.org_repo import read_organisation
from worker.addressing import Unreachable, person_message
from worker.delivery import schedule as schedule_delivery
from worker.runtime import Runtime

log = logging.getLogger(__name__)
CLOSED = ("archived",)


def due_digests(rules, now: datetime) -> list[tuple[str, date, int]]:
    """The digests due at ``now``: (kind, local day, period in days)."""
    local = now.astimezone(SHANGHAI)
    today, out = local.date(), []
    if rules.calendar.is_workday(today) and local.time() >= rules.policy.daily_digest:
        out.append(("daily", today, 1))
    weekday, at = rules.policy.weekly_digest
    if today.weekday() == weekday and local.time() >= at:
        out.append(("weekly", today, 7))
    return out


def recipients(org: Organisation) -> list[str]:
    """Leaders and the desk, once each."""
    people: dict[str, None] = {}
    for person in org.people.values():
        if person.active and {"main_leader", "publicity_leader"} & set(person.roles):
            people.setdefault(person.id, None)
    for unit in org.units.values():
        if unit.active and unit.leader_in_charge:
            people.setdefault(unit.leader_in_charge, None)
    desk = org.desk_unit()
    for pid in desk.people if desk else ():
        people.setdefault(pid, None)
    return list(people)


def contents(session, org: Organisation, now: datetime, days: int) -> dict:
    """The digest's figures for the ``days`` before ``now`` (drills left out)."""
    since = now - timedelta(days=days)  # only live, new and recently late rows are read (bench/store.py)
    cases = list(session.scalars(select(CaseRow).where(
        CaseRow.drill.is_(False), or_(CaseRow.state.not_in(CLOSED), CaseRow.opened_at >= since))))
    live = {c.id: c for c in cases if c.state not in CLOSED}
    new = [c for c in cases if c.opened_at >= since]
    units = Counter(org.units[a.unit_id].name if a.unit_id in org.units else a.unit_id
                    for a in session.scalars(select(AssignmentRow).where(AssignmentRow.case_id.in_(live or [0])))
                    if a.state in ("warned", "acknowledged", "reported"))
    rows = session.execute(select(DutyRow, CaseRow.number).join(CaseRow, CaseRow.id == DutyRow.case_id).where(
        CaseRow.drill.is_(False), or_(and_(DutyRow.state == "open", DutyRow.due_at < now),
                                      and_(DutyRow.late.is_(True), DutyRow.ended_at >= since))).order_by(DutyRow.id))
    number = {}
    duties = []
    for duty, case_number in rows:
        duties.append(duty)
        number[duty.case_id] = case_number
    overdue = [d for d in duties if d.state == "open" and d.due_at < now]
    late = [d for d in duties if d.late and d.ended_at and d.ended_at >= since]
    return {
        "new": [f"{c.number} {c.title}" for c in new],
        "by_grade": [f"{Grade(g).label} {n}" for g, n in sorted(Counter(c.grade for c in live.values()).items(), reverse=True)],
        "by_unit": [f"{u} {n}" for u, n in units.most_common()],
        "overdue": [f"{number[d.case_id]} {_label(d.kind)}" for d in overdue],
        "late": [f"{number[d.case_id]} {_label(d.kind)}" for d in late],
        "open": len(live),
    }


def _label(kind: str) -> str:
    from bot.domain.kinds import DUTY_LABELS, DutyKind

    return DUTY_LABELS[DutyKind(kind)]


def send_due(rt: Runtime, now: datetime) -> int:
    """Queue the digests due at ``now`` that were not sent yet; returns how many digests went out."""
    with rt.database.session() as session:
        org = read_organisation(session)
    rules = rt.rules(org)
    sent = 0
    for kind, day, days in due_digests(rules, now):
        if not rt.redis.set(keys.digest_sent(kind, day.isoformat()), "1", nx=True, ex=3 * 86400):
            continue
        sent += bool(_send(rt, org, kind, day, days, now))
    return sent


def _send(rt: Runtime, org: Organisation, kind: str, day: date, days: int, now: datetime) -> int:
    ids = []
    with rt.database.session() as session:
        data = {"kind": kind, "day": f"{day.month}月{day.day}日", **contents(session, org, now, days)}
        card = Card("digest", data)
        for pid in recipients(org):
            try:
                message = person_message(org, pid, card, f"dg:{kind}:{day.isoformat()}:{pid}")
            except Unreachable as exc:
                log.warning("digest: %s not reachable: %s", pid, exc)
                continue
            ids.append(outbox.add(session, message, now))
    for row_id in [i for i in ids if i]:
        schedule_delivery(rt, row_id)
    log.info("digest %s %s queued for %s people", kind, day, len([i for i in ids if i]))
    return len([i for i in ids if i])
