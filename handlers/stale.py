"""Clicks on a dialog's buttons after the dialog ended (confirmed, cancelled or timed out): say why
the button no longer applies and how to start again, instead of a generic "not understood". A click on
someone else's dialog button (a card in a group) says whose step it is (``handlers/_owner.py``)."""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from handlers._owner import not_owner
from handlers.case_cards import notice
from handlers.registry import Context, router

AGAIN = {"report": "报告", "grade": "定级"}


@router.action("report.kind", "report.confirm", "report.redo", "grade.pick")
def answer_stale_click(event: Event, ctx: Context) -> list[Reply]:
    """The step this button belonged to is over (or it is someone else's step)."""
    if refused := not_owner(event, ctx):
        return [Reply(notice(refused))]
    number = str(event.params.get("case", "")) or "YQ-…"
    word = AGAIN[event.action.split(".")[0]]
    return [Reply(notice(f"这一步已结束（已提交、已取消或等待超时），此按钮已失效。如需继续，请发送“{word} {number}”。"))]
