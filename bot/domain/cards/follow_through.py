"""The cards of 评估总结 and 督办, built on the shared case kinds (no kind of their own):

- the evaluation dialog's questions and confirm card, and an evaluation forwarded to the desk (``desk_card``,
  with 通过; 退回修改 is typed with its reason);
- a 督办 to the unit's head and liaisons (``prompt_card`` with 回复督办), and the 督办 buttons (one per live unit)
  a leader's bulletin and the ``案件`` status card carry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from bot.core.card import Button, Card
from bot.domain.cards.case_card import case_facts
from bot.domain.cards.shapes import DeskCardData, PromptCardData
from bot.domain.records import Case, Duty
from bot.domain.words import deadline, grade_color, when

__all__ = ["evaluation_card", "evaluation_confirm", "evaluation_text", "supervise_buttons", "supervise_buttons_for",
           "supervision_card"]


def evaluation_text(parts: list[tuple[str, str]]) -> str:
    """The five parts as lines (``起因：…``)."""
    return "\n".join(f"{label}：{text}" for label, text in parts)


def evaluation_confirm(number: str, parts: list[tuple[str, str]], buttons: Iterable[Button]) -> Card:
    """The evaluation shown back with 确认提交 / 重新填写."""
    return PromptCardData(title=f"确认提交评估总结 {number}", color="blue", facts=[], body=evaluation_text(parts),
                          status="", hint="回复“确认”提交，或发送“重新填写”从起因重填；发送“取消”放弃。").card(buttons)


def evaluation_card(case: Case, unit: str, unit_id: str, by: str, now: datetime, parts: list[tuple[str, str]],
                    timing: str) -> Card:
    """A unit's evaluation forwarded to the desk, with 通过 (``evaluation.accept``)."""
    data = DeskCardData(title=f"评估总结 {case.number}", color="red" if "逾期" in timing else grade_color(case.grade),
                        facts=case_facts(case, unit), body=f"{case.title}\n{by}于{when(now, now)}提交{timing}：\n"
                        + evaluation_text(parts), status="", case_id=case.id,
                        hint=f"通过：发送“通过 {case.number} {unit}”；退回：发送“退回修改 {case.number} {unit} 理由”。")
    return data.card((Button("通过", "evaluation.accept", {"case": case.number, "u": unit_id}, "primary"),))


def supervision_card(case: Case, unit: str, by: str, text: str, now: datetime, duty: Duty | None) -> Card:
    """督办 to the unit: the leader's words, the deadline of the answer, and 回复督办."""
    due = f"请于{deadline(duty.due_at, now)}前回复。" if duty is not None else "请尽快回复。"
    buttons = (Button("回复督办", "supervision.answer", {"case": case.number, "d": str(duty.id)}, "primary"),) \
        if duty is not None else ()
    return PromptCardData(title=f"督办 {case.number}", color="red", facts=case_facts(case, unit),
                          body=f"{case.title}\n{by}于{when(now, now)}督办：\n{text}\n{due}", status="", case_id=case.id,
                          hint=f"回复：发送“回复督办 {case.number} 内容”。").card(buttons)


def supervise_buttons(case: Case, units: Iterable[tuple[str, str]]) -> tuple[Button, ...]:
    """督办 buttons, one per live unit (``units``: unit id, name; a button names its unit when there are
    several) — the button asks for the words."""
    units = list(units)
    return tuple(b for unit_id, name in units
                 for b in supervise_buttons_for(case.number, unit_id, name if len(units) > 1 else ""))


def supervise_buttons_for(number: str, unit_id: str, name: str) -> tuple[Button, ...]:
    """The 督办 button for one unit of case ``number`` (a 逾期提醒 to a leader or the desk carries it, without
    ``name``: the card names the unit)."""
    return (Button(f"督办{name}", "supervision.start", {"case": number, "u": unit_id}),)
