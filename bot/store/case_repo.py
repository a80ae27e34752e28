"""The domain's CaseRepository and CaseStore on SQLAlchemy (SQLite and PostgreSQL).

:class:`SqlCaseStore` runs each command in one transaction and runs it again when it lost a race —
a timeline seq or a year's first case number taken by a concurrent writer, or SQLite's "database is
locked" when another writer committed first. Case numbers come from a per-year counter row bumped
inside the transaction (``UPDATE … RETURNING``), so two transactions never get the same number.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import datetime
from typing import Callable, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot.domain.case.lifecycle import AssignmentState, CaseState
from bot.domain.case.timeline import EntryDraft, TimelineEntry
from bot.domain.grade import Grade
from bot.domain.intake.reading import link_key
from bot.domain.kinds import DutyKind
from bot.domain.records import Assignment, Case, Duty, DutyState, Follow, GradeChange, Intake, Sighting
from bot.store import intake as intake_rows
from bot.store.cases import AssignmentRow, CaseCounterRow, CaseRow, DutyRow, FollowRow, GradeChangeRow
from bot.store.db import Database
from bot.store.timeline import SEQ_CONSTRAINT, append_entry, case_entries

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ATTEMPTS = 30
RACES = (SEQ_CONSTRAINT, "timeline.case_id", "case_counters", "uq_cases_year_serial", "cases.number",
         "database is locked", "could not serialize", "deadlock detected")

CASE_FIELDS = ("number", "title", "owner_unit", "county", "opened_by", "opened_at", "first_seen_at", "source", "link",
               "transfer_ref", "confidential", "drill", "drill_scale", "taken_from")
ASSIGNMENT_FIELDS = ("case_id", "unit_id", "assigned_at", "assigned_by", "acknowledged_by", "acknowledged_at", "reason")
DUTY_FIELDS = ("case_id", "assignment_id", "owner_unit", "owner_person", "started_at", "due_at", "policy", "ended_at", "ended_by",
               "reason", "late", "firing_id")


def to_case(row: CaseRow) -> Case:
    """The domain's Case of a row."""
    return Case(grade=Grade(row.grade), state=CaseState(row.state), id=row.id, **{f: getattr(row, f) for f in CASE_FIELDS})


def _to_assignment(row: AssignmentRow) -> Assignment:
    return Assignment(state=AssignmentState(row.state), id=row.id, **{f: getattr(row, f) for f in ASSIGNMENT_FIELDS})


FOLLOW_FIELDS = ("case_id", "unit_id", "since", "by", "how", "ended_at", "seen_seq", "noticed_seq", "noticed_at")


def to_follow(row: FollowRow) -> Follow:
    """The domain's Follow of a row."""
    return Follow(id=row.id, **{f: getattr(row, f) for f in FOLLOW_FIELDS})


def _to_duty(row: DutyRow) -> Duty:
    return Duty(kind=DutyKind(row.kind), grade=Grade(row.grade), state=DutyState(row.state), id=row.id,
                reminders=[datetime.fromisoformat(t) for t in row.reminders],
                escalations=[(datetime.fromisoformat(at), tuple(who)) for at, who in row.escalations],
                **{f: getattr(row, f) for f in DUTY_FIELDS})


def _duty_values(duty: Duty) -> dict:
    return {**{f: getattr(duty, f) for f in DUTY_FIELDS}, "kind": str(duty.kind), "grade": int(duty.grade),
            "state": str(duty.state), "reminders": [t.isoformat() for t in duty.reminders],
            "escalations": [[at.isoformat(), list(who)] for at, who in duty.escalations]}


