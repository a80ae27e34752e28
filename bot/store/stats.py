"""The statistics' queries (issue 25): the rows of a period — cases opened, grade changes, assignments acknowledged,
duties ended or due, scripts approved, county gradings — read in a few queries (never one per case), drills left
out, and handed to the pure counting of ``bot.domain.stats``. docs/statistics.md defines every figure.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.core.clock import SHANGHAI, ensure_utc
from bot.core.org import Organisation
from bot.domain.case.timeline import TimelineEntry
from bot.domain.grade import Grade
from bot.domain.response.state import SCRIPT_APPROVE, SCRIPT_RETURN, SCRIPT_SUBMIT, response_state
from bot.domain.stats import counting
from bot.domain.stats.figures import ChartData, Figures, Period
from bot.domain.stats.period import between, week_of
from bot.domain.stats.tables import Rows, build_figures, unit_name
from bot.store.case_repo import _to_assignment, _to_duty, to_case
from bot.store.cases import AssignmentRow, CaseRow, DutyRow, GradeChangeRow
from bot.store.timeline import TimelineRow, _entry

__all__ = ["chart_data", "figures", "period_rows"]

COUNTY_ACTIONS = ("case.open", "case.grade", "case.take_over")


def _instant(day: date) -> datetime:
    """Midnight at the start of ``day`` in Shanghai, as UTC."""
    return datetime.combine(day, time(0), SHANGHAI).astimezone(timezone.utc)


def _live_cases():
    return select(CaseRow.id).where(CaseRow.drill.is_(False))


def _cases(session: Session, rows: Rows) -> None:
    found = session.scalars(select(CaseRow).where(CaseRow.drill.is_(False), CaseRow.opened_at >= rows.start,
                                                  CaseRow.opened_at < rows.end).order_by(CaseRow.id))
    rows.cases = [to_case(r) for r in found]
    ids = [case.id for case in rows.cases]
    raises: dict[int, list] = {}
    for change in session.scalars(select(GradeChangeRow).where(GradeChangeRow.case_id.in_(ids))):
        raises.setdefault(change.case_id, []).append((change.at, change.new))
    units: dict[int, list[str]] = {}
    for a in session.scalars(select(AssignmentRow).where(AssignmentRow.case_id.in_(ids)).order_by(AssignmentRow.id)):
        units.setdefault(a.case_id, []).append(a.unit_id)
    for case in rows.cases:
        first = min(raises.get(case.id, [(case.opened_at, int(case.grade))]), key=lambda r: ensure_utc(r[0]))[1]
        rows.grades[case.id] = counting.highest_grade(first, raises.get(case.id, []), rows.at)
        county = case.county or case.taken_from
        rows.case_units[case.id] = list(dict.fromkeys(([county] if county else []) + units.get(case.id, [])))


def _acks(session: Session, rows: Rows) -> None:
    found = session.scalars(select(AssignmentRow).where(
        AssignmentRow.case_id.in_(_live_cases()), AssignmentRow.acknowledged_at >= rows.start,
        AssignmentRow.acknowledged_at < rows.end).order_by(AssignmentRow.id))
    rows.acks = [_to_assignment(r) for r in found]


def _duties(session: Session, rows: Rows) -> None:
    ended_in = and_(DutyRow.ended_at >= rows.start, DutyRow.ended_at < rows.end)
    due_open = and_(DutyRow.due_at >= rows.start, DutyRow.due_at < rows.end,
                    or_(DutyRow.ended_at.is_(None), DutyRow.ended_at >= rows.end))
    found = session.scalars(select(DutyRow).where(DutyRow.case_id.in_(_live_cases()), or_(ended_in, due_open))
                            .order_by(DutyRow.id))
    rows.duties = [d for d in map(_to_duty, found) if counting.counted(d, rows.start, rows.end)]


def _entries(session: Session, case_ids, actions) -> dict[int, list[TimelineEntry]]:
    by_case: dict[int, list[TimelineEntry]] = {}
    found = session.scalars(select(TimelineRow).where(TimelineRow.case_id.in_(case_ids),
                                                      TimelineRow.action.in_(actions))
                            .order_by(TimelineRow.case_id, TimelineRow.seq))
    for row in found:
        by_case.setdefault(row.case_id, []).append(_entry(row))
    return by_case


def _scripts(session: Session, rows: Rows) -> None:
    approved = select(TimelineRow.case_id).where(TimelineRow.case_id.in_(_live_cases()),
                                                 TimelineRow.action == SCRIPT_APPROVE, TimelineRow.at >= rows.start,
                                                 TimelineRow.at < rows.end)
    for entries in _entries(session, approved, (SCRIPT_SUBMIT, SCRIPT_APPROVE, SCRIPT_RETURN)).values():
        for s in counting.approved_scripts(response_state(entries).scripts):
            if rows.start <= ensure_utc(s.approved_at) < rows.end:
                rows.scripts.append(s)


def _county(session: Session, rows: Rows) -> None:
    found = session.execute(select(CaseRow.id, CaseRow.county, CaseRow.taken_from).where(
        CaseRow.drill.is_(False), CaseRow.opened_at < rows.end,
        or_(CaseRow.county.is_not(None), CaseRow.taken_from.is_not(None))))
    counties = {case_id: county or taken for case_id, county, taken in found}
    for case_id, entries in sorted(_entries(session, list(counties), COUNTY_ACTIONS).items()):
        first = counting.first_major(entries)
        if first is not None and rows.start <= ensure_utc(first.at) < rows.end:
            rows.county.append((counties[case_id], bool(first.payload.get("report_up"))))


def period_rows(session: Session, period: Period, now: datetime | None = None) -> Rows:
    """Everything the figures of ``period`` count, read as at ``now`` (default: the clock; a period still running
    is read as it stands now, a past one as at its end)."""
    start, end = _instant(period.start), _instant(period.end + timedelta(days=1))
    at = min(end, ensure_utc(now or datetime.now(timezone.utc)))
    rows = Rows(period, start, end, at)
    for read in (_cases, _acks, _duties, _scripts, _county):
        read(session, rows)
    return rows


def figures(session: Session, org: Organisation, period: Period, rules=None, *,
            now: datetime | None = None) -> Figures:
    """The figures of ``period`` (drills out, confidential cases counted without titles). ``rules`` is accepted for
    the callers' convenience and not needed: every duty carries its own deadline. ``now``: the figures' moment."""
    return build_figures(period_rows(session, period, now), org)


def chart_data(session: Session, org: Organisation, today: date, weeks: int = 8) -> ChartData:
    """The weekly chart's data: cases opened per grade in each of the ``weeks`` whole weeks before ``today``'s
    (oldest first, labelled by their Monday), and the on-time rate of every unit's duties over those weeks
    (worst first; units with nothing decided left out)."""
    last = week_of(week_of(today).start - timedelta(days=1))
    first = last.start - timedelta(weeks=weeks - 1)
    rows = period_rows(session, between(first, last.end), _instant(last.end + timedelta(days=1)))
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    counts = {m: [0, 0, 0, 0] for m in mondays}
    for case in rows.cases:
        monday = week_of(ensure_utc(case.opened_at).astimezone(SHANGHAI).date()).start
        counts[monday][rows.grades[case.id] - Grade.GENERAL] += 1
    week_rows = tuple((f"{m.month}月{m.day}日", tuple(counts[m])) for m in mondays)
    groups = counting.tally([d for d in rows.duties if d.owner_unit], rows.at, lambda d: d.owner_unit)
    units = [(unit_name(org, uid), t.rate, t.decided) for uid, t in groups.items() if t.decided]
    units.sort(key=lambda u: (u[1], -u[2], u[0]))
    return ChartData(week_rows, tuple(units))
