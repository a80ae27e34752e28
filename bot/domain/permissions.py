"""Who may do what: roles × actions as data, and the roles a person holds on one case.

Person roles (main_leader, publicity_leader, admin) hold on every case. The rest come from units
(design.md, "Organisation file"): the desk's people are the desk of every city case and, on a county's case
(before 接管), the city desk that may only view, 督办, follow and take it over (issue 22); a county bureau's people
are the county desk of the cases it opened or that were transferred down to it, and its leaders (``leaders:``,
else its head) the main and publicity leaders of those cases; head, liaisons and
leader in charge of a unit hold their role on the cases that unit is assigned to. The head (科长) of the
unit running the case — its county bureau, else the city desk (:func:`running_desk`) — is its desk head
(issue 21: only he lifts 涉密).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Iterable

from bot.core.org import Organisation, Unit
from bot.domain.errors import NotPermitted
from bot.domain.kinds import DutyKind


class Role(StrEnum):
    """A role a person may hold on a case."""

    DESK = "desk"
    COUNTY_DESK = "county_desk"  # before the unit roles: a county's people act on its case as its desk first
    LIAISON = "liaison"
    UNIT_HEAD = "unit_head"
    LEADER_IN_CHARGE = "leader_in_charge"
    PUBLICITY_LEADER = "publicity_leader"
    MAIN_LEADER = "main_leader"
    CITY_DESK = "city_desk"  # the city desk's people on a county's case before 接管 (issue 22)
    DESK_HEAD = "desk_head"
    ADMIN = "admin"


class Action(StrEnum):
    """Something a person asks the bot to do to a case."""

    OPEN = "case.open"
    ASSIGN = "case.assign"
    REASSIGN = "case.reassign"
    TRANSFER_DOWN = "case.transfer_down"
    ACKNOWLEDGE = "case.ack"
    REJECT = "case.reject"
    GRADE = "case.grade"
    ADVANCE = "case.advance"
    REPORT = "report.submit"
    CLOSE_DUTY = "duty.close"
    FULFIL_DUTY = "duty.fulfil"
    VIEW = "case.view"
    VERIFY = "case.verify"
    SIGHTING = "case.sighting"
    TRACK = "case.track"
    SCRIPT = "case.script"
    SUBSIDE = "case.subside"
    RETRACK = "case.retrack"
    ARCHIVE = "case.archive"
    CORRECT = "case.correct"
    EVALUATE = "evaluation.submit"
    ACCEPT_EVALUATION = "evaluation.accept"
    RETURN_EVALUATION = "evaluation.return"
    SUPERVISE = "supervision.send"
    ANSWER_SUPERVISION = "supervision.answer"
    SCRIPT_SUBMIT = "script.submit"
    SCRIPT_APPROVE = "script.approve"
    SCRIPT_RETURN = "script.return"
    SCRIPT_ONWARD_CONSENT = "script.onward_consent"
    SCRIPT_ONWARD_REPORT = "script.onward_report"
    PLAN_SUBMIT = "plan.submit"
    PLAN_APPROVE = "plan.approve"
    PLAN_RETURN = "plan.return"
    PUBLISH = "publication.publish"
    MARK_CONFIDENTIAL = "case.confidential"
    CLEAR_CONFIDENTIAL = "case.unconfidential"
    EXPORT = "case.export"
    TAKE_OVER = "case.take_over"
    FOLLOW = "case.follow"


R = Role
DESKS = frozenset({R.DESK, R.COUNTY_DESK})
UNIT = frozenset({R.LIAISON, R.UNIT_HEAD})
LEADERS = frozenset({R.LEADER_IN_CHARGE, R.PUBLICITY_LEADER, R.MAIN_LEADER})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.OPEN: DESKS,
    Action.ASSIGN: DESKS,
    Action.REASSIGN: DESKS,
    Action.TRANSFER_DOWN: frozenset({R.DESK}),
    Action.ACKNOWLEDGE: UNIT,
    Action.REJECT: UNIT,
    Action.GRADE: DESKS,
    Action.ADVANCE: DESKS,
    Action.REPORT: UNIT,
    Action.CLOSE_DUTY: DESKS,
    Action.FULFIL_DUTY: DESKS | UNIT | LEADERS,
    Action.VIEW: frozenset(Role),
    Action.VERIFY: DESKS | frozenset({R.ADMIN}),
    Action.SIGHTING: DESKS,
    Action.TRACK: DESKS | UNIT,  # the desk's note moves the case; a unit's is its own note (for_unit)
    Action.SCRIPT: UNIT,
    Action.SUBSIDE: DESKS,
    Action.RETRACK: DESKS,
    Action.ARCHIVE: DESKS,
    Action.CORRECT: DESKS,
    Action.EVALUATE: UNIT,  # the unit's head or liaison (Art. 19(4)), for its own unit
    Action.ACCEPT_EVALUATION: DESKS,
    Action.RETURN_EVALUATION: DESKS,
    Action.SUPERVISE: DESKS | LEADERS | frozenset({R.CITY_DESK}),  # 督办 (Art. 6, 23): leaders and the desk
    Action.ANSWER_SUPERVISION: UNIT,  # 回复督办, for its own unit
    # 回应 (Art. 19, issue 20). Who approves a unit's script or plan is narrower than a role on the case — the
    # leader in charge OF THAT UNIT, a publicity leader, the main leader in place of either or in his turn — and is
    # decided by bot/domain/response/approvers.py; these rows say which roles may ask at all.
    Action.SCRIPT_SUBMIT: DESKS | UNIT,  # the unit's head or liaison, or the desk naming the unit it speaks for
    Action.SCRIPT_APPROVE: LEADERS,
    Action.SCRIPT_RETURN: LEADERS,
    Action.SCRIPT_ONWARD_CONSENT: frozenset({R.PUBLICITY_LEADER}),  # 同意报送
    Action.SCRIPT_ONWARD_REPORT: DESKS,  # 报送 宣传部|网信办|市委市政府
    Action.PLAN_SUBMIT: DESKS | UNIT,
    Action.PLAN_APPROVE: frozenset({R.LEADER_IN_CHARGE, R.MAIN_LEADER}),
    Action.PLAN_RETURN: frozenset({R.LEADER_IN_CHARGE, R.MAIN_LEADER}),
    Action.PUBLISH: DESKS,  # 发布
    # 涉密 (issue 21): the desk marks, only the desk head lifts; export is narrowed for a confidential case to
    # the desk head and the main leader by bot/domain/secrecy.may_export
    Action.MARK_CONFIDENTIAL: DESKS,
    Action.CLEAR_CONFIDENTIAL: frozenset({R.DESK_HEAD}),
    Action.EXPORT: DESKS | frozenset({R.DESK_HEAD}) | LEADERS,
    # a county's case (issue 22): before 接管 the city desk may view, 督办, follow (关注/取消关注) and take it over
    Action.TAKE_OVER: frozenset({R.CITY_DESK}),
    Action.FOLLOW: frozenset({R.CITY_DESK}),
}
# Actions done for one unit of the case: the unit roles must be roles for that unit.
UNIT_SCOPED = frozenset({Action.ACKNOWLEDGE, Action.REJECT, Action.REPORT, Action.EVALUATE,
                         Action.ANSWER_SUPERVISION, Action.SCRIPT, Action.SCRIPT_SUBMIT, Action.PLAN_SUBMIT})
# Who may mark a duty done by hand (the others are done by acknowledging or reporting).
FULFIL_ROLES: dict[DutyKind, frozenset[Role]] = {
    DutyKind.MAIN_LEADER_ACKNOWLEDGE: frozenset({R.MAIN_LEADER}),
    DutyKind.ASSESSMENT_MEETING: DESKS | LEADERS,
    DutyKind.LEADING_GROUP_MEETING: DESKS | LEADERS,
    DutyKind.AUTHORITATIVE_RELEASE: DESKS,
    DutyKind.PUBLIC_RESPONSE: DESKS,
    DutyKind.TRANSFER_FEEDBACK: DESKS,
    DutyKind.HANDLING_OPINION: UNIT,  # the unit's head or liaison (Art. 18; the desk may close it: duty.close)
    DutyKind.REPORT_UP_CITY: DESKS | LEADERS,
    DutyKind.REPORT_UP_PROVINCE: DESKS | LEADERS,
    DutyKind.EVALUATION: UNIT,  # submitted by the unit's head or liaison (评估); the desk accepts or returns it
    DutyKind.SUPERVISION_ANSWER: UNIT,  # 回复督办
    DutyKind.FEEDBACK: DESKS | UNIT,
}
# The role recorded when a person ends a duty he owns (``Duty.owner_person``): his ownership is his authority,
# whatever roles he holds on the case; no one else may end it by its act (the desk may still close it).
OWNER = "owner"
ACTION_LABELS = {
    Action.OPEN: "立案", Action.ASSIGN: "分派单位", Action.REASSIGN: "改派单位", Action.TRANSFER_DOWN: "转县局办理",
    Action.ACKNOWLEDGE: "签收", Action.REJECT: "退回", Action.GRADE: "定级", Action.ADVANCE: "推进案件状态",
    Action.REPORT: "报送", Action.CLOSE_DUTY: "关闭待办", Action.FULFIL_DUTY: "办结待办", Action.VIEW: "查看",
    Action.VERIFY: "校验档案", Action.SIGHTING: "记录再次发现", Action.TRACK: "跟踪", Action.SCRIPT: "答复是否续发口径",
    Action.SUBSIDE: "平息", Action.RETRACK: "重新跟踪", Action.ARCHIVE: "归档", Action.CORRECT: "更正",
    Action.EVALUATE: "提交评估总结", Action.ACCEPT_EVALUATION: "通过评估总结", Action.RETURN_EVALUATION: "退回评估总结",
    Action.SUPERVISE: "督办", Action.ANSWER_SUPERVISION: "回复督办",
    Action.SCRIPT_SUBMIT: "提交口径", Action.SCRIPT_APPROVE: "审定口径", Action.SCRIPT_RETURN: "退回修改口径",
    Action.SCRIPT_ONWARD_CONSENT: "同意报送口径", Action.SCRIPT_ONWARD_REPORT: "报送口径",
    Action.PLAN_SUBMIT: "提交回应方案", Action.PLAN_APPROVE: "审批回应方案", Action.PLAN_RETURN: "退回修改回应方案",
    Action.PUBLISH: "登记发布", Action.MARK_CONFIDENTIAL: "标记涉密", Action.CLEAR_CONFIDENTIAL: "解除涉密",
    Action.EXPORT: "导出", Action.TAKE_OVER: "接管", Action.FOLLOW: "关注",
}


def opener_roles(org: Organisation, person_id: str) -> dict[Role, str]:
    """The desk roles a person may open a case with, each with the unit it is for (city desk first)."""
    out: dict[Role, str] = {}
    for unit in org.units_of(person_id):
        if unit.desk:
            out.setdefault(Role.DESK, unit.id)
        elif unit.kind == "county":
            out.setdefault(Role.COUNTY_DESK, unit.id)
    return out


def reports_for_a_unit(org: Organisation, person_id: str | None) -> bool:
    """Whether the person is a liaison or the head of a unit other than the desk: one who signs and reports."""
    return bool(person_id) and any(person_id == u.head or person_id in u.liaisons
                                   for u in org.units_of(person_id) if not u.desk)


NOT_DESK = "只有舆情工作台（{desk}或县局）可以立案、定级和分派单位。如有舆情线索，请转给本单位联络员或{desk}。"


def require_desk(org: Organisation, person_id: str | None) -> None:
    """Refuse politely unless the person is on the city desk or a county desk (立案, the intake card's grade and
    unit buttons, 分派, 补充, 转办); raises NotPermitted (key ``intake.not_desk``)."""
    if person_id is None or not opener_roles(org, person_id):
        raise NotPermitted("intake.not_desk", NOT_DESK.format(desk=org.desk_name()))


def running_desk(org: Organisation, county: str | None) -> Unit | None:
    """The unit running a case: its county bureau when it has one (``county``), else the city desk; None when
    that unit is unknown or inactive."""
    if county:
        unit = org.units.get(county)
        return unit if unit is not None and unit.active else None
    return org.desk_unit()


def case_roles(org: Organisation, person_id: str, county: str | None, units: Iterable[str],
               for_unit: str | None = None) -> set[Role]:
    """The roles ``person_id`` holds on a case of ``county`` (or None) assigned to ``units``.

    With ``for_unit``, unit roles (liaison, head) count for that unit only.
    """
    person = org.person(person_id)
    if person is None or not person.active:
        return set()
    roles = {Role(r) for r in person.roles if r in Role.__members__.values()}
    mine = {u.id: u for u in org.units_of(person_id)}
    if any(u.desk for u in mine.values()):
        roles.add(Role.CITY_DESK if county else Role.DESK)
    if county and county in mine:
        roles.add(Role.COUNTY_DESK)
    if county:
        roles |= county_leader_roles(org, person_id, county)
    desk = running_desk(org, county)
    if desk is not None and desk.head == person_id:
        roles.add(Role.DESK_HEAD)
    for unit_id in set(units):
        unit = org.units.get(unit_id)
        if unit is None or not unit.active:
            continue
        if unit.leader_in_charge == person_id:
            roles.add(Role.LEADER_IN_CHARGE)
        if for_unit is not None and unit_id != for_unit:
            continue
        if unit.head == person_id:
            roles.add(Role.UNIT_HEAD)
        if person_id in unit.liaisons:
            roles.add(Role.LIAISON)
    return roles


def county_leader_roles(org: Organisation, person_id: str, county: str) -> set[Role]:
    """The leader roles ``person_id`` holds on ``county``'s cases as its own leaders (org file ``leaders``:
    main → main_leader, publicity → publicity_leader; each its head by default)."""
    leaders = org.county_leaders(county)
    return ({Role.MAIN_LEADER} if leaders.main == person_id else set()) | (
        {Role.PUBLICITY_LEADER} if leaders.publicity == person_id else set())


def allowed(action: Action, roles: Iterable[Role]) -> Role | None:
    """The first of ``roles`` (in Role order) that may do ``action``, or None."""
    permitted = PERMISSIONS[action]
    held = set(roles)
    return next((role for role in Role if role in held and role in permitted), None)


def authorise(org: Organisation, person_id: str, action: Action, county: str | None, units: Iterable[str],
              for_unit: str | None = None, kind: DutyKind | None = None) -> Role:
    """The role under which ``person_id`` may do ``action`` on the case; raises NotPermitted.

    ``for_unit`` scopes unit roles to that unit; ``kind`` narrows duty.fulfil to FULFIL_ROLES[kind].
    """
    roles = case_roles(org, person_id, county, units, for_unit)
    if kind is not None:
        roles &= FULFIL_ROLES.get(kind, frozenset())
    role = allowed(action, roles)
    if role is None:
        raise NotPermitted("permission.denied", f"您在此案件中没有“{ACTION_LABELS[action]}”的权限。")
    return role


def authorise_own_duty(org: Organisation, person_id: str, owner_person: str, label: str) -> str:
    """``OWNER`` when ``person_id`` is the (active) person who owns a duty (``label``: its name in Chinese);
    raises NotPermitted for anyone else, naming who does it."""
    person = org.person(person_id)
    if person is None or not person.active or person_id != owner_person:
        owner = org.person(owner_person)
        raise NotPermitted("permission.not_owner",
                           f"“{label}”由{owner.name if owner else '其办理人'}本人办理，您的点击或指令未作处理。")
    return OWNER