class SqlCaseRepository:
    """CaseRepository over one SQLAlchemy session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def next_case_number(self, year: int) -> int:
        """The next serial of ``year``; the counter row stays locked until the transaction ends."""
        bumped = self.session.execute(update(CaseCounterRow).where(CaseCounterRow.year == year)
                                      .values(last=CaseCounterRow.last + 1).returning(CaseCounterRow.last)).scalar()
        if bumped is None:
            self.session.execute(insert(CaseCounterRow).values(year=year, last=1))
            bumped = 1
        return bumped

    def add_case(self, case: Case) -> Case:
        """Insert a case; returns it with its id."""
        year, serial = (int(p) for p in case.number.split("-")[1:3])
        row = CaseRow(year=year, serial=serial, grade=int(case.grade), state=str(case.state),
                      **{f: getattr(case, f) for f in CASE_FIELDS})
        self.session.add(row)
        self.session.flush()
        case.id = row.id
        return case

    def get_case(self, case_id: int) -> Case | None:
        """The case, with its row locked for update (PostgreSQL), or None."""
        row = self.session.scalars(select(CaseRow).where(CaseRow.id == case_id).with_for_update()).first()
        return to_case(row) if row else None

    def case_by_number(self, number: str) -> Case | None:
        """The case with this number, or None."""
        row = self.session.scalars(select(CaseRow).where(CaseRow.number == number)).first()
        return to_case(row) if row else None

    def save_case(self, case: Case) -> None:
        """Write back a case's grade, state, owner (county, taken_from) and 涉密 mark."""
        self.session.execute(update(CaseRow).where(CaseRow.id == case.id).values(
            grade=int(case.grade), state=str(case.state), owner_unit=case.owner_unit, county=case.county,
            confidential=case.confidential, taken_from=case.taken_from))

    def assignments(self, case_id: int) -> list[Assignment]:
        """The case's assignments, oldest first."""
        rows = self.session.scalars(select(AssignmentRow).where(AssignmentRow.case_id == case_id).order_by(AssignmentRow.id))
        return [_to_assignment(r) for r in rows]

    def add_assignment(self, assignment: Assignment) -> Assignment:
        """Insert an assignment; returns it with its id."""
        row = AssignmentRow(state=str(assignment.state), **{f: getattr(assignment, f) for f in ASSIGNMENT_FIELDS})
        self.session.add(row)
        self.session.flush()
        assignment.id = row.id
        return assignment

    def save_assignment(self, assignment: Assignment) -> None:
        """Write back an assignment's state and acknowledgement."""
        self.session.execute(update(AssignmentRow).where(AssignmentRow.id == assignment.id).values(
            state=str(assignment.state), acknowledged_by=assignment.acknowledged_by,
            acknowledged_at=assignment.acknowledged_at, reason=assignment.reason))

    def follows(self, case_id: int) -> list[Follow]:
        """Every follow of the case, oldest first."""
        rows = self.session.scalars(select(FollowRow).where(FollowRow.case_id == case_id).order_by(FollowRow.id))
        return [to_follow(r) for r in rows]

    def add_follow(self, follow: Follow) -> Follow:
        """Insert a follow; returns it with its id."""
        row = FollowRow(**{f: getattr(follow, f) for f in FOLLOW_FIELDS})
        self.session.add(row)
        self.session.flush()
        follow.id = row.id
        return follow

    def save_follow(self, follow: Follow) -> None:
        """Write back a follow's end and progress marks."""
        self.session.execute(update(FollowRow).where(FollowRow.id == follow.id).values(
            **{f: getattr(follow, f) for f in ("ended_at", "seen_seq", "noticed_seq", "noticed_at")}))

    def county_cases(self, desk_unit: str) -> list[tuple[Case, Follow | None]]:
        """The county cases ``desk_unit`` follows now and those it took over (bot.store.follows)."""
        from bot.store.follows import county_cases_of  # it reads rows through this module

        return county_cases_of(self.session, desk_unit)

    def duties(self, case_id: int) -> list[Duty]:
        """The case's duties, oldest first."""
        rows = self.session.scalars(select(DutyRow).where(DutyRow.case_id == case_id).order_by(DutyRow.id))
        return [_to_duty(r) for r in rows]

    def add_duty(self, duty: Duty) -> Duty:
        """Insert a duty; returns it with its id."""
        row = DutyRow(**_duty_values(duty))
        self.session.add(row)
        self.session.flush()
        duty.id = row.id
        return duty

    def save_duty(self, duty: Duty) -> None:
        """Write back a duty's state and firing id; its frozen policy and schedule never change."""
        self.session.execute(update(DutyRow).where(DutyRow.id == duty.id).values(
            state=str(duty.state), ended_at=duty.ended_at, ended_by=duty.ended_by, reason=duty.reason,
            late=duty.late, firing_id=duty.firing_id))

    def add_grade_change(self, change: GradeChange) -> None:
        """Record a grade set or changed."""
        self.session.add(GradeChangeRow(case_id=change.case_id, old=int(change.old) if change.old else None,
                                        new=int(change.new), by=change.by, at=change.at, reason=change.reason))

    def append(self, case_id: int, draft: EntryDraft) -> TimelineEntry:
        """Chain ``draft`` after the case's last entry; raises IntegrityError when beaten to the seq."""
        return append_entry(self.session, case_id, draft)

    def timeline(self, case_id: int) -> list[TimelineEntry]:
        """The case's entries in seq order."""
        return case_entries(self.session, case_id)

    def add_intake(self, case_id: int, intake: Intake, link: str | None) -> None:
        """Record how the case came in; raises IntegrityError for an external id its desk unit used before."""
        intake_rows.record_intake(self.session, case_id, normalised=link_key(link) if link else None,
                                  title_from=intake.title_from, transfer_source=intake.transfer_source,
                                  api_unit=intake.api_unit, external_id=intake.external_id, summary=intake.summary)

    def intake(self, case_id: int) -> Intake | None:
        """How the case came in, with its link preview's summary, or None."""
        row = intake_rows.intake_of(self.session, case_id)
        if row is None:
            return None
        return Intake(title_from=row.title_from, transfer_source=row.transfer_source, api_unit=row.api_unit,
                      external_id=row.external_id, summary=row.summary, preview_summary=row.preview_summary)

    def open_case_with_link(self, link: str, *, drill: bool = False) -> Case | None:
        """The newest case not archived whose link (or a sighting's) is the same story as ``link``, or None;
        among real cases only, or among drills only (``drill``): the two never match each other."""
        key = link_key(link)
        row = intake_rows.open_case_with_link(self.session, key[1], drill=drill) if key else None
        return to_case(row) if row else None

    def case_by_external_id(self, unit_id: str, external_id: str) -> Case | None:
        """The case a monitoring system opened for ``unit_id`` under ``external_id``, or None."""
        row = intake_rows.case_by_external_id(self.session, unit_id, external_id)
        return to_case(row) if row else None

    def add_sighting(self, case_id: int, sighting: Sighting) -> None:
        """Keep a sighting (its normalised link joins duplicate detection)."""
        intake_rows.add_sighting_row(self.session, case_id, link=sighting.link, source=sighting.source,
                                     seen_at=sighting.seen_at, by=sighting.by, platform=sighting.platform)

    def open_duties_of(self, units: list[str], main_leader: bool = False,
                       person: str | None = None, counties: tuple[str, ...] = ()) -> list[tuple[Duty, Case]]:
        """Open duties of ``units``, of ``person`` and the main leaders' own (``main_leader``: on the city's cases;
        ``counties``: on the cases of the counties whose main leader he is) on cases not archived, soonest due
        first."""
        owner = DutyRow.owner_unit.in_(list(units))
        if person:
            owner = owner | (DutyRow.owner_person == person)
        leaders_own = DutyRow.owner_unit.is_(None) & DutyRow.owner_person.is_(None)
        if main_leader:
            owner = owner | (leaders_own & CaseRow.county.is_(None))
        if counties:
            owner = owner | (leaders_own & CaseRow.county.in_(list(counties)))
        query = (select(DutyRow, CaseRow).join(CaseRow, CaseRow.id == DutyRow.case_id)
                 .where(DutyRow.state == "open", owner, CaseRow.state != str(CaseState.ARCHIVED))
                 .order_by(DutyRow.due_at))
        return [(_to_duty(d), to_case(c)) for d, c in self.session.execute(query)]


