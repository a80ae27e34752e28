"""The counting behind the figures (issue 25): pure classification of cases, duties, script versions and county
gradings, read as the domain reads them. docs/statistics.md defines every figure; the store
(``bot.store.stats``) fetches the rows and hands them here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from statistics import median
from typing import Iterable

from bot.core.clock import ensure_utc
from bot.domain.case.timeline import TimelineEntry
from bot.domain.drill.report import Verdict, verdict_of
from bot.domain.grade import Grade
from bot.domain.kinds import REPORT_FULFILS, DutyKind
from bot.domain.records import Assignment, Duty, DutyState
from bot.domain.response.state import ScriptVersion

__all__ = ["REPORT_KINDS", "ApprovedScript", "DutyTally", "ack_minutes", "approved_scripts", "as_of", "counted",
           "first_major", "highest_grade", "is_report", "is_supervision", "middle", "minutes", "rate", "tally",
           "verdict_at"]

REPORT_KINDS = frozenset(REPORT_FULFILS.values())  # 初报, 续报, 反馈处置情况 (the 专项报告): the duties a report ends
# How a verdict counts: met, late (迟报 / 迟办), missed (漏报 / 未办), still running; CLOSED and SUPERSEDED are not counted.
COUNTED = (Verdict.ON_TIME, Verdict.LATE, Verdict.MISSED, Verdict.OPEN)


def as_of(duty: Duty, at: datetime) -> Duty:
    """The duty as it stood at ``at``: one that ended later is still open then."""
    if duty.ended_at is not None and ensure_utc(duty.ended_at) > ensure_utc(at):
        return replace(duty, state=DutyState.OPEN, ended_at=None, ended_by=None, reason=None, late=False)
    return duty


def verdict_at(duty: Duty, at: datetime) -> Verdict:
    """``verdict_of`` the duty as it stood at ``at`` (按时, 迟办, 未办, 进行中, 已关闭, 已重新计时)."""
    return verdict_of(as_of(duty, at), at)


def counted(duty: Duty, start: datetime, end: datetime) -> bool:
    """Whether the duty belongs to the period [start, end): it ended in it, or it fell due in it and was still
    open at its end (the figures' moment for a running period)."""
    ended = ensure_utc(duty.ended_at) if duty.ended_at is not None else None
    if ended is not None and start <= ended < end:
        return True
    due = ensure_utc(duty.due_at)
    return start <= due < end and (ended is None or ended >= end)


@dataclass
class DutyTally:
    """Duties counted: met (按时), late (迟), missed (漏/未办), still running (进行中)."""

    on_time: int = 0
    late: int = 0
    missed: int = 0
    open: int = 0

    def add(self, verdict: Verdict) -> None:
        if verdict == Verdict.ON_TIME:
            self.on_time += 1
        elif verdict == Verdict.LATE:
            self.late += 1
        elif verdict == Verdict.MISSED:
            self.missed += 1
        elif verdict == Verdict.OPEN:
            self.open += 1

    @property
    def due(self) -> int:
        """Every counted duty, running ones included."""
        return self.on_time + self.late + self.missed + self.open

    @property
    def decided(self) -> int:
        """The duties whose outcome is known: met, late or missed."""
        return self.on_time + self.late + self.missed

    @property
    def rate(self) -> float | None:
        """Met / decided (0..1), None when nothing is decided."""
        return rate(self.on_time, self.decided)


def rate(part: int, whole: int) -> float | None:
    """``part / whole``, None when ``whole`` is 0."""
    return part / whole if whole else None


def tally(duties: Iterable[Duty], at: datetime, key) -> dict:
    """Duties grouped by ``key(duty)`` into :class:`DutyTally` by their verdict at ``at`` (closed and superseded
    duties are left out; a group with nothing counted does not appear)."""
    groups: dict = {}
    for duty in duties:
        verdict = verdict_at(duty, at)
        if verdict in COUNTED:
            groups.setdefault(key(duty), DutyTally()).add(verdict)
    return groups


def minutes(start: datetime, end: datetime) -> float:
    """Whole elapsed minutes from ``start`` to ``end`` (one decimal)."""
    return round((ensure_utc(end) - ensure_utc(start)).total_seconds() / 60, 1)


def middle(values: list[float]) -> float | None:
    """The median, None for no values."""
    return round(median(values), 1) if values else None


def highest_grade(opened_grade: int, raises: Iterable[tuple[datetime, int]], until: datetime) -> Grade:
    """The highest grade a case reached by ``until``: its first grade and every change (at, new) before then."""
    reached = [new for at, new in raises if ensure_utc(at) < until]
    return Grade(max([opened_grade, *reached]))


def ack_minutes(assignment: Assignment) -> float | None:
    """Minutes from the warning (assignment) to 签收, None if not acknowledged."""
    if assignment.acknowledged_at is None:
        return None
    return minutes(assignment.assigned_at, assignment.acknowledged_at)


@dataclass(frozen=True)
class ApprovedScript:
    """A script approved: its unit, the versions it took (1 = approved as first submitted), its approval time."""

    unit: str
    rounds: int
    approved_at: datetime
    minutes: float


def approved_scripts(scripts: dict[str, list[ScriptVersion]]) -> list[ApprovedScript]:
    """Each approved version of every unit's scripts (``response_state(...).scripts``): its rounds are the versions
    submitted since the unit's previous approved one, its time from its own submission to its final approval."""
    found = []
    for unit, versions in scripts.items():
        since = 0
        for v in versions:
            since += 1
            if v.approved_at is not None:
                found.append(ApprovedScript(unit, since, v.approved_at, minutes(v.at, v.approved_at)))
                since = 0
    return found


def first_major(entries: list[TimelineEntry]) -> TimelineEntry | None:
    """A county's own case (opened by its county desk): the entry (``case.open`` or ``case.grade``) that first took it
    to 重大 or above while the county ran it, or None (never reached, not the county's own, or only after 接管)."""
    if not entries or entries[0].action != "case.open" or entries[0].role != "county_desk":
        return None
    for e in entries:
        if e.action == "case.take_over":
            return None
        grade = e.payload.get("grade") if e.action == "case.open" else (
            e.payload.get("to") if e.action == "case.grade" else None)
        if grade is not None and int(grade) >= Grade.MAJOR:
            return e
    return None


def is_report(duty: Duty) -> bool:
    """Whether the duty is one a report ends (初报, 续报, 反馈处置情况)."""
    return duty.kind in REPORT_KINDS


def is_supervision(duty: Duty) -> bool:
    """Whether the duty is the answer to a 督办."""
    return duty.kind == DutyKind.SUPERVISION_ANSWER
