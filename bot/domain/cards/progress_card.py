"""Questions the case's later acts put to people (kind ``prompt_card``): the desk's 跟踪 asks each unit whether a
follow-up script (续发口径) is needed, and a sighting of a subsided case offers the desk 重新跟踪. Once answered,
the clicked question settles (``prompt_card.settled_prompt``)."""

from __future__ import annotations

from bot.core.card import Button, Card
from bot.domain.cards.case_card import case_facts
from bot.domain.cards.shapes import PromptCardData
from bot.domain.records import Case
from bot.domain.words import grade_color

SCRIPT_NEEDED = "script.needed"
SCRIPT_NOT_NEEDED = "script.not_needed"
RETRACK = "case.retrack"


def script_question(case: Case, unit: str, unit_name: str, note: str, ask: int) -> Card:
    """跟踪: the desk's note, and whether the unit needs a follow-up script (需要续发口径 / 无需续发)."""
    params = {"case": case.number, "unit": unit, "t": ask}
    buttons = (Button("需要续发口径", SCRIPT_NEEDED, params, "primary"), Button("无需续发", SCRIPT_NOT_NEEDED, params))
    return PromptCardData(
        title=f"跟踪 {case.number}", color=grade_color(case.grade), facts=case_facts(case, unit_name),
        body=f"{case.title}\n舆情工作台跟踪情况：{note}\n请答复是否需要续发口径。", status="",
        hint=f"回复“需要续发口径 {case.number}”或“无需续发 {case.number}”。").card(buttons)


def retrack_offer(case: Case, text: str) -> Card:
    """A sighting of a subsided case: ``text`` (what was recorded) and 重新跟踪 for the desk."""
    return PromptCardData(
        title=f"{case.number} 已平息，又有新的发现", color=grade_color(case.grade), facts=case_facts(case),
        body=f"{case.title}\n{text}", status="", hint=f"如需重新跟踪，请回复“重新跟踪 {case.number}”。",
    ).card((Button("重新跟踪", RETRACK, {"case": case.number}, "primary"),))
