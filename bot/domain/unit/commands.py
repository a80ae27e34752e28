"""Commands on one unit's part of a case: assign, acknowledge, return, reassign, report.

Same contract as :mod:`bot.domain.case.commands`: ids in, one transaction, one timeline entry, DomainError when refused.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.case.commands import authorise_on
from bot.domain.case.lifecycle import AssignmentState, CaseState, next_assignment_state
from bot.domain.clock import duties as plan
from bot.domain.context import Outcome, Rules, case_rules, load_case, need_reason, record
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.kinds import REPORT_FULFILS, REPORT_LABELS, DutyKind, ReportKind
from bot.domain.permissions import Action
from bot.domain.records import Actor, Assignment, Case, DutyState
from bot.domain.repository import CaseRepository, CaseStore


def _unit_name(rules: Rules, unit_id: str) -> str:
    unit = rules.org.units.get(unit_id)
    if unit is None or not unit.active:
        raise NotFound("unit.not_found", "找不到该单位，或该单位已停用。")
    return unit.name


def _assignment(repo: CaseRepository, case: Case, assignment_id: int) -> Assignment:
    found = next((a for a in repo.assignments(case.id) if a.id == assignment_id), None)
    if found is None:
        raise NotFound("assignment.not_found", "找不到该单位的任务。")
    return found


CITY_UNIT = ("县局案件由本局办理，不能分派市局单位；需要告知市局单位的，请在定级为重大及以上时的上报步骤中写明。")


def _new_assignment(repo: CaseRepository, rules: Rules, case: Case, unit_id: str, actor: Actor,
                    now: datetime) -> tuple[Assignment, list, list]:
    name = _unit_name(rules, unit_id)
    if case.county and unit_id != case.county:  # a county runs its own case (issue 22): it tells a city unit instead
        raise InvalidInput("county.city_unit", CITY_UNIT)
    current = repo.assignments(case.id)
    if any(a.unit_id == unit_id and a.state in plan.LIVE_ASSIGNMENTS for a in current):
        raise InvalidInput("assignment.exists", f"{name}已在办理此案件。")
    assignment = repo.add_assignment(Assignment(case.id, unit_id, AssignmentState.WARNED, now, actor.person_id))
    own = case_rules(rules, case)
    started, ended = plan.apply_grade(own.policy, own.calendar, case, [*current, assignment],
                                      repo.duties(case.id), now, actor.person_id, only=assignment)
    return assignment, started, ended


def assign_unit(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, unit_id: str) -> Outcome:
    """Warn a unit of the case; its clocks (acknowledge, reports, …) start now.

    Raises NotFound, NotPermitted, IllegalTransition or InvalidInput (already assigned).
    """
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise_on(repo, rules, actor, Action.ASSIGN, case)
        assignment, started, ended = _new_assignment(repo, rules, case, unit_id, actor, now)
        return record(repo, rules, case, actor, role, str(Action.ASSIGN), now,
                      {"assignment": assignment.id, "unit": unit_id}, started, ended, assignment)

    return store.run(work)


def reassign(store: CaseStore, rules: Rules, case_id: int, assignment_id: int, actor: Actor, now: datetime,
             unit_id: str) -> Outcome:
    """After a unit returned the case, the desk gives it to ``unit_id`` instead.

    Raises NotFound, NotPermitted, IllegalTransition (not returned) or InvalidInput.
    """
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise_on(repo, rules, actor, Action.REASSIGN, case)
        old = _assignment(repo, case, assignment_id)
        old.state = next_assignment_state(old.state, str(Action.REASSIGN))
        repo.save_assignment(old)
        assignment, started, ended = _new_assignment(repo, rules, case, unit_id, actor, now)
        payload = {"from_assignment": old.id, "from_unit": old.unit_id, "assignment": assignment.id, "unit": unit_id}
        return record(repo, rules, case, actor, role, str(Action.REASSIGN), now, payload, started, ended, assignment)

    return store.run(work)


def acknowledge(store: CaseStore, rules: Rules, case_id: int, assignment_id: int, actor: Actor,
                now: datetime) -> Outcome:
    """The unit acknowledges the warning (签收); the case is ``handling`` from its first acknowledgement.

    Raises NotFound, NotPermitted (not the unit's liaison or head) or IllegalTransition.
    """
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        assignment = _assignment(repo, case, assignment_id)
        role = authorise_on(repo, rules, actor, Action.ACKNOWLEDGE, case, assignment.unit_id)
        assignment.state = next_assignment_state(assignment.state, str(Action.ACKNOWLEDGE))
        assignment.acknowledged_by, assignment.acknowledged_at = actor.person_id, now
        repo.save_assignment(assignment)
        ended = [plan.end_duty(d, DutyState.DONE, now, actor.person_id, None)
                 for d in plan.open_duties(repo.duties(case.id), DutyKind.ACKNOWLEDGE, assignment.id)]
        if case.state == CaseState.OPENED:
            case.state = CaseState.HANDLING
            repo.save_case(case)
        payload = {"assignment": assignment.id, "unit": assignment.unit_id, "case_state": str(case.state),
                   "late": any(d.late for d in ended)}
        return record(repo, rules, case, actor, role, str(Action.ACKNOWLEDGE), now, payload, [], ended, assignment)

    return store.run(work)


def reject(store: CaseStore, rules: Rules, case_id: int, assignment_id: int, actor: Actor, now: datetime,
           reason: str) -> Outcome:
    """The unit returns the case as not its duty (非本单位职责), with a reason; its clocks stop.

    Raises NotFound, NotPermitted, IllegalTransition or InvalidInput (no reason).
    """
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        assignment = _assignment(repo, case, assignment_id)
        role = authorise_on(repo, rules, actor, Action.REJECT, case, assignment.unit_id)
        text = need_reason(reason, "退回")
        assignment.state = next_assignment_state(assignment.state, str(Action.REJECT))
        assignment.reason = text
        repo.save_assignment(assignment)
        ended = [plan.end_duty(d, DutyState.CLOSED, now, actor.person_id, f"单位退回：{text}")
                 for d in repo.duties(case.id) if d.open and d.assignment_id == assignment.id]
        payload = {"assignment": assignment.id, "unit": assignment.unit_id, "reason": text}
        return record(repo, rules, case, actor, role, str(Action.REJECT), now, payload, [], ended, assignment)

    return store.run(work)


def report(store: CaseStore, rules: Rules, case_id: int, assignment_id: int, actor: Actor, now: datetime,
           kind: ReportKind, text: str, attachments: list[dict] | None = None) -> Outcome:
    """The unit reports (初报, 核报, 续报, 专项报告): fulfils the matching duty, keeps follow-ups coming.
    ``attachments`` (pictures and files, ``bot.platforms.attachments``) are kept on the entry.

    Raises NotFound, NotPermitted, IllegalTransition (not acknowledged) or InvalidInput (empty report).
    """
    kind = ReportKind(kind)

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        assignment = _assignment(repo, case, assignment_id)
        role = authorise_on(repo, rules, actor, Action.REPORT, case, assignment.unit_id)
        if not (text or "").strip():
            raise InvalidInput("report.empty", f"{REPORT_LABELS[kind]}内容不能为空。")
        assignment.state = next_assignment_state(assignment.state, str(Action.REPORT))
        repo.save_assignment(assignment)
        duties = repo.duties(case.id)
        fulfils = REPORT_FULFILS.get(kind)
        ended = [plan.end_duty(d, DutyState.DONE, now, actor.person_id, None)
                 for d in (plan.open_duties(duties, fulfils, assignment.id) if fulfils else [])]
        started = []
        if kind in (ReportKind.INITIAL, ReportKind.FOLLOW_UP) and plan.is_live(case) \
                and not plan.open_duties(duties, DutyKind.FOLLOW_UP, assignment.id):
            own = case_rules(rules, case)
            follow = plan.start_duty(own.policy, own.calendar, case, DutyKind.FOLLOW_UP, now, assignment)
            started = [follow] if follow else []
        payload = {"assignment": assignment.id, "unit": assignment.unit_id, "kind": str(kind), "text": text.strip(),
                   "late": any(d.late for d in ended)}
        if attachments:
            payload["attachments"] = [dict(a) for a in attachments]
        return record(repo, rules, case, actor, role, str(Action.REPORT), now, payload, started, ended, assignment)

    return store.run(work)
