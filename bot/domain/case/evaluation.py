"""评估总结 (Art. 19(4)): each unit's evaluation of a 重大/特别重大 case after it subsided, and the desk's review.

    平息 --> each working unit's ``evaluation`` duty (the policy's clock, 5 wd)
    the unit's head or liaison --submit (起因、性质、影响、责任、经验教训, each required)--> the duty ends
        (done; late when after its deadline) and the evaluation waits for the desk
    the desk --accept--> accepted; the last unit's accepted --> the case is evaluated (subsided → evaluated)
    the desk --return with a reason--> a new ``evaluation`` duty for the unit on a ``REWORK`` clock (2 wd)

Each command writes one timeline entry (``evaluation.submit``, ``evaluation.accept``, ``evaluation.return``);
where a unit's evaluation stands is read back from them (:func:`standing`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.case.commands import authorise_on
from bot.domain.case.lifecycle import CaseState, next_case_state
from bot.domain.case.timeline import TimelineEntry
from bot.domain.clock import duties as plan
from bot.domain.clock.duration import Duration
from bot.domain.context import Outcome, Rules, case_rules, load_case, need_reason, record
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.grade import EVALUATED_GRADES
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Action
from bot.domain.records import Actor, Assignment, Case, DutyState
from bot.domain.repository import CaseRepository, CaseStore

__all__ = ["FIELDS", "REWORK", "accept_evaluation", "return_evaluation", "standing", "submit_evaluation"]

# the five parts of an evaluation, in the order they are asked (glossary: cause, nature, impact, …)
FIELDS = (("cause", "起因"), ("nature", "性质"), ("impact", "影响"), ("responsibility", "责任"), ("lessons", "经验教训"))
REWORK = Duration(2, "wd")  # the clock of an evaluation returned for changes
SUBMITTED, ACCEPTED, RETURNED = "submitted", "accepted", "returned"
_STANDING = {"evaluation.submit": SUBMITTED, "evaluation.accept": ACCEPTED, "evaluation.return": RETURNED}


def standing(timeline: list[TimelineEntry], unit_id: str) -> str | None:
    """Where ``unit_id``'s evaluation stands: submitted (waiting for the desk), accepted, returned, or None."""
    last = [e for e in timeline if e.action in _STANDING and e.payload.get("unit") == unit_id]
    return _STANDING[last[-1].action] if last else None


def _assignment(repo: CaseRepository, case: Case, assignment_id: int) -> Assignment:
    found = next((a for a in repo.assignments(case.id) if a.id == assignment_id), None)
    if found is None:
        raise NotFound("assignment.not_found", "找不到该单位的任务。")
    return found


def submit_evaluation(store: CaseStore, rules: Rules, case_id: int, assignment_id: int, actor: Actor,
                      now: datetime, fields: dict[str, str]) -> Outcome:
    """The unit's evaluation (every one of :data:`FIELDS`): ends its open evaluation duty, late when past due.

    Raises NotFound, NotPermitted, IllegalTransition (not subsided) or InvalidInput (a part empty, nothing due).
    """
    texts = {key: (fields.get(key) or "").strip() for key, _ in FIELDS}
    if missing := [label for key, label in FIELDS if not texts[key]]:
        raise InvalidInput("evaluation.field_missing", f"评估总结须填写{'、'.join(missing)}。")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        a = _assignment(repo, case, assignment_id)
        role = authorise_on(repo, rules, actor, Action.EVALUATE, case, a.unit_id)
        duty = next(iter(plan.open_duties(repo.duties(case.id), DutyKind.EVALUATION, a.id)), None)
        if duty is None:
            said = ("已提交，正在等待舆情工作台审核" if standing(repo.timeline(case.id), a.unit_id) == SUBMITTED
                    else "已通过或无需提交")
            raise InvalidInput("evaluation.not_due", f"{case.number} 的评估总结{said}。")
        plan.end_duty(duty, DutyState.DONE, now, actor.person_id, "提交评估总结")
        payload = {"assignment": a.id, "unit": a.unit_id, "duty": duty.id, "late": duty.late, **texts}
        return record(repo, rules, case, actor, role, str(Action.EVALUATE), now, payload, [], [duty], a)

    return store.run(work)


def _waiting(repo: CaseRepository, case: Case, unit_id: str) -> Assignment:
    """The unit's assignment whose evaluation waits for the desk; raises InvalidInput when none does."""
    a = next((a for a in reversed(repo.assignments(case.id)) if a.unit_id == unit_id), None)
    if a is None:
        raise NotFound("assignment.not_found", f"{case.number} 没有分派给该单位。")
    if standing(repo.timeline(case.id), unit_id) != SUBMITTED:
        raise InvalidInput("evaluation.not_waiting", f"该单位在 {case.number} 没有待审核的评估总结。")
    return a


def accept_evaluation(store: CaseStore, rules: Rules, case_id: int, unit_id: str, actor: Actor,
                      now: datetime) -> Outcome:
    """The desk accepts the unit's evaluation; the last one accepted makes a 重大/特别重大 case evaluated
    (``payload["to"] == "evaluated"``). Raises NotFound, NotPermitted, IllegalTransition or InvalidInput."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise_on(repo, rules, actor, Action.ACCEPT_EVALUATION, case)
        a = _waiting(repo, case, unit_id)
        payload = {"assignment": a.id, "unit": unit_id}
        timeline = repo.timeline(case.id)
        evaluating = {d.owner_unit for d in repo.duties(case.id) if d.kind == DutyKind.EVALUATION}
        rest = evaluating - {unit_id}
        if (case.grade in EVALUATED_GRADES and not any(standing(timeline, u) != ACCEPTED for u in rest)
                and not any(d.open and d.kind == DutyKind.EVALUATION for d in repo.duties(case.id))):
            case.state = next_case_state(case.state, CaseState.EVALUATED, case.grade)
            repo.save_case(case)
            payload["to"] = str(CaseState.EVALUATED)
        return record(repo, rules, case, actor, role, str(Action.ACCEPT_EVALUATION), now, payload, assignment=a)

    return store.run(work)


def return_evaluation(store: CaseStore, rules: Rules, case_id: int, unit_id: str, actor: Actor, now: datetime,
                      reason: str) -> Outcome:
    """The desk returns the unit's evaluation for changes with a reason: a new evaluation duty on the
    :data:`REWORK` clock. Raises NotFound, NotPermitted, IllegalTransition or InvalidInput (no reason)."""
    text = need_reason(reason, "退回修改")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise_on(repo, rules, actor, Action.RETURN_EVALUATION, case)
        a = _waiting(repo, case, unit_id)
        own = case_rules(rules, case)
        rework = replace(own.policy, duties={**own.policy.duties, DutyKind.EVALUATION: {case.grade.key: REWORK}})
        duty = plan.start_duty(rework, own.calendar, case, DutyKind.EVALUATION, now, a)
        payload = {"assignment": a.id, "unit": unit_id, "reason": text}
        return record(repo, rules, case, actor, role, str(Action.RETURN_EVALUATION), now, payload, [duty], [], a)

    return store.run(work)
