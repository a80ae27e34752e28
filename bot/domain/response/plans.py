"""回应方案 (Art. 19(2)): a response plan of a 重大/特别重大 case, drafted by the desk or the unit, signed off in order.

    the desk or the unit --submit (way, content, when)--> version n+1; vn's open approvals superseded;
        the unit's leader in charge's ``plan_approval`` duty starts
    the leader in charge --同意--> the main leader's ``plan_approval`` duty starts (his turn only now)
    the main leader --同意--> the version is approved
    either --退回修改 (reason)--> the version is returned; its open approval closes; a new version is needed

A main leader's decision before the leader in charge's is refused (「须先由分管局领导审批」) and changes nothing.
One person holding both steps settles both with one decision. Versions are kept whole, read from the timeline.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import duties as plan
from bot.domain.context import Outcome, Rules, case_rules, load_case, need_reason, record
from bot.domain.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Action, Role, authorise
from bot.domain.records import Actor, Case, Duty, DutyState
from bot.domain.repository import CaseRepository, CaseStore
from bot.domain.drill.people import case_people
from bot.domain.response import approvers as who
from bot.domain.response.channels import CHANNEL_LABELS, plan_way
from bot.domain.response.checks import end_version_duties, need_text, state_allows, unit_assignment, version_duties
from bot.domain.response.state import PlanVersion, response_state

__all__ = ["PLANNED_GRADES", "decide_plan", "submit_plan"]

K = DutyKind.PLAN_APPROVAL
PLANNED_GRADES = (Grade.MAJOR, Grade.ESPECIALLY_MAJOR)  # the grades that need a response plan


def _name(rules: Rules, person_id: str) -> str:
    person = rules.org.person(person_id)
    return person.name if person else person_id


def _start(rules: Rules, case: Case, repo: CaseRepository, unit_id: str, step: Role, now: datetime) -> list[Duty]:
    own = case_rules(rules, case)
    a = unit_assignment(repo, rules.org, case, unit_id)
    duty = plan.start_owned_duty(own.policy, own.calendar, case, K, now,
                                 person=who.plan_approver(rules.org, unit_id, step, county=case.county,
                                                            people=case_people(repo, case)),
                                 assignment=a)
    return [duty] if duty else []


def submit_plan(store: CaseStore, rules: Rules, case_id: int, unit_id: str, actor: Actor, now: datetime, way: str,
                content: str, when_text: str) -> Outcome:
    """A new version of ``unit_id``'s response plan: ``way`` (新闻通稿, 新闻发布会, 媒体吹风会, 接受采访, 专家解读, by label
    or value), what is done, and when (as typed). The previous version's open approval is superseded; the unit's
    leader in charge's ``plan_approval`` duty starts (action ``plan.submit``; payload unit, version, way, content,
    when, supersedes). Raises NotPermitted, IllegalTransition (the case's state; not 重大/特别重大), NotFound (the
    unit is not on the case) or InvalidInput (a way not offered, no content or time, no leader in charge)."""
    chosen = plan_way(way)
    body, when = need_text(content, "方案内容"), need_text(when_text, "回应时间")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        units = [a.unit_id for a in repo.assignments(case.id)]
        role = authorise(rules.org, actor.person_id, Action.PLAN_SUBMIT, case.county, units, unit_id)
        state_allows(case, Action.PLAN_SUBMIT)
        if case.grade not in PLANNED_GRADES:
            raise IllegalTransition("plan.not_needed", f"{case.number} 为{case.grade.label}，无需报批回应方案"
                                                       "（重大、特别重大舆情才需要）。")
        a = unit_assignment(repo, rules.org, case, unit_id)
        previous = response_state(repo.timeline(case.id)).latest_plan(unit_id)
        n = previous.version + 1 if previous else 1
        ended = [plan.end_duty(d, DutyState.SUPERSEDED, now, actor.person_id, f"已提交新版本 v{n}")
                 for d in (version_duties(repo, case, previous, K) if previous else [])]
        started = _start(rules, case, repo, unit_id, Role.LEADER_IN_CHARGE, now)
        payload = {"unit": unit_id, "version": n, "way": str(chosen), "way_label": CHANNEL_LABELS[chosen],
                   "content": body, "when": when,
                   "supersedes": previous.version if previous and previous.status == "pending" else None}
        return record(repo, rules, case, actor, role, str(Action.PLAN_SUBMIT), now, payload, started, ended, a)

    return store.run(work)


def _latest(st, case: Case, rules: Rules, unit_id: str, version: int) -> PlanVersion:
    name = who.unit_name(rules.org, unit_id)
    v, latest = st.plan(unit_id, version), st.latest_plan(unit_id)
    if v is None:
        raise NotFound("plan.not_found", f"{case.number} 没有{name}的回应方案 v{version}。")
    if latest.version != version:
        raise IllegalTransition("plan.superseded", f"{case.number} {name}的回应方案已有新版本 v{latest.version}，"
                                                   f"v{version} 不再审批，请审批 v{latest.version}。")
    return v


def _steps_to_settle(rules: Rules, v: PlanVersion, person: str, label: str, county: str | None = None,
                     people: tuple | None = None) -> list[Role]:
    """The consecutive steps from the next one that ``person`` decides; raises IllegalTransition (not his turn yet)
    or InvalidInput (decided already)."""
    mine = who.plan_steps(rules.org, person, v.unit, county=county, people=people)
    settled = v.settled()
    nxt = [s for s in who.PLAN_STEPS if s not in settled]
    fill = []
    for step in nxt:
        if step not in mine:
            break
        fill.append(step)
    if fill:
        return fill
    if v.decided_by(person) is not None:
        raise InvalidInput("plan.decided", f"您已审批{label}，无需重复操作。")
    leader = rules.org.leader_in_charge_of(v.unit)
    raise IllegalTransition("plan.order", f"{label}须先由分管局领导（{leader.name if leader else '未设'}）审批，"
                                          "再由主要领导审批。")


def decide_plan(store: CaseStore, rules: Rules, case_id: int, unit_id: str, version: int, actor: Actor,
                now: datetime, approve: bool, reason: str | None = None) -> Outcome:
    """The leader in charge's, then the main leader's 同意 (``approve``) or 退回修改 (with ``reason``) on ``unit_id``'s
    plan ``version`` (the latest only). Action ``plan.approve`` / ``plan.return``; payload: unit, version, roles
    (the steps settled), reason, approved (the last step approved), returned, next (the step now waiting, or None).
    The leader in charge's 同意 starts the main leader's duty; the decider's own duty ends done (late when past due).

    Raises NotPermitted (neither the unit's leader in charge nor the main leader), IllegalTransition (the case's
    state; an older version; a returned one; the main leader before the leader in charge: 「须先由分管局领导审批」),
    NotFound or InvalidInput (no reason for a return; decided already; approved already)."""
    action = Action.PLAN_APPROVE if approve else Action.PLAN_RETURN
    text = ((reason or "").strip() or None) if approve else need_reason(reason, "退回修改")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        person = actor.person_id
        people = case_people(repo, case)  # a drill: only the leaders its scenario names
        if not who.plan_steps(rules.org, person, unit_id, county=case.county, people=people):
            if case.county:
                raise NotPermitted("plan.not_approver", f"该舆情由{who.unit_name(rules.org, case.county)}办理，"
                                                        "只有该县局的主要领导可以审批该回应方案。")
            raise NotPermitted("plan.not_approver", f"只有{who.unit_name(rules.org, unit_id)}的分管局领导和主要领导"
                                                    "可以审批该回应方案。")
        state_allows(case, action)
        v = _latest(response_state(repo.timeline(case.id)), case, rules, unit_id, version)
        label = f"{case.number} {who.unit_name(rules.org, unit_id)}的回应方案 v{version}"
        if v.returned is not None:
            raise IllegalTransition("plan.returned", f"{label}已由{_name(rules, v.returned.person)}退回修改，请等待新版本。")
        if v.approved:
            raise InvalidInput("plan.approved", f"{label}已审批通过，无需重复操作。")
        steps = _steps_to_settle(rules, v, person, label, case.county, people)
        rest = [s for s in who.PLAN_STEPS if s not in v.settled() and s not in steps]
        open_ = version_duties(repo, case, v, K)
        name = _name(rules, person)
        ended = end_version_duties(open_, now, person, frozenset({person}), "同意" if approve else "退回修改",
                                   f"已由{name}{'审批' if approve else '退回修改'}")
        started = _start(rules, case, repo, unit_id, rest[0], now) if approve and rest else []
        payload = {"unit": unit_id, "version": version, "roles": [str(s) for s in steps], "reason": text,
                   "approved": approve and not rest, "returned": not approve,
                   "next": str(rest[0]) if approve and rest else None}
        return record(repo, rules, case, actor, steps[0], str(action), now, payload, started, ended)

    return store.run(work)