def lost_race(exc: Exception) -> bool:
    """Whether a database error means a concurrent writer won (retry) rather than a real fault."""
    text = str(getattr(exc, "orig", exc))
    return any(marker in text for marker in RACES)


class SqlCaseStore:
    """CaseStore on a Database: one transaction per command, retried when it lost a race."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def run(self, work: Callable[[SqlCaseRepository], T]) -> T:
        """Run ``work`` in one transaction; retry when a concurrent writer won. Raises what ``work`` raises."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.database.session() as session:
                    return work(SqlCaseRepository(session))
            except (IntegrityError, OperationalError) as exc:
                if not lost_race(exc) or attempt == MAX_ATTEMPTS:
                    raise
                log.info("store: lost a race (attempt %s), retrying: %s", attempt, type(exc).__name__)
                time.sleep(random.uniform(0, 0.005 * attempt))
        raise AssertionError("unreachable")  # pragma: no cover


class LostRace(Exception):
    """A command inside a caller's transaction lost a race: the caller must run its whole transaction again."""


class SessionCaseStore:
    """CaseStore inside a caller's transaction (the worker's one transaction per event): each command runs
    in a savepoint; a lost race raises LostRace so the caller retries the whole event."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def run(self, work: Callable[[SqlCaseRepository], T]) -> T:
        """Run ``work`` in a savepoint of the caller's transaction; raises LostRace or what ``work`` raises."""
        try:
            with self.session.begin_nested():
                return work(SqlCaseRepository(self.session))
        except (IntegrityError, OperationalError) as exc:
            if lost_race(exc):
                raise LostRace(str(exc)) from exc
            raise
