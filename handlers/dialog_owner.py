"""A dialog's buttons belong to the person whose dialog sent them (the kind and confirm cards of 报告, the
grade card of 定级). In a group anyone can click a card, so each such button carries its owner (``by``, a
person id) and a click by anyone else is answered with whose step it is — nothing changes, and the owner's
dialog goes on. Buttons sent before ``by`` existed name no owner and are taken as the clicker's own.

Which buttons are owner-bound, and the word that names their step, each dialog declares once
(``Conversation.owner_buttons``); this module reads them from the registered dialogs."""

from __future__ import annotations

from typing import Any

from bot.core.event import Event
from bot.domain.cards.case_card import person_name
from handlers.registry import owner_buttons_of

__all__ = ["OWNER", "not_owner", "owned"]

OWNER = "by"


def owned(params: dict[str, str], ctx: Any) -> dict[str, str]:
    """``params`` of a dialog button, with its owner: the person the dialog belongs to."""
    return {**params, OWNER: ctx.person.id} if ctx.person is not None else dict(params)


def not_owner(event: Event, ctx: Any) -> str:
    """Why the clicker may not use this dialog button ('' when they own it, or it names no owner)."""
    owner = str(event.params.get(OWNER) or "")
    if event.kind != "click" or not owner or ctx.person is None or owner == ctx.person.id:
        return ""
    declared = owner_buttons_of(event.action)
    word = declared.word if declared is not None else "帮助"
    number = str(event.params.get("case", "")) or "YQ-…"
    return (f"这是{person_name(ctx.org, owner)}的{word}步骤，此按钮只能由本人使用，您的点击未作处理。"
            f"如需{word}，请发送“{word} {number}”。")
