"""Digests (Art. 12, 日常舆情动态通报): the daily one at the policy's time on working days (Chinese
calendar and HOLIDAY_FILE), the weekly one on the policy's weekday (Monday) — both in Asia/Shanghai,
checked by every reconcile (so at most one RECONCILE_INTERVAL late), never by a cron in the worker's
time zone. Content: cases opened in the period, open cases by grade and by unit, overdue duties,
duties done late in the period (late reports); drills are left out, a confidential case is its number and
grade only (涉密舆情（重大）: no title). The daily one carries the day's anchor line (存证锚点, issue 24), appended
to ANCHOR_FILE as it is built. It goes to the leaders (main,
publicity, leaders in charge) and the desk through the outbox; the outbox's unique dedup id
(``dg:<kind>:<day>:<person>``) makes a second send of the same digest impossible, a Redis claim
only saves the work of building it twice.

The weekly one carries a picture for the leaders (issue 25; the desk has the statistics, ``统计``): the chart
of the eight whole weeks before (``bot.figures.chart``, data ``bot.store.stats.chart_data``), stored once
per run as ``舆情周报-<ISO week>.png`` and put 1:1 right after each leader's text digest, in the same
transaction (``dg:weekly-chart:<day>:<person>``) — where the leader's platform sends pictures. A chart that
cannot be drawn is logged and the text digests go without it."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from bot.core import keys
from bot.core.clock import SHANGHAI
from bot.core.org import Organisation
from bot.core.presentation import secret_item
from bot.domain.case.anchors import anchor_line
from bot.core.media import media_card
from bot.domain.cards.shapes import DigestData
from bot.domain.grade import Grade
from bot.domain.stats.period import week_of
from bot.figures.chart import weekly_chart
from bot.store import blobs
from bot.store.case_views import LIVE_ASSIGNMENTS, OPEN_STATES
from bot.store.cases import AssignmentRow, CaseRow, DutyRow
from bot.store.anchors import chain_heads, write_anchor
from bot.store.org_repo import read_organisation
from bot.store.stats import chart_data
from worker.addressing import Unreachable, person_message
from worker.delivery import schedule as schedule_delivery
from worker.presenting import add_rows
from worker.runtime import Runtime

log = logging.getLogger(__name__)


def due_digests(rules, now: datetime) -> list[tuple[str, date, int]]:
    """The digests due at ``now``: (kind, local day, period in days)."""
    local = now.astimezone(SHANGHAI)
    today, out = local.date(), []
    daily, weekly = rules.policy.daily_digest, rules.policy.weekly_digest
    if daily is not None and rules.calendar.is_workday(today) and local.time() >= daily:
        out.append(("daily", today, 1))
    if weekly is not None and today.weekday() == weekly[0] and local.time() >= weekly[1]:
        out.append(("weekly", today, 7))
    return out


def leaders(org: Organisation) -> list[str]:
    """The main and publicity leaders and the units' leaders in charge, once each."""
    people: dict[str, None] = {}
    for person in org.people.values():
        if person.active and {"main_leader", "publicity_leader"} & set(person.roles):
            people.setdefault(person.id, None)
    for unit in org.units.values():
        if unit.active and unit.leader_in_charge:
            people.setdefault(unit.leader_in_charge, None)
    return list(people)


def recipients(org: Organisation) -> list[str]:
    """Leaders and the desk, once each."""
    people = dict.fromkeys(leaders(org))
    desk = org.desk_unit()
    for pid in desk.people if desk else ():
        people.setdefault(pid, None)
    return list(people)


def contents(session, org: Organisation, now: datetime, days: int) -> dict:
    """The digest's figures for the ``days`` before ``now`` (drills left out). Columns only, each part
    through an index (0007: ``cases.opened_at``, ``duties.ended_at``): at 100,000 cases with 1,000 open
    the digest reads what it prints, not the case table (bench/store.py)."""
    since = now - timedelta(days=days)
    real = CaseRow.drill.is_(False)
    new = session.execute(select(CaseRow.number, CaseRow.title, CaseRow.grade, CaseRow.confidential)
                          .where(real, CaseRow.opened_at >= since)
                          .order_by(CaseRow.opened_at, CaseRow.id)).all()  # by id, SQLite scans the table
    live = session.execute(select(CaseRow.id, CaseRow.grade).where(real, CaseRow.state.in_(OPEN_STATES))).all()
    units = Counter(org.units[u].name if u in org.units else u for u in session.scalars(
        select(AssignmentRow.unit_id).where(_one_of(session, AssignmentRow.case_id, [i for i, _ in live]),
                                            AssignmentRow.state.in_(LIVE_ASSIGNMENTS)).order_by(AssignmentRow.id)))

    def duties(*where) -> list[str]:
        rows = session.execute(select(CaseRow.number, DutyRow.kind).join(CaseRow, CaseRow.id == DutyRow.case_id)
                               .where(real, *where).order_by(DutyRow.id))
        return [f"{number} {_label(kind)}" for number, kind in rows]

    return {
        "new": [f"{number} {_named(title, grade, confidential)}" for number, title, grade, confidential in new],
        "by_grade": [f"{Grade(g).label}{n}件" for g, n in sorted(Counter(g for _, g in live).items(), reverse=True)],
        "by_unit": [f"{u}{n}件" for u, n in units.most_common()],
        "overdue": duties(DutyRow.state == "open", DutyRow.due_at < now),
        "late": duties(DutyRow.late.is_(True), DutyRow.ended_at >= since),
        "open": len(live),
    }


