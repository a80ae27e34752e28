"""Kinds of duty and of report: the names used in the policy file, the store and the timeline."""

from __future__ import annotations

from enum import StrEnum


class DutyKind(StrEnum):
    """A timed obligation a case sets in motion (requirements.md, the defaults table)."""

    ACKNOWLEDGE = "acknowledge"
    MAIN_LEADER_ACKNOWLEDGE = "main_leader_acknowledge"
    INITIAL_REPORT = "initial_report"
    FOLLOW_UP = "follow_up"
    HANDLING_OPINION = "handling_opinion"
    ASSESSMENT_MEETING = "assessment_meeting"
    LEADING_GROUP_MEETING = "leading_group_meeting"
    AUTHORITATIVE_RELEASE = "authoritative_release"
    PUBLIC_RESPONSE = "public_response"
    FEEDBACK = "feedback"
    EVALUATION = "evaluation"
    TRANSFER_FEEDBACK = "transfer_feedback"
    REPORT_UP_CITY = "report_up_city"
    REPORT_UP_PROVINCE = "report_up_province"
    SUPERVISION_ANSWER = "supervision_answer"
    SCRIPT_APPROVAL = "script_approval"
    PLAN_APPROVAL = "plan_approval"


class ReportKind(StrEnum):
    """What a unit reports (Art. 14): 初报, 核报, 续报, 专项报告."""

    INITIAL = "initial"
    VERIFIED = "verified"
    FOLLOW_UP = "follow_up"
    SPECIAL = "special"


DUTY_LABELS = {
    DutyKind.ACKNOWLEDGE: "签收预警", DutyKind.MAIN_LEADER_ACKNOWLEDGE: "主要领导签收",
    DutyKind.INITIAL_REPORT: "初报", DutyKind.FOLLOW_UP: "续报", DutyKind.HANDLING_OPINION: "处置意见",
    DutyKind.ASSESSMENT_MEETING: "研判会议", DutyKind.LEADING_GROUP_MEETING: "领导小组会议",
    DutyKind.AUTHORITATIVE_RELEASE: "发布权威信息", DutyKind.PUBLIC_RESPONSE: "公开回应",
    DutyKind.FEEDBACK: "反馈处置情况", DutyKind.EVALUATION: "评估总结", DutyKind.TRANSFER_FEEDBACK: "转办反馈",
    DutyKind.REPORT_UP_CITY: "上报市委市政府", DutyKind.REPORT_UP_PROVINCE: "上报省局",
    DutyKind.SUPERVISION_ANSWER: "回复督办", DutyKind.SCRIPT_APPROVAL: "口径审定", DutyKind.PLAN_APPROVAL: "方案审批",
}
REPORT_LABELS = {ReportKind.INITIAL: "初报", ReportKind.VERIFIED: "核报", ReportKind.FOLLOW_UP: "续报",
                 ReportKind.SPECIAL: "专项报告"}
# The duty a report fulfils, if any.
REPORT_FULFILS = {ReportKind.INITIAL: DutyKind.INITIAL_REPORT, ReportKind.FOLLOW_UP: DutyKind.FOLLOW_UP,
                  ReportKind.SPECIAL: DutyKind.FEEDBACK}
