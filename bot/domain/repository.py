"""What the domain's commands need from persistence: a small Protocol the store implements.

A command runs its whole work in one transaction through :meth:`CaseStore.run`; a store may run the
work again when it lost a race (a taken timeline seq or case number), so work must only read and
write through the repository it is given.
"""

from __future__ import annotations

from typing import Callable, Protocol, TypeVar

from bot.domain.case.timeline import EntryDraft, TimelineEntry
from bot.domain.records import Assignment, Case, Duty, Follow, GradeChange, Intake, Sighting

T = TypeVar("T")


class CaseRepository(Protocol):
    """Reads and writes of one transaction."""

    def next_case_number(self, year: int) -> int:
        """The next serial of ``year`` (1, 2, …), unique even under concurrent transactions."""

    def add_case(self, case: Case) -> Case:
        """Insert a case; returns it with its id."""

    def get_case(self, case_id: int) -> Case | None:
        """The case with this id (locked for update where the database can), or None."""

    def case_by_number(self, number: str) -> Case | None:
        """The case with this number, or None."""

    def save_case(self, case: Case) -> None:
        """Write back a changed case."""

    def assignments(self, case_id: int) -> list[Assignment]:
        """The case's assignments, oldest first."""

    def add_assignment(self, assignment: Assignment) -> Assignment:
        """Insert an assignment; returns it with its id."""

    def save_assignment(self, assignment: Assignment) -> None:
        """Write back a changed assignment."""

    def duties(self, case_id: int) -> list[Duty]:
        """The case's duties, oldest first."""

    def add_duty(self, duty: Duty) -> Duty:
        """Insert a duty; returns it with its id."""

    def save_duty(self, duty: Duty) -> None:
        """Write back a changed duty (its frozen policy never changes)."""

    def add_grade_change(self, change: GradeChange) -> None:
        """Record a grade set or changed."""

    def append(self, case_id: int, draft: EntryDraft) -> TimelineEntry:
        """Chain ``draft`` after the case's last entry; raises the store's conflict error when beaten."""

    def timeline(self, case_id: int) -> list[TimelineEntry]:
        """The case's entries in seq order."""

    # intake: how a case came in, the same story seen again, what a person has to do

    def add_intake(self, case_id: int, intake: Intake, link: str | None) -> None:
        """Record how the case came in; its ``link`` (normalised) joins the detection of the same story.
        Raises the store's conflict error for an external id its desk unit used before."""

    def intake(self, case_id: int) -> Intake | None:
        """How the case came in (with its link preview's summary), or None (opened before intake existed)."""

    def open_case_with_link(self, link: str, *, drill: bool = False) -> Case | None:
        """The newest case not archived whose link, or a sighting's, is the same story as ``link``, or None; a real
        intake sees real cases only, a drill (``drill``) drills only (issue 23)."""

    def case_by_external_id(self, unit_id: str, external_id: str) -> Case | None:
        """The case a monitoring system opened for ``unit_id`` under ``external_id``, or None."""

    def add_sighting(self, case_id: int, sighting: Sighting) -> None:
        """Keep a sighting; its link joins the detection of the same story."""

    # follows (issue 22): the city desk following a county's case

    def follows(self, case_id: int) -> list[Follow]:
        """Every follow of the case, oldest first (ended ones included)."""

    def add_follow(self, follow: Follow) -> Follow:
        """Insert a follow; returns it with its id."""

    def save_follow(self, follow: Follow) -> None:
        """Write back a follow's end and progress marks."""

    def county_cases(self, desk_unit: str) -> list[tuple[Case, Follow | None]]:
        """The county cases ``desk_unit`` follows now and those it took over, not archived, newest first, each
        with its active follow (None for one taken over)."""

    def open_duties_of(self, units: list[str], main_leader: bool = False,
                       person: str | None = None, counties: tuple[str, ...] = ()) -> list[tuple[Duty, Case]]:
        """Open duties owned by ``units``, by ``person`` (a person's own) and the main leaders' (owned by no unit
        and no person: ``main_leader``, on the city's cases; ``counties``, on those counties' cases) on cases not
        archived, soonest due first, each with its case."""


class CaseStore(Protocol):
    """Runs a command's work in one transaction."""

    def run(self, work: Callable[[CaseRepository], T]) -> T:
        """Run ``work`` in one transaction, retrying it when it lost a race; returns its result."""
