"""The cards of a unit's response (issue 20; Art. 19(1)–(2)): a script version to approve (kind
``script_approval``: 口径审定, two leaders in any order), a plan version to approve (``plan_approval``: 方案审批,
分管领导 then 主要领导), the publicity leader's consent to report an approved script onward (``onward_consent``:
同意报送), and the unit's notice of a decision (``response_notice``). The 回应 section of the case's own cards
is :mod:`.response_section`.

Builders take plain values (the case, names, the text, each approver's state as :class:`~.shapes.Approver`) and
lay them out as the case cards do (``templates/*/_case.j2``): the facts are 等级, 承办单位 and each approver
role's state — what a leader decides on, always in view — and the body is the case's title, who submitted the
version and when, then the text whole. The messengers fit the card to each platform (WeCom's 160-character
sub-title, DingTalk's 1 KB a value) and send the whole text after it into the same 1:1 chat
(``bot/platforms/fitting.py``: 「…（全文）」); a builder never cuts.

A card is live (its two buttons) for an approver whose decision is awaited, and settled (its outcome as the
status line, no buttons) once decided, when a newer version exists (「已有新版本 v3」), and for the other
approver's and the unit's copies. Button params are ``{"case": number, "u": unit_id, "v": version}`` on all four
actions (``script.approve``, ``script.return``, ``plan.approve``, ``plan.return``, ``script.onward_consent``);
they come back from the platforms as strings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from bot.core.card import Button, Card
from bot.domain.cards.case_card import case_facts
from bot.domain.cards.shapes import (Approver, Fact, OnwardConsentData, PlanApprovalData, ResponseNoticeData,
                                     ScriptApprovalData)
from bot.domain.records import Case
from bot.domain.words import deadline, grade_color, when

__all__ = ["APPROVED", "PENDING", "PLAN", "RETURNED", "SCRIPT", "WAITING", "approver_words", "onward_consent_card",
           "params_of", "plan_approval_card", "script_approval_card", "version_approved_notice",
           "version_returned_notice"]

PENDING, WAITING, APPROVED, RETURNED = "pending", "waiting", "approved", "returned"
SCRIPT, PLAN = "口径", "方案"
VERB = {SCRIPT: "审定", PLAN: "审批"}  # what a leader does to a script / to a plan (glossary); also the typed word
TITLES = {SCRIPT: "口径审定", PLAN: "方案审批"}


def params_of(case: Case, unit_id: str, version: int) -> dict[str, object]:
    """The params every button of a version carries."""
    return {"case": case.number, "u": unit_id, "v": version}


def approver_words(a: Approver, now: datetime, subject: str = SCRIPT, returned: bool = False) -> str:
    """One approver role's state as its row reads: 待审定, 待分管领导审批, ``已由吴副局长于今天 10:40同意``,
    ``已由赵局长（主要领导）于今天 10:40代为审定``, ``已由吴副局长于今天 10:40退回修改``; a role still awaited on a
    version another role ``returned`` reads 已退回，无需审定."""
    verb = VERB[subject]
    if returned and a.state in (PENDING, WAITING):
        return f"已退回，无需{verb}"
    if a.state == WAITING:
        return f"待分管领导{verb}"
    if a.state not in (APPROVED, RETURNED) or a.at is None:
        return f"待{verb}"
    who = f"{a.name}（主要领导）" if a.on_behalf else a.name
    done = f"代为{verb}" if a.on_behalf and a.state == APPROVED else ("同意" if a.state == APPROVED else "退回修改")
    return f"已由{who}于{when(a.at, now)}{done}"


def _outcome(approvers: Sequence[Approver], version: int, subject: str) -> str:
    """The version's outcome in one line, whoever reads it: returned (by whom), approved, or who is awaited."""
    returned = next((a for a in approvers if a.state == RETURNED), None)
    if returned is not None:
        return f"v{version} 已由{returned.name}退回修改"
    if approvers and all(a.state == APPROVED for a in approvers):
        return f"{subject} v{version} 已{VERB[subject]}"
    awaited = "、".join(a.role for a in approvers if a.state in (PENDING, WAITING))
    return f"待{awaited}{VERB[subject]}" if awaited else ""


def _reasons(approvers: Sequence[Approver]) -> list[str]:
    return [f"退回理由（{a.name}）：{a.reason}" for a in approvers if a.state == RETURNED and a.reason]


def _submitted(by: str, at: datetime, now: datetime, what: str) -> str:
    return f"{by}于{when(at, now)}提交{what}："


def _approval(shape: type[ScriptApprovalData], subject: str, case: Case, unit_id: str, unit_name: str,
              version: int, facts: list[Fact], body: list[str], approvers: Sequence[Approver], now: datetime,
              live: bool, newer: int | None, actions: tuple[str, str]) -> Card:
    """The approval card of either subject: live with 同意 / 退回修改, or settled with its outcome."""
    returned = any(a.state == RETURNED for a in approvers)
    rows = [*case_facts(case, unit_name), *facts,
            *(Fact(a.role, approver_words(a, now, subject, returned)) for a in approvers)]
    number, verb = case.number, VERB[subject]
    if newer is not None:
        status = f"已有新版本 v{newer}，此版本不再{verb}"
    else:
        status = "" if live else _outcome(approvers, version, subject)
    data = shape(title=f"{TITLES[subject]} {number} v{version}",
                 color="gray" if newer is not None else grade_color(case.grade), facts=rows,
                 body="\n".join([case.title, *body, *_reasons(approvers)]), status=status, case_id=case.id,
                 unit=unit_id, version=version,
                 hint=f"同意：发送“{verb} {number} v{version}”；退回修改：发送“退回修改 {number} v{version} 理由”。")
    if not live or newer is not None:
        return data.card()
    params = params_of(case, unit_id, version)
    return data.card((Button("同意", actions[0], params, "primary"), Button("退回修改", actions[1], params, "danger")))


