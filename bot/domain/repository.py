"""What the domain's commands need from persistence: a small Protocol the store implements.

A command runs its whole work in one transaction through :meth:`CaseStore.run`; a store may run the
work again when it lost a race (a taken timeline seq or case number), so work must only read and
write through the repository it is given.
"""

from __future__ import annotations

from typing import Callable, Protocol, TypeVar

from bot.domain.records import Assignment, Case, Duty, GradeChange
from bot.domain.timeline import EntryDraft, TimelineEntry

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


class CaseStore(Protocol):
    """Runs a command's work in one transaction."""

    def run(self, work: Callable[[CaseRepository], T]) -> T:
        """Run ``work`` in one transaction, retrying it when it lost a race; returns its result."""
