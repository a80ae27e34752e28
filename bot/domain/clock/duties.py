"""Which duties a case sets in motion, and their clocks, from the policy in force.

The policy says, per duty and grade, how long (requirements.md's defaults table); a grade without a
duration for a duty has no such duty. Case-level duties belong to the desk that runs the case (the
main leader's acknowledgement to the main leaders: no unit, no one person); unit duties to each assigned
unit; a duty an act starts (a 督办's answer, a unit's; an approval — 口径审定, 方案审批 — a person's) starts by
:func:`start_owned_duty` and climbs its own ladder (``Policy.ladder``); grading never starts those. Setting or
raising the grade starts what the grade asks from that moment: an open duty of the same kind keeps
running when it falls due no later than the new one, else it is superseded by the stricter one.
Lowering starts nothing. A duty freezes its piece of policy when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.case.lifecycle import AssignmentState, CaseState
from bot.domain.clock.deadlines import schedule
from bot.domain.clock.policy import Policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Assignment, Case, Duty, DutyState

K = DutyKind
CASE_KINDS = (K.MAIN_LEADER_ACKNOWLEDGE, K.ASSESSMENT_MEETING, K.LEADING_GROUP_MEETING,
              K.AUTHORITATIVE_RELEASE, K.PUBLIC_RESPONSE, K.REPORT_UP_CITY, K.REPORT_UP_PROVINCE)
# Owned by the main leaders (no unit and no one person): reminded to each, on their own ladder.
MAIN_LEADERS_OWN = (K.MAIN_LEADER_ACKNOWLEDGE,)
UNIT_KINDS = (K.ACKNOWLEDGE, K.INITIAL_REPORT, K.HANDLING_OPINION, K.FEEDBACK)
RECURRING = (K.FOLLOW_UP,)
LIVE_ASSIGNMENTS = (AssignmentState.WARNED, AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED)
WORKING_ASSIGNMENTS = (AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED)
# open at 平息 → closed as missed (late): the statutory duties, the reports and the unit's 签收
MISSED_AT_SUBSIDING = (K.ACKNOWLEDGE, K.INITIAL_REPORT, K.FEEDBACK, K.AUTHORITATIVE_RELEASE, K.PUBLIC_RESPONSE,
                       K.REPORT_UP_CITY, K.REPORT_UP_PROVINCE)
# open at 平息 and not yet due → closed as not needed (overdue ones are missed)
NOT_NEEDED_AT_SUBSIDING = (K.HANDLING_OPINION, K.ASSESSMENT_MEETING, K.LEADING_GROUP_MEETING,
                           K.MAIN_LEADER_ACKNOWLEDGE, K.SCRIPT_APPROVAL, K.PLAN_APPROVAL)
MISSED = "平息时未办结"
NOT_NEEDED = "舆情已平息，无需办理"
FOLLOW_UPS_STOP = "舆情已平息，续报停止"
RETRACKED = "重新跟踪，评估待再次平息后开始"


def grade_duties(policy: Policy, grade: Grade) -> list[DutyKind]:
    """The duties a case of ``grade`` sets in motion under ``policy`` (follow-ups after the first report)."""
    return [k for k in (*CASE_KINDS, *UNIT_KINDS, *RECURRING) if policy.duration(k, grade) is not None]


def start_duty(policy: Policy, calendar: WorkCalendar, case: Case, kind: DutyKind, now: datetime,
               assignment: Assignment | None = None, deadline: datetime | None = None,
               owner_person: str | None = None) -> Duty | None:
    """A new duty of ``kind`` whose clock starts at ``now``, frozen from ``policy``; None when no clock applies.

    Its owner: ``owner_person`` when given (a person's own duty), else the ``assignment``'s unit, else the
    main leaders for their own kinds, else the desk that runs the case."""
    personal = owner_person is not None or (assignment is None and kind in MAIN_LEADERS_OWN)
    frozen = policy.freeze(kind, case.grade, personal=personal)
    if frozen is None:
        return None
    if deadline is not None:
        frozen = {**frozen, "deadline": deadline.isoformat(), "duration": "slip"}
    plan = schedule(frozen, now, calendar)
    owner = None if personal else (assignment.unit_id if assignment else case.owner_unit)
    return Duty(case_id=case.id, kind=kind, grade=case.grade, started_at=now, due_at=plan.due, policy=frozen,
                reminders=list(plan.reminders), escalations=list(plan.escalations), owner_unit=owner,
                assignment_id=assignment.id if assignment else None, owner_person=owner_person)


def start_owned_duty(policy: Policy, calendar: WorkCalendar, case: Case, kind: DutyKind, now: datetime, *,
                     unit: str | None = None, person: str | None = None, assignment: Assignment | None = None,
                     deadline: datetime | None = None) -> Duty | None:
    """A duty of ``kind`` started by an act rather than by grading (a 督办's answer, an approval): owned by
    ``person`` or by ``unit`` (one of the two), its clock from the policy at the case's grade (or the given
    ``deadline``); None when the policy has no clock for that grade. The caller adds it to the store. A person's
    own duty is done by that person alone, by its act (``case.commands.end_duty_by_hand``)."""
    if (unit is None) == (person is None):
        raise ValueError("a duty is owned by a unit or by a person, not both and not neither")
    duty = start_duty(policy, calendar, case, kind, now, assignment, deadline, owner_person=person)
    if duty is not None and unit is not None:
        duty.owner_unit = unit
    return duty


def _candidates(policy: Policy, case: Case, assignments: list[Assignment]) -> list[tuple[DutyKind, Assignment | None]]:
    out: list[tuple[DutyKind, Assignment | None]] = [(k, None) for k in CASE_KINDS]
    for a in assignments:
        if a.state not in LIVE_ASSIGNMENTS:
            continue
        kinds = [k for k in UNIT_KINDS if k != K.ACKNOWLEDGE or a.state == AssignmentState.WARNED]
        if a.state == AssignmentState.REPORTED and is_live(case):
            kinds.append(K.FOLLOW_UP)
        if a.state in WORKING_ASSIGNMENTS and case.state == CaseState.SUBSIDED:
            kinds.append(K.EVALUATION)
        out.extend((k, a) for k in kinds)
    return [(k, a) for k, a in out if policy.duration(k, case.grade) is not None]


def end_duty(duty: Duty, state: DutyState, now: datetime, by: str | None, reason: str | None) -> Duty:
    """Mark ``duty`` ended (done, closed or superseded) at ``now``; done after its due time counts as late."""
    duty.state, duty.ended_at, duty.ended_by, duty.reason = state, now, by, reason
    duty.late = state == DutyState.DONE and now > duty.due_at
    duty.firing_id = None
    return duty


def apply_grade(policy: Policy, calendar: WorkCalendar, case: Case, assignments: list[Assignment],
                duties: list[Duty], now: datetime, by: str,
                only: Assignment | None = None) -> tuple[list[Duty], list[Duty]]:
    """Start what ``case.grade`` asks of the case at ``now``: returns (new duties, superseded duties).

    With ``only``, just that (newly assigned) unit's duties are considered.
    """
    started: list[Duty] = []
    superseded: list[Duty] = []
    for kind, assignment in _candidates(policy, case, [only] if only else assignments):
        if only is not None and assignment is not only:
            continue
        aid = assignment.id if assignment else None
        same = [d for d in duties if d.kind == kind and d.assignment_id == aid]
        if any(d.state == DutyState.DONE for d in same) and kind not in RECURRING:
            continue
        new = start_duty(policy, calendar, case, kind, now, assignment)
        running = [d for d in same if d.open]
        if new is None or any(d.due_at <= new.due_at for d in running):
            continue
        superseded.extend(end_duty(d, DutyState.SUPERSEDED, now, by, f"定级调整为{case.grade.label}，按新时限重新计时")
                          for d in running)
        started.append(new)
    return started, superseded


def open_duties(duties: list[Duty], kind: DutyKind, assignment_id: int | None = None) -> list[Duty]:
    """The open duties of ``kind`` (for one assignment, or case-level when ``assignment_id`` is None)."""
    return [d for d in duties if d.open and d.kind == kind and d.assignment_id == assignment_id]


def on_subsided(policy: Policy, calendar: WorkCalendar, case: Case, assignments: list[Assignment],
                duties: list[Duty], now: datetime, by: str) -> tuple[list[Duty], list[Duty]]:
    """When a case subsides (平息): 续报 stops, a meeting or decision not yet due is not needed, the statutory and
    report duties still open are missed (late); transfer feedback and 督办 answers stay open. Each working unit of a
    重大+ case starts its evaluation unless one is open or done already. Returns (new, ended)."""
    ended = [_end_at_subsiding(d, now, by) for d in duties if d.open and _ends_at_subsiding(d)]
    had = {d.assignment_id for d in duties if d.kind == K.EVALUATION and d.state in (DutyState.OPEN, DutyState.DONE)}
    started = [d for a in assignments if a.state in WORKING_ASSIGNMENTS and a.id not in had
               if (d := start_duty(policy, calendar, case, K.EVALUATION, now, a)) is not None]
    return started, ended


def on_retracked(duties: list[Duty], now: datetime, by: str) -> list[Duty]:
    """重新跟踪: open evaluations close (they start again at the next 平息). Returns the ended duties."""
    return [end_duty(d, DutyState.CLOSED, now, by, RETRACKED) for d in duties if d.open and d.kind == K.EVALUATION]


def _ends_at_subsiding(duty: Duty) -> bool:
    return duty.kind in MISSED_AT_SUBSIDING or duty.kind in NOT_NEEDED_AT_SUBSIDING or duty.kind == K.FOLLOW_UP


def _end_at_subsiding(duty: Duty, now: datetime, by: str) -> Duty:
    if duty.kind == K.FOLLOW_UP:
        return end_duty(duty, DutyState.CLOSED, now, by, FOLLOW_UPS_STOP)
    if duty.kind in NOT_NEEDED_AT_SUBSIDING and duty.due_at > now:
        return end_duty(duty, DutyState.CLOSED, now, by, NOT_NEEDED)
    end_duty(duty, DutyState.CLOSED, now, by, MISSED)
    duty.late = True
    return duty


@dataclass(frozen=True)
class Alarm:
    """What falls due at one instant of a duty: a reminder to its owner, escalations to ``notify``, or both."""

    at: datetime
    remind: bool
    notify: tuple[str, ...]


def next_alarm(duty: Duty, after: datetime) -> Alarm | None:
    """Everything an open duty has due at its first alarm time strictly after ``after``; None when none is left."""
    if not duty.open:
        return None
    times = [at for at in duty.reminders if at > after] + [at for at, _ in duty.escalations if at > after]
    if not times:
        return None
    first = min(times)
    notify = tuple(role for at, who in duty.escalations if at == first for role in who)
    return Alarm(first, first in duty.reminders, notify)


def is_live(case: Case) -> bool:
    """Whether new report clocks may still start (before the case subsides)."""
    return case.state in (CaseState.OPENED, CaseState.HANDLING, CaseState.RESPONDING, CaseState.TRACKING)