def script_approval_card(case: Case, unit_id: str, unit_name: str, version: int, text: str, by: str,
                         at: datetime, approvers: Sequence[Approver], now: datetime, *, live: bool = True,
                         newer: int | None = None) -> Card:
    """口径审定 YQ-… v2 (kind ``script_approval``): the unit's script ``text`` (version ``version``, submitted by
    ``by`` at ``at``) and each approver role's state (宣传分管领导, 分管领导); with 同意 (``script.approve``) and
    退回修改 (``script.return``) while ``live``, settled otherwise or when version ``newer`` exists."""
    body = [_submitted(by, at, now, f"口径（v{version}）"), text]
    return _approval(ScriptApprovalData, SCRIPT, case, unit_id, unit_name, version, [], body, approvers, now,
                     live, newer, ("script.approve", "script.return"))


def plan_approval_card(case: Case, unit_id: str, unit_name: str, version: int, way: str, content: str,
                       planned: datetime | str, by: str, at: datetime, approvers: Sequence[Approver],
                       now: datetime, *, live: bool = True, newer: int | None = None) -> Card:
    """方案审批 YQ-… v1 (kind ``plan_approval``): the unit's plan — ``way`` (its label: 新闻通稿, 新闻发布会, 媒体吹风会,
    接受采访, 专家解读), ``content``, ``planned`` (when: a time, or words) — and the approvals in order (分管领导,
    then 主要领导: ``waiting`` until the first approved); with 同意 (``plan.approve``) and 退回修改 (``plan.return``)
    while ``live``."""
    planned_words = deadline(planned, now) if isinstance(planned, datetime) else planned
    facts = [Fact("回应方式", way), Fact("回应时间", planned_words)]
    body = [_submitted(by, at, now, f"回应方案（v{version}）"), content]
    return _approval(PlanApprovalData, PLAN, case, unit_id, unit_name, version, facts, body, approvers, now,
                     live, newer, ("plan.approve", "plan.return"))


def onward_consent_card(case: Case, unit_id: str, unit_name: str, version: int, text: str, approved_at: datetime,
                        now: datetime, *, consent: tuple[str, datetime] | None = None) -> Card:
    """同意报送 YQ-… v2 (kind ``onward_consent``) to the publicity leader: the approved script and 同意报送
    (``script.onward_consent``); settled once ``consent`` (who, when) is recorded."""
    facts = [*case_facts(case, unit_name), Fact("口径", f"已审定 v{version}（{when(approved_at, now)}）")]
    status = f"已由{consent[0]}于{when(consent[1], now)}同意报送，由舆情工作台报送" if consent else ""
    data = OnwardConsentData(
        title=f"同意报送 {case.number} v{version}", color="gray" if consent else grade_color(case.grade), facts=facts,
        body="\n".join([case.title, f"已审定的口径（v{version}）：", text,
                        "同意后由舆情工作台报送宣传部、网信办或市委市政府。"]),
        status=status, case_id=case.id, unit=unit_id, version=version,
        hint=f"同意报送：发送“同意报送 {case.number} v{version}”。")
    if consent:
        return data.card()
    return data.card((Button("同意报送", "script.onward_consent", params_of(case, unit_id, version), "primary"),))


def version_returned_notice(case: Case, unit_id: str, unit_name: str, subject: str, version: int, by: str,
                            at: datetime, reason: str, now: datetime) -> Card:
    """The unit's notice that its ``subject`` (口径 or 方案) version was sent back (kind ``response_notice``): who,
    when, the reason, and what to send for a new version (「口径 YQ-…」 / 「方案 YQ-…」)."""
    return ResponseNoticeData(
        title=f"{subject}退回修改 {case.number} v{version}", color="red", facts=case_facts(case, unit_name),
        body="\n".join([case.title, f"退回理由：{reason}",
                        f"请修改后发送“{subject} {case.number}”提交新版本（v{version + 1}）（群聊中请先 @舆情助手）。"]),
        status=f"已由{by}于{when(at, now)}退回修改", case_id=case.id, unit=unit_id, version=version).card()


def version_approved_notice(case: Case, unit_id: str, unit_name: str, subject: str, version: int,
                            approvers: Sequence[Approver], now: datetime, next_step: str = "") -> Card:
    """The unit's notice that its ``subject`` version is approved (kind ``response_notice``): each approval, and
    ``next_step`` when given (e.g. 「待舆情工作台发布」)."""
    verb = VERB[subject]
    return ResponseNoticeData(
        title=f"{subject}已{verb} {case.number} v{version}", color="green",
        facts=[*case_facts(case, unit_name), *(Fact(a.role, approver_words(a, now, subject)) for a in approvers)],
        body="\n".join(filter(None, [case.title, next_step])), status=f"{subject} v{version} 已{verb}",
        case_id=case.id, unit=unit_id, version=version).card()
