"""The dialog engine: an event meets the person's running dialog, a dialog's entry point, or the
command router — in that order. Pure: the worker passes the stored state in and saves what returns.

``取消`` leaves any dialog; an event that fits no handler of the running dialog falls through to
the entry points and then to the commands, keeping the dialog. An expired dialog is ignored. The dialogs'
entry points are tried in their declared precedence (``Conversation.precedence``, then name), so which
dialog wins never depends on module names or the order they were imported in.

A dialog started or answered in a group — typed or by a click on a group card — on a platform where dialogs
continue 1:1, asks a question that wants a typed answer (a reason, a report's text, unit names) in the person's
1:1 chat and leaves only a pointer in the group naming that chat (review ux-2026-12-07, finding 7); a question
answered by its buttons (报告's kinds, 定级's grades) stays where the person is — its buttons answer only their
owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from bot.core.card import Reply, Target
from bot.core.conversation import Conversation, DialogState, cancelled_reply, is_cancel
from bot.core.event import Event
from bot.core.router import Router
from bot.domain.cards import notice

ONE_TO_ONE = "1:1"


@dataclass(frozen=True)
class EngineDecision:
    """What the engine decided: the replies, and the dialog state to store (``keep``: leave it as is)."""

    replies: list[Reply]
    state: DialogState | None = None
    keep: bool = False


def dialog_chat(event: Event, one_to_one: bool) -> str:
    """The chat part of the dialog key: 1:1 where the platform can continue there, else the group."""
    return ONE_TO_ONE if one_to_one or event.chat_type == "single" else event.chat_id


def answer_where(event: Event, one_to_one: bool) -> str:
    """Where the person should answer a prompt, in words for the prompt ('' where the prompt itself is: 1:1)."""
    if event.chat_type == "single" or one_to_one:
        return ""
    return "请在本群 @舆情助手 回复"


def asked_one_to_one(event: Event, ctx: Any, decision: EngineDecision) -> EngineDecision:
    """``decision`` with a running dialog's typed-answer questions (replies without buttons) sent to the person
    1:1 and a pointer left in the group, when ``event`` — typed, or a click on a card in the group — came from a
    group on a platform where dialogs continue 1:1 (as is). The questions come first: their rows are added, and
    sent, before the pointer that says to look there (issue 19, item 8)."""
    if decision.state is None or event.chat_type != "group" or ctx.person is None:
        return decision
    can = ctx.can(event.platform)
    if not can.dialogs_one_to_one or (event.kind == "click" and can.answers_clicks_one_to_one):
        return decision  # no 1:1 chat to move to; or a click, whose answers reach the clicker 1:1 already
    moved = [Reply(r.card, to=Target("person", ctx.person.id, event.platform), case_id=r.case_id)
             if r.to is None and not r.update and not r.card.buttons else r for r in decision.replies]
    if moved == decision.replies:
        return decision
    chat = can.one_to_one_chat
    pointer = Reply(notice(f"{ctx.person.name}，请在{chat}中继续（已发送下一步）。"))
    return EngineDecision([*moved, pointer], decision.state, decision.keep)


def by_precedence(dialogs: Iterable[Conversation]) -> list[Conversation]:
    """The dialogs in the order their entry points are tried: declared precedence, then name."""
    return sorted(dialogs, key=lambda conversation: (conversation.precedence, conversation.name))


def process(event: Event, ctx: Any, stored: DialogState | None, now: datetime,
            dialogs: dict[str, Conversation], router: Router) -> EngineDecision:
    """Decide what ``event`` does; raises whatever a callback raises (HandlerError for refusals)."""
    if stored is not None and (stored.expired(now) or stored.dialog not in dialogs):
        stored = None
    if stored is not None:
        if is_cancel(event):
            return EngineDecision([cancelled_reply()], None)
        advanced = dialogs[stored.dialog].advance(stored, event, ctx, now)
        if advanced is not None:
            return asked_one_to_one(event, ctx, EngineDecision(advanced[1], advanced[0]))
    elif is_cancel(event):
        return EngineDecision([Reply(notice("当前没有进行中的操作。"))], None, keep=True)
    for conversation in by_precedence(dialogs.values()):
        started = conversation.start(event, ctx, now)
        if started is not None:
            return asked_one_to_one(event, ctx, EngineDecision(started[1], started[0]))
    return EngineDecision(router.dispatch(event, ctx), stored, keep=True)