def _named(title: str, grade: int, confidential: bool) -> str:
    """A new case as the digest names it after its number: its title, or for a confidential case (issue 21:
    its readers are not all named for it) only its grade, 涉密舆情（重大）."""
    return secret_item(Grade(grade).label.removesuffix("舆情")) if confidential else title


def _one_of(session, column, ids: list[int]):
    """``column`` is one of ``ids`` (the live cases'), through its index. Not a join with the cases:
    PostgreSQL hash-joins a scan of every assignment; and on PostgreSQL one array parameter, not an
    IN list of a thousand (each a parameter of its own: 14 against 5 ms at 1,000 open cases)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return column.in_(ids)


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


def anchor(rt: Runtime, session, day: date) -> str:
    """The day's anchor (存证锚点) of every case's chain, appended to ANCHOR_FILE; returns its line (shown in the
    digest even when the file cannot be written: that is logged as an error)."""
    heads = chain_heads(session)
    path = rt.settings.get("ANCHOR_FILE")
    try:
        return write_anchor(path, day, heads)
    except OSError as exc:
        log.error("digest: the anchor could not be appended to ANCHOR_FILE %s: %s", path, exc)
        return anchor_line(day, heads)


def _send(rt: Runtime, org: Organisation, kind: str, day: date, days: int, now: datetime) -> int:
    ids = []
    with rt.database.session() as session:
        line = anchor(rt, session, day) if kind == "daily" else ""
        card = DigestData(period=kind, day=f"{day.month}月{day.day}日", anchor=line, board=board_address(rt.settings),
                          **contents(session, org, now, days)).card()
        chart = _Chart(session, org, day, now) if kind == "weekly" else None
        for pid in recipients(org):
            try:
                messages = [person_message(org, pid, card, f"dg:{kind}:{day.isoformat()}:{pid}")]
            except Unreachable as exc:
                log.warning("digest: %s not reachable: %s", pid, exc)
                continue
            if chart and chart.goes_to(pid, rt.capabilities_of(messages[0].platform).sends_images):
                messages.append(person_message(org, pid, chart.card(), f"dg:weekly-chart:{day.isoformat()}:{pid}"))
            ids += add_rows(session, messages, now)
    for row_id in [i for i in ids if i]:
        schedule_delivery(rt, row_id)
    log.info("digest %s %s queued: %s outbox rows", kind, day, len([i for i in ids if i]))
    return len([i for i in ids if i])


class _Chart:
    """The weekly digest's picture for the leaders: drawn when made (not at all without a leader; one that cannot
    be drawn is logged and goes to nobody), stored the first time a leader's card is asked for."""

    def __init__(self, session, org: Organisation, day: date, now: datetime):
        self.session, self.now, self.leaders, self.png, self._card = session, now, set(leaders(org)), b"", None
        self.week = week_of(week_of(day).start - timedelta(days=1))  # the last whole week, as chart_data counts
        if self.leaders:
            try:
                with session.begin_nested():  # a failed read rolls back to here, not the text digests' transaction
                    data = chart_data(session, org, day)
                self.png = weekly_chart(data, f"舆情周报 {self.week.label}")
            except Exception:  # a picture is not worth losing the digest for
                log.exception("digest: the weekly chart of %s could not be drawn", day)

    def goes_to(self, person_id: str, sends_images: bool) -> bool:
        """Whether ``person_id`` gets the picture: a leader on a platform that sends pictures."""
        return bool(self.png) and sends_images and person_id in self.leaders

    def card(self):
        """The picture's ``image`` card (the blob stored on the first call)."""
        if self._card is None:
            self._card = media_card(blobs.put(self.session, "image", f"舆情周报-{self.week.key}.png", "image/png",
                                              self.png, self.now))
        return self._card


def board_address(settings) -> str:
    """The case board's address for the digest's link (``PUBLIC_BASE_URL/board``), "" when the board is off
    (no ``BOARD_SECRET_KEY``: issue 26)."""
    if not settings.get("BOARD_SECRET_KEY"):
        return ""
    return (settings.get("PUBLIC_BASE_URL") or "").rstrip("/") + "/board"
