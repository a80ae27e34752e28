"""The domain's records: a case, its assignments, duties and grade changes, and who acts.

Plain mutable dataclasses; commands change them and hand them to the repository to save.
Times are tz-aware UTC.

One file for every record, at the top of the domain rather than split into case/, unit/ and intake/:
a case, its assignments (a unit's part), its duties (the clock's) and its intake facts are read and
written together by the repository (:mod:`bot.domain.repository`) and by the commands of every
sub-package, so no one sub-package owns them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.case.lifecycle import AssignmentState, CaseState
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind


class DutyState(StrEnum):
    """A duty is open until done (fulfilled), closed (by the desk with a reason) or superseded."""

    OPEN = "open"
    DONE = "done"
    CLOSED = "closed"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Actor:
    """Who acts, and from where: ``platform`` is wecom, dingtalk, api, cli or system."""

    person_id: str
    platform: str = "system"


@dataclass
class Case:
    """One case of public opinion. ``owner_unit`` is the desk that runs it (city desk or a county bureau);
    ``county`` is set for a county's cases (opened by it or transferred down to it) while the county runs them;
    ``taken_from`` is the county a case was taken over from (接管: ``county`` is None from then on). ``drill_scale`` divides
    every clock the case starts: the policy's scale when it opened (a drill's: the one it was started at), kept for life."""

    number: str
    title: str
    grade: Grade
    state: CaseState
    owner_unit: str
    opened_by: str
    opened_at: datetime
    first_seen_at: datetime
    source: str = ""
    link: str | None = None
    county: str | None = None
    transfer_ref: str | None = None
    confidential: bool = False
    drill: bool = False
    drill_scale: float = 1.0
    taken_from: str | None = None
    id: int | None = None


@dataclass
class Follow:
    """A desk following a county's case (issue 22): ``how`` it began (report_up, follow, transfer_down); the
    last timeline seq shown on its card copies (``seen_seq``) and in its batched notices (``noticed_seq``,
    ``noticed_at``); ``ended_at`` when 取消关注 or 接管 ended it."""

    case_id: int
    unit_id: str
    since: datetime
    by: str
    how: str
    ended_at: datetime | None = None
    seen_seq: int = 0
    noticed_seq: int = 0
    noticed_at: datetime | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        """Whether the desk still follows the case."""
        return self.ended_at is None


@dataclass
class Assignment:
    """A case given to one unit: warned → acknowledged → reported, or returned with a reason."""

    case_id: int
    unit_id: str
    state: AssignmentState
    assigned_at: datetime
    assigned_by: str
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    reason: str | None = None
    id: int | None = None


@dataclass
class Duty:
    """A timed obligation with its frozen policy and computed schedule.

    ``owner_unit`` answers for it, or ``owner_person`` (a person's own duty: a leader's, an approver's);
    neither: the main leaders (their 签收). ``assignment_id`` ties it to one unit's part.
    ``firing_id`` is the worker clock's active firing (a firing with another id does nothing).
    """

    case_id: int
    kind: DutyKind
    grade: Grade
    started_at: datetime
    due_at: datetime
    policy: dict
    reminders: list[datetime] = field(default_factory=list)
    escalations: list[tuple[datetime, tuple[str, ...]]] = field(default_factory=list)
    owner_unit: str | None = None
    assignment_id: int | None = None
    owner_person: str | None = None
    state: DutyState = DutyState.OPEN
    ended_at: datetime | None = None
    ended_by: str | None = None
    reason: str | None = None
    late: bool = False
    firing_id: str | None = None
    id: int | None = None

    @property
    def open(self) -> bool:
        """Whether the duty is still running."""
        return self.state == DutyState.OPEN

    @property
    def personal(self) -> bool:
        """Whether a person (or the main leaders) answers for it rather than a unit."""
        return self.owner_unit is None


@dataclass
class GradeChange:
    """A grade set or changed: who, when, from what, to what, and why."""

    case_id: int
    old: Grade | None
    new: Grade
    by: str
    at: datetime
    reason: str
    id: int | None = None


@dataclass(frozen=True)
class Intake:
    """How a case came in (Art. 11): where its title came from (``message``, ``text``, ``link``, ``transfer``,
    ``api``), the transfer's source, the API's desk unit and external id, the forwarded text; written by the
    command that opens the case. Read back, it carries the link preview's summary too."""

    title_from: str
    transfer_source: str | None = None
    api_unit: str | None = None
    external_id: str | None = None
    summary: str | None = None
    preview_summary: str | None = None


@dataclass(frozen=True)
class Sighting:
    """The same story seen again (another link or forward), added to its case by the desk."""

    link: str | None
    source: str
    seen_at: datetime
    by: str
    platform: str | None = None
