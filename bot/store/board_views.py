"""Read-only queries for the board (issue 26, docs/board.md): the filtered case list, one case's facts for the
access check, and a unit's open duties — built in the caller's session, never writing.

Who may see each case is not decided here (``bot.board.access`` asks the domain); these queries return every
case that matches the filters, with what the access check needs (county, every assigned unit, the live ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.core.clock import SHANGHAI
from bot.store.case_views import LIVE_ASSIGNMENTS, OPEN_STATES
from bot.store.cases import AssignmentRow, CaseRow, DutyRow

__all__ = ["BoardCase", "CaseFilter", "OpenDuty", "board_cases", "case_facts", "unit_open_duties"]

# a BoardCase's columns, in its fields' order
COLUMNS = (CaseRow.id, CaseRow.number, CaseRow.title, CaseRow.grade, CaseRow.state, CaseRow.confidential,
           CaseRow.drill, CaseRow.county, CaseRow.owner_unit, CaseRow.opened_at)
LIMIT = 2000  # cases read for one list page at most (the access check runs per case, in Python)


@dataclass(frozen=True)
class CaseFilter:
    """The list's filters (GET parameters): a unit (running or live-assigned), a grade, a state (empty: every
    open state), opened between two days (Asia/Shanghai, inclusive), text in the title or number."""

    unit: str = ""
    grade: int | None = None
    state: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


@dataclass
class BoardCase:
    """One case as the board's list and the access check need it."""

    id: int
    number: str
    title: str
    grade: int
    state: str
    confidential: bool
    drill: bool
    county: str | None
    owner_unit: str
    opened_at: datetime
    units: list[str] = field(default_factory=list)  # every assigned unit, in assignment order (the roles)
    live_units: list[str] = field(default_factory=list)  # warned, acknowledged, reported (the sight)
    next_kind: str | None = None  # the open duty due first
    next_due: datetime | None = None
    next_unit: str | None = None

    def matches_number(self, text: str) -> bool:
        """Whether ``text`` is in the number (what a search may match of a case not seen in full)."""
        return text.strip().upper() in self.number.upper()


@dataclass(frozen=True)
class OpenDuty:
    """An open duty of a unit, with its case's number."""

    case_id: int
    number: str
    kind: str
    due_at: datetime
    late: bool


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), SHANGHAI)


def board_cases(session: Session, wanted: CaseFilter) -> list[BoardCase]:
    """The cases matching ``wanted``, newest first (at most LIMIT), with their units and next deadline."""
    query = select(*COLUMNS)
    query = query.where(CaseRow.state == wanted.state) if wanted.state else query.where(CaseRow.state.in_(OPEN_STATES))
    if wanted.grade:
        query = query.where(CaseRow.grade == wanted.grade)
    if wanted.date_from:
        query = query.where(CaseRow.opened_at >= _day_start(wanted.date_from))
    if wanted.date_to:
        query = query.where(CaseRow.opened_at < _day_start(wanted.date_to + timedelta(days=1)))
    if wanted.text.strip():
        like = f"%{_escape(wanted.text.strip())}%"
        query = query.where(or_(CaseRow.title.ilike(like, escape="\\"), CaseRow.number.ilike(like, escape="\\")))
    if wanted.unit:
        live = select(AssignmentRow.case_id).where(AssignmentRow.unit_id == wanted.unit,
                                                   AssignmentRow.state.in_(LIVE_ASSIGNMENTS))
        query = query.where(or_(CaseRow.owner_unit == wanted.unit, CaseRow.county == wanted.unit, CaseRow.id.in_(live)))
    query = query.order_by(CaseRow.opened_at.desc(), CaseRow.id.desc()).limit(LIMIT)
    cases = [BoardCase(*row) for row in session.execute(query)]
    _fill(session, cases)
    return cases


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fill(session: Session, cases: list[BoardCase]) -> None:
    """Each case's units and its next open duty, two queries for the whole list."""
    by_id = {c.id: c for c in cases}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        assigned = select(AssignmentRow.case_id, AssignmentRow.unit_id, AssignmentRow.state).where(
            AssignmentRow.case_id.in_(chunk)).order_by(AssignmentRow.id)
        for case_id, unit, state in session.execute(assigned):
            case = by_id[case_id]
            if unit not in case.units:
                case.units.append(unit)
            if state in LIVE_ASSIGNMENTS and unit not in case.live_units:
                case.live_units.append(unit)
        duties = select(DutyRow.case_id, DutyRow.kind, DutyRow.due_at, DutyRow.owner_unit).where(
            DutyRow.case_id.in_(chunk), DutyRow.state == "open").order_by(DutyRow.due_at, DutyRow.id)
        for case_id, kind, due, unit in session.execute(duties):
            case = by_id[case_id]
            if case.next_due is None:
                case.next_kind, case.next_due, case.next_unit = kind, due, unit


def case_facts(session: Session, number: str) -> BoardCase | None:
    """The case with this number (any state) as the access check needs it, or None."""
    row = session.execute(select(*COLUMNS).where(CaseRow.number == number.strip().upper())).first()
    if row is None:
        return None
    case = BoardCase(*row)
    _fill(session, [case])
    return case


def unit_open_duties(session: Session, unit_id: str) -> list[OpenDuty]:
    """The open duties a unit owns, due first first."""
    query = (select(DutyRow.case_id, CaseRow.number, DutyRow.kind, DutyRow.due_at, DutyRow.late)
             .join(CaseRow, CaseRow.id == DutyRow.case_id)
             .where(DutyRow.owner_unit == unit_id, DutyRow.state == "open").order_by(DutyRow.due_at, DutyRow.id))
    return [OpenDuty(*row) for row in session.execute(query)]
