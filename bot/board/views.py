"""What the board's pages show, as plain values for the templates: a list line, a case page's header and
duties with their clocks, and the archive's sections (``bot.archive.sections``: the same wording as the file
the case exports to). Times are read in the words of ``bot.domain.words``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.archive import labels as L
from bot.archive.sections import sections
from bot.core.org import Organisation
from bot.domain.drill.report import verdict_of
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.records import DutyState
from bot.domain.words import deadline, grade_color, time_left

__all__ = ["CaseLine", "DutyLine", "case_line", "case_sections", "duty_label", "duty_lines", "grade_css", "unit_name"]

SECRET = "涉密"
SKIPPED = ("时限",)  # the archive's duty table: the page shows its own, with live clocks


def grade_css(grade: int) -> str:
    try:
        return grade_color(int(grade))
    except (KeyError, ValueError):
        return "grey"


def duty_label(kind: str) -> str:
    try:
        return DUTY_LABELS[DutyKind(kind)]
    except (KeyError, ValueError):
        return kind


def unit_name(org: Organisation, unit_id: str | None) -> str:
    unit = org.units.get(unit_id or "")
    return unit.name if unit is not None else (unit_id or "")


@dataclass(frozen=True)
class CaseLine:
    """One line of a case list. ``full`` False: number, grade, state and 涉密 only."""

    number: str
    title: str
    grade: str
    color: str
    state: str
    full: bool
    confidential: bool
    drill: bool
    due: str = ""
    left: str = ""
    overdue: bool = False
    duty: str = ""
    units: str = ""


def case_line(case, org: Organisation, full: bool, now: datetime) -> CaseLine:
    """A ``bot.store.board_views.BoardCase`` as a list line."""
    base = dict(number=case.number, grade=L.grade(case.grade), color=grade_css(case.grade),
                state=L.case_state(case.state), full=full, confidential=bool(case.confidential), drill=bool(case.drill))
    if not full:
        return CaseLine(title=SECRET, **base)
    units = [unit_name(org, case.owner_unit)] + [unit_name(org, u) for u in case.live_units if u != case.owner_unit]
    due = left = duty = ""
    overdue = False
    if case.next_due is not None:
        due, left, overdue = deadline(case.next_due, now), time_left(case.next_due, now), case.next_due < now
        duty = duty_label(case.next_kind) + (f"（{unit_name(org, case.next_unit)}）" if case.next_unit else "")
    return CaseLine(title=case.title, due=due, left=left, overdue=overdue, duty=duty, units="、".join(units), **base)


@dataclass(frozen=True)
class DutyLine:
    """A duty with its clock: ``status`` 还剩… / 已超时… for an open one, else its verdict."""

    label: str
    owner: str
    started: str
    due: str
    status: str
    open: bool
    overdue: bool
    late: bool


def duty_lines(dossier: dict, now: datetime) -> list[DutyLine]:
    """The case's duties, open ones first (due first), then the ended ones in order."""
    names = L.Names(dossier)
    lines = []
    for row in dossier.get("duties") or []:
        duty = L.duty_of(row)
        owner = (names.unit(row["owner_unit"]) if row.get("owner_unit") else
                 names.person(row["owner_person"]) if row.get("owner_person") else "主要领导")
        is_open = duty.state == DutyState.OPEN
        if is_open:
            status, overdue = time_left(duty.due_at, now), duty.due_at < now
        else:
            verdict = verdict_of(duty, now).label
            status = f"{verdict}（{duty.reason}）" if duty.state == DutyState.CLOSED and duty.reason else verdict
            overdue = False
        lines.append(DutyLine(label=duty_label(str(duty.kind)), owner=owner, started=deadline(duty.started_at, now),
                              due=deadline(duty.due_at, now), status=status, open=is_open, overdue=overdue,
                              late=bool(row.get("late"))))
    return sorted(lines, key=lambda d: not d.open)


def case_sections(dossier: dict) -> list:
    """The archive's sections of the case but its title (the page has its own header) and its duty table."""
    return [s for s in sections(dossier) if s.level > 0 and s.heading not in SKIPPED]
