"""Commands on a whole case: open, grade, move on, transfer down, and end duties by hand.

Each takes ids, an actor, ``now`` and a CaseStore; runs in one transaction; writes one timeline
entry when accepted; raises a DomainError (a HandlerError with a Chinese message) when refused.
The clocks a command starts run at the case's own scale (``context.case_rules``), not the caller's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.core.clock import SHANGHAI, ensure_utc
from bot.domain.case import county as county_rules
from bot.domain.case.lifecycle import CaseState, check_case_allows, next_case_state
from bot.domain.clock import duties as plan
from bot.domain.context import Outcome, Rules, case_rules, iso, load_case, need_reason, record
from bot.domain.errors import InvalidInput, NotFound, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.permissions import Action, Role, authorise, authorise_own_duty, opener_roles
from bot.domain.records import Actor, Case, Duty, DutyState, GradeChange, Intake
from bot.domain.repository import CaseRepository, CaseStore

BY_COMMAND = (DutyKind.ACKNOWLEDGE, DutyKind.INITIAL_REPORT, DutyKind.FOLLOW_UP, DutyKind.SCRIPT_APPROVAL,
              DutyKind.PLAN_APPROVAL)  # an approval ends by its decision (bot/domain/response), never by hand


def case_number(year: int, serial: int) -> str:
    """``YQ-YYYY-NNNN``."""
    return f"YQ-{year}-{serial:04d}"


def authorise_on(repo: CaseRepository, rules: Rules, actor: Actor, action: Action, case: Case,
                 for_unit: str | None = None, kind: DutyKind | None = None) -> Role:
    """The actor's role for ``action`` on ``case``; raises NotPermitted or IllegalTransition."""
    check_case_allows(case.state, str(action))
    units = [a.unit_id for a in repo.assignments(case.id)]
    return authorise(rules.org, actor.person_id, action, case.county, units, for_unit, kind)


def open_case(store: CaseStore, rules: Rules, actor: Actor, now: datetime, *, title: str, grade: Grade = Grade.GENERAL,
              source: str = "", link: str | None = None, first_seen_at: datetime | None = None,
              transfer_ref: str | None = None, transfer_deadline: datetime | None = None,
              confidential: bool = False, drill: bool = False, drill_scale: float | None = None,
              intake: Intake | None = None) -> Outcome:
    """Open a case with its first grade, and record how it came in (``intake``: chat, transfer, API);
    raises NotPermitted (not a desk) or InvalidInput (no title).

    ``rules`` are the base rules; a drill (``drill``, opened by ``drill.start.start_drill`` only — intake never
    opens one) runs its clocks at ``drill_scale`` (:func:`opening_rules`). The case keeps the scale it opened at (``Case.drill_scale``),
    and every later command starts its clocks at that scale.
    """
    desks = opener_roles(rules.org, actor.person_id)
    if not desks:
        raise NotPermitted("permission.denied", f"只有舆情工作台（{rules.org.desk_name()}或县局）可以立案。")
    if not title.strip():
        raise InvalidInput("case.no_title", "立案须有标题。")
    if transfer_deadline is not None and ensure_utc(transfer_deadline) <= ensure_utc(now):
        raise InvalidInput("case.deadline_past", "转办单的反馈期限已过，请核对期限。")
    role = Role.DESK if Role.DESK in desks else Role.COUNTY_DESK
    unit = desks[role]
    rules = opening_rules(rules, drill, drill_scale)

    def work(repo: CaseRepository) -> Outcome:
        year = ensure_utc(now).astimezone(SHANGHAI).year
        case = repo.add_case(Case(
            number=case_number(year, repo.next_case_number(year)), title=title.strip(), grade=Grade(grade),
            state=CaseState.OPENED, owner_unit=unit, opened_by=actor.person_id, opened_at=now,
            first_seen_at=first_seen_at or now, source=source, link=link,
            county=unit if role == Role.COUNTY_DESK else None, transfer_ref=transfer_ref,
            confidential=confidential, drill=drill, drill_scale=rules.policy.scale))
        if intake is not None:
            repo.add_intake(case.id, intake, link)
        repo.add_grade_change(GradeChange(case.id, None, case.grade, actor.person_id, now, "立案定级"))
        own = case_rules(rules, case)  # a county's case: its county's clocks (Art. 27)
        started, _ = plan.apply_grade(own.policy, own.calendar, case, [], [], now, actor.person_id)
        if transfer_ref:
            started.append(plan.start_duty(own.policy, own.calendar, case, DutyKind.TRANSFER_FEEDBACK, now,
                                           deadline=transfer_deadline))
        report_up = bool(case.county) and case.grade >= Grade.MAJOR
        if report_up:
            county_rules.start_following(repo, rules, case, "report_up", actor, now)
        payload = {"number": case.number, "title": case.title, "grade": int(case.grade), "source": source,
                   "link": link, "first_seen": iso(case.first_seen_at), "transfer_ref": transfer_ref,
                   "confidential": confidential, "drill": drill, "report_up": report_up, "tell_unit": None}
        return record(repo, rules, case, actor, role, str(Action.OPEN), now, payload, [d for d in started if d])

    return store.run(work)


