"""A dialog's question with its choices as buttons (kind ``prompt_card``): the grade to set, the kind of
report, and a report shown back for confirmation. The buttons come from the dialog (they carry its owner).
Once its step is over the clicked question settles (:func:`settled_prompt`): its outcome, no buttons left."""

from __future__ import annotations

from typing import Iterable

from bot.core.card import Button, Card
from bot.domain.cards.case_card import case_facts
from bot.domain.cards.shapes import PromptCardData
from bot.domain.records import Case
from bot.domain.words import grade_color


def grade_prompt(case: Case, buttons: Iterable[Button]) -> Card:
    """定级: which grade (one button each)."""
    return PromptCardData(title=f"定级 {case.number}", color=grade_color(case.grade), facts=case_facts(case),
                          body=f"{case.title}\n请选择等级。", status="",
                          hint="回复等级名称：一般、敏感、重大、特别重大。").card(buttons)


def report_kind_prompt(case: Case, unit: str, buttons: Iterable[Button]) -> Card:
    """报告: which kind of report (one button each)."""
    return PromptCardData(title=f"报告 {case.number}", color=grade_color(case.grade), facts=case_facts(case, unit),
                          body=f"{case.title}\n请选择报告类型。", status="", hint="回复：初报、核报、续报或专项报告。").card(buttons)


def report_confirm_prompt(number: str, label: str, body: str, refused: str, buttons: Iterable[Button]) -> Card:
    """The report shown back with 确认提交 / 重新填写 (``refused``: attachments over the limit, in words)."""
    hint = "回复“确认”提交，或直接发送新的内容重新填写；可继续发送图片或文件作为附件；发送“取消”放弃。"
    return PromptCardData(title=f"确认提交{label} {number}", color="blue", facts=[], body=body, status=refused,
                          hint=hint).card(buttons)


def settled_prompt(title: str, status: str) -> Card:
    """A question once answered by a click: its title and ``status`` (「已选择初报」), no buttons."""
    return PromptCardData(title=title, color="gray", facts=[], body="", status=status).card()
