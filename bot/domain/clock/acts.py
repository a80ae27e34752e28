"""The act that ends each duty: no clock without a user act that stops it (issue 19).

One row per duty kind: the button a 1:1 reminder (and 我的待办) carries, the command a group reminder names,
and who may do it (``bot.domain.permissions.FULFIL_ROLES``). The handler that registers the button's action
(``@router.action``) and the command (``@router.command``) ends the duty through the domain; a test holds
every kind of the policy to a registered action and command (tests/unit/handlers/test_duty_acts.py).

发布权威信息 and 公开回应 are ended by 发布 (``publication.start`` opens the desk's 发布 dialog; issue 20,
``bot/domain/response/publications.py``); the approvals (口径审定, 方案审批) by the approver's 同意 (or 退回修改).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.kinds import DutyKind

__all__ = ["Act", "DUTY_ACTS", "act_of", "command_of"]


@dataclass(frozen=True)
class Act:
    """How a person ends a duty: ``action`` (a button's action key; its params carry ``case`` = the case
    number and ``d`` = the duty id), ``label`` (the button's text) and ``command`` (what to type, with
    ``{number}`` for the case number)."""

    action: str
    label: str
    command: str


DUTY_ACTS: dict[DutyKind, Act | None] = {
    DutyKind.ACKNOWLEDGE: Act("case.ack", "签收", "签收 {number}"),
    DutyKind.MAIN_LEADER_ACKNOWLEDGE: Act("leader.ack", "签收", "领导签收 {number}"),
    DutyKind.INITIAL_REPORT: Act("report.start", "报告初报", "报告 {number} 初报"),
    DutyKind.FOLLOW_UP: Act("report.start", "报告续报", "报告 {number} 续报"),
    DutyKind.FEEDBACK: Act("report.start", "反馈处置情况", "反馈 {number}"),
    DutyKind.HANDLING_OPINION: Act("duty.opinion", "填写处置意见", "处置意见 {number}"),
    DutyKind.ASSESSMENT_MEETING: Act("duty.meeting", "登记研判会议", "研判会议 {number}"),
    DutyKind.LEADING_GROUP_MEETING: Act("duty.group_meeting", "登记领导小组会议", "领导小组会议 {number}"),
    DutyKind.REPORT_UP_CITY: Act("duty.report_up", "登记上报市委市政府", "上报 {number} 市委市政府"),
    DutyKind.REPORT_UP_PROVINCE: Act("duty.report_up", "登记上报省局", "上报 {number} 省局"),
    DutyKind.TRANSFER_FEEDBACK: Act("duty.transfer_feedback", "登记转办反馈", "转办反馈 {number}"),
    DutyKind.EVALUATION: Act("evaluation.start", "填写评估", "评估 {number}"),
    DutyKind.SUPERVISION_ANSWER: Act("supervision.answer", "回复督办", "回复督办 {number}"),
    DutyKind.AUTHORITATIVE_RELEASE: Act("publication.start", "登记发布", "发布 {number}"),
    DutyKind.PUBLIC_RESPONSE: Act("publication.start", "登记发布", "发布 {number}"),
    DutyKind.SCRIPT_APPROVAL: Act("script.approve", "同意", "审定 {number}"),
    DutyKind.PLAN_APPROVAL: Act("plan.approve", "同意", "审批 {number}"),
}


def act_of(kind: DutyKind | str) -> Act | None:
    """The act that ends a duty of ``kind`` (None: none yet)."""
    return DUTY_ACTS.get(DutyKind(kind))


def command_of(kind: DutyKind | str, number: str) -> str:
    """What to type to end a duty of ``kind`` on case ``number`` ("" when no act ends it yet)."""
    act = act_of(kind)
    return act.command.format(number=number) if act else ""