def opening_rules(rules: Rules, drill: bool, drill_scale: float | None) -> Rules:
    """The rules a new case opens under: ``rules``, scaled by ``drill_scale`` for a drill (a scale above 1)."""
    if drill and drill_scale and drill_scale > 1:
        return replace(rules, policy=rules.policy.with_scale(drill_scale))
    return rules


def set_grade(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, grade: Grade,
              reason: str, tell_unit: str | None = None) -> Outcome:
    """Change a case's grade with a reason; raising starts the stricter clocks from now, lowering none.

    A county's case raised to 重大 or above is reported up (issue 22): the payload says ``report_up`` (and the
    city unit the county named to be told, ``tell_unit``) and the city desk follows the case from now; lowering
    reports nothing.

    Raises NotFound, NotPermitted, IllegalTransition (archived) or InvalidInput (no reason, same grade).
    """
    grade = Grade(grade)

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise_on(repo, rules, actor, Action.GRADE, case)
        text = need_reason(reason, "调整定级")
        if tell_unit is not None:
            county_rules.check_tell_unit(rules.org, tell_unit)
        if grade == case.grade:
            raise InvalidInput("grade.same", f"案件已是{grade.label}。")
        old, case.grade = case.grade, grade
        repo.save_case(case)
        repo.add_grade_change(GradeChange(case.id, old, grade, actor.person_id, now, text))
        started, ended = [], []
        if grade > old:
            own = case_rules(rules, case)
            started, ended = plan.apply_grade(own.policy, own.calendar, case, repo.assignments(case.id),
                                              repo.duties(case.id), now, actor.person_id)
        report_up = bool(case.county) and grade >= Grade.MAJOR and grade > old
        if report_up:
            county_rules.start_following(repo, rules, case, "report_up", actor, now)
        payload = {"from": int(old), "to": int(grade), "reason": text, "report_up": report_up,
                   "tell_unit": tell_unit if report_up else None}
        return record(repo, rules, case, actor, role, str(Action.GRADE), now, payload, started, ended)

    return store.run(work)


def advance_case(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime,
                 target: CaseState) -> Outcome:
    """Move a case on (responding, tracking, subsided, evaluated, archived) by the transition table.

    Raises NotFound, NotPermitted or IllegalTransition (with the reason in Chinese).
    """
    target = CaseState(target)

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise_on(repo, rules, actor, Action.ADVANCE, case)
        old = case.state
        case.state = next_case_state(old, target, case.grade)
        duties = repo.duties(case.id)
        started, ended = [], []
        if target == CaseState.SUBSIDED:
            own = case_rules(rules, case)
            started, ended = plan.on_subsided(own.policy, own.calendar, case, repo.assignments(case.id),
                                              duties, now, actor.person_id)
        if target == CaseState.TRACKING and old == CaseState.SUBSIDED:
            ended = plan.on_retracked(duties, now, actor.person_id)
        if target == CaseState.EVALUATED and any(d.open and d.kind == DutyKind.EVALUATION for d in duties):
            raise InvalidInput("case.evaluation_pending", "尚有单位未提交评估总结，暂不能标记为已评估。")
        if target == CaseState.ARCHIVED:
            ended = [plan.end_duty(d, DutyState.CLOSED, now, actor.person_id, "案件归档") for d in duties if d.open]
        repo.save_case(case)
        return record(repo, rules, case, actor, role, str(Action.ADVANCE), now,
                      {"from": str(old), "to": str(target)}, started, ended)

    return store.run(work)


