"""Clicks on a dialog's owner-bound buttons that no running dialog takes — the dialog ended (confirmed,
cancelled or timed out): say why the button no longer applies and how to start again, instead of a generic
"not understood". A click on someone else's dialog button (a card in a group) says whose step it is
(``handlers/dialog_owner.py``). The registry routes every owner-bound button a dialog declares
(``Conversation.owner_buttons``) here, so a new dialog needs no line in this module."""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.domain.cards import notice
from handlers.dialog_owner import not_owner
from handlers.registry import Context, owner_buttons_of

__all__ = ["answer_ended_click"]


def answer_ended_click(event: Event, ctx: Context) -> list[Reply]:
    """The step this button belonged to is over (or it is someone else's step)."""
    if refused := not_owner(event, ctx):
        return [Reply(notice(refused))]
    number = str(event.params.get("case", "")) or "YQ-…"
    declared = owner_buttons_of(event.action)
    word = declared.word if declared is not None else "帮助"
    return [Reply(notice(f"这一步已结束（已提交、已取消或等待超时），此按钮已失效。如需继续，请发送“{word} {number}”。"))]
