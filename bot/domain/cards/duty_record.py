"""The cards of a duty recorded through a dialog (处置意见, 研判会议, 领导小组会议, 转办反馈): the yes/no question
and the record shown back for confirmation (kind ``prompt_card``), and the record told to the desk and the
leaders once the duty is done (kind ``desk_card``). The record is a list of facts, the same in each."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from bot.core.card import Button, Card
from bot.domain.cards.case_card import case_facts
from bot.domain.cards.shapes import DeskCardData, Fact, PromptCardData
from bot.domain.records import Case
from bot.domain.words import grade_color, when

__all__ = ["record_confirm_prompt", "recorded_card", "yes_no_prompt"]


def yes_no_prompt(case: Case, title: str, step: str, question: str, buttons: Iterable[Button]) -> Card:
    """One yes/no question of a record (``step``: 「第1/3项」), with 是 / 否."""
    return PromptCardData(title=f"{title} {case.number}", color=grade_color(case.grade), facts=case_facts(case),
                          body=f"{case.title}\n{step}：{question}", status="",
                          hint="回复“是”或“否”，可在后面附说明（例如：是 今天下午发布情况说明）；发送“取消”放弃。"
                          ).card(buttons)


def record_confirm_prompt(number: str, title: str, facts: list[Fact], buttons: Iterable[Button]) -> Card:
    """The record shown back with 确认提交 / 重新填写."""
    return PromptCardData(title=f"确认{title} {number}", color="blue", facts=facts, body="", status="",
                          hint="回复“确认”提交，回复“重新填写”从头再填，发送“取消”放弃。").card(buttons)


def recorded_card(case: Case, title: str, facts: list[Fact], by: str, now: datetime, late: bool) -> Card:
    """A duty's record once done (to the desk, the leaders): who recorded it, when, and against its deadline."""
    timing = "（已超过时限）" if late else ""
    return DeskCardData(title=f"{title} {case.number}", color="red" if late else grade_color(case.grade),
                        facts=[*case_facts(case), *facts], body=case.title,
                        status=f"{by}于{when(now, now)}登记{timing}", case_id=case.id).card()
