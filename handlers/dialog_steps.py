"""What a dialog's states match and how a clicked prompt settles, shared by the dialogs (口径, 方案, 发布, 评估):
a typed command word, a click on one of a dialog's buttons, and the clicked prompt card greyed in place."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards.prompt_card import settled_prompt


def typed(*words: str) -> Callable[[Event], bool]:
    """A typed message (not a click) whose command text is one of ``words``."""
    return lambda e: e.kind != "click" and command_text(e) in words


def clicked(*actions: str) -> Callable[[Event], bool]:
    """A click on a button whose action is one of ``actions``."""
    return lambda e: e.kind == "click" and e.action in actions


def settled_click(event: Event, data: dict, title: str, status: str) -> tuple[Reply, ...]:
    """The clicked prompt card ``title`` settled in place with ``status`` (nothing for a typed answer)."""
    if event.kind != "click" or not event.card_id:
        return ()
    return (Reply(settled_prompt(title, status), update=True, case_id=data.get("case_id")),)