def transfer_down(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, county: str) -> Outcome:
    """The city desk hands a case to a county bureau (转县局, Art. 21), which then runs it and feeds back the result:
    the transfer-feedback duty is the county's (the case's owner), and the city desk follows the case.

    Raises NotFound, NotPermitted, IllegalTransition or InvalidInput (not a county bureau).
    """
    unit = rules.org.units.get(county)
    if unit is None or unit.kind != "county" or not unit.active:
        raise InvalidInput("case.not_county", "只能转交给县（市、区）局办理。")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise_on(repo, rules, actor, Action.TRANSFER_DOWN, case)
        if case.county == county:
            raise InvalidInput("case.already_county", f"案件已由{unit.name}办理。")
        case.county, case.owner_unit = county, county
        repo.save_case(case)
        own = case_rules(rules, case)
        duty = plan.start_duty(own.policy, own.calendar, case, DutyKind.TRANSFER_FEEDBACK, now)  # the county's
        followed = county_rules.start_following(repo, rules, case, "transfer_down", actor, now)
        payload = {"county": county, "follow": followed.unit_id if followed else None}
        return record(repo, rules, case, actor, role, str(Action.TRANSFER_DOWN), now, payload,
                      [duty] if duty else [])

    return store.run(work)


def end_duty_by_hand(store: CaseStore, rules: Rules, case_id: int, duty_id: int, actor: Actor, now: datetime,
                     *, done: bool, reason: str | None = None, note: str | None = None,
                     details: dict | None = None) -> Outcome:
    """Mark a duty done (meeting held, release published, …) or close it with a reason (desk only);
    ``details`` (JSON-able) is the act's record kept in the timeline entry (a meeting's time, place, …).
    A person's own duty (``Duty.owner_person``) is done by that person alone (role ``owner``); a unit's or the
    case's by the roles of ``FULFIL_ROLES``.

    Raises NotFound, NotPermitted, IllegalTransition or InvalidInput (no reason, duty already ended).
    """
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        duty = next((d for d in repo.duties(case.id) if d.id == duty_id), None)
        if duty is None:
            raise NotFound("duty.not_found", "找不到该待办事项。")
        label = DUTY_LABELS[duty.kind]
        if done:
            if duty.kind in BY_COMMAND:
                how = "同意或退回修改" if duty.kind in (DutyKind.SCRIPT_APPROVAL, DutyKind.PLAN_APPROVAL) else "签收或报送"
                raise InvalidInput("duty.by_command", f"“{label}”须通过{how}完成。")
            role = _fulfil_role(repo, rules, actor, case, duty)
        else:
            role = authorise_on(repo, rules, actor, Action.CLOSE_DUTY, case)
            reason_text = need_reason(reason, "关闭待办事项")
        if not duty.open:
            raise InvalidInput("duty.ended", f"“{label}”已结束，无需重复操作。")
        state = DutyState.DONE if done else DutyState.CLOSED
        plan.end_duty(duty, state, now, actor.person_id, note if done else reason_text)
        action = str(Action.FULFIL_DUTY if done else Action.CLOSE_DUTY)
        payload = {"duty": duty.id, "kind": str(duty.kind), "late": duty.late, "reason": duty.reason}
        if details:
            payload["details"] = dict(details)
        return record(repo, rules, case, actor, role, action, now, payload, [], [duty])

    return store.run(work)


def _fulfil_role(repo: CaseRepository, rules: Rules, actor: Actor, case: Case, duty: Duty) -> str:
    """Who may mark ``duty`` done: its owner for a person's own duty, else by role; raises NotPermitted or
    IllegalTransition (the case's state allows no such act)."""
    desk = rules.org.desk_unit()
    if case.county and desk is not None and duty.owner_unit == desk.id:  # the city's own duty on a case handed down
        check_case_allows(case.state, str(Action.FULFIL_DUTY))  # (its 转办's feedback upward): the city desk's alone
        if actor.person_id not in desk.people:
            raise NotPermitted("permission.denied", f"“{DUTY_LABELS[duty.kind]}”由{desk.name}办理。")
        return str(Role.DESK)
    if duty.owner_person is None:
        return authorise_on(repo, rules, actor, Action.FULFIL_DUTY, case, duty.owner_unit, duty.kind)
    check_case_allows(case.state, str(Action.FULFIL_DUTY))
    return authorise_own_duty(rules.org, actor.person_id, duty.owner_person, DUTY_LABELS[duty.kind])
