"""The one question a command asks when its reason is missing (涉密, 接管): where to answer, and the answer acted on.

    WORD YQ-… (or its button) --> REASON: "请说明…的理由（直接回复即可；发送“取消”放弃）。…"
    REASON --text--> the act; no reason → asked again; a refusal now (the case changed meanwhile) → END with it
"""

from __future__ import annotations

from typing import Callable

from bot.core.card import Reply
from bot.core.conversation import END, Step
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.errors import DomainError
from handlers.registry import Context

REASON = "reason"  # the dialog state waiting for the reason
Act = Callable[[Event, Context, str, str], list[Reply]]  # (event, ctx, case number, reason) → the replies


def ask_reason(ctx: Context, number: str, question: str, after: str = "", case_id: int | None = None) -> Step:
    """Ask ``question`` (「请说明…的理由」) of the case ``number``, saying where to answer; ``after``: what follows."""
    where = ctx.extra.get("answer_where") or "直接回复即可"
    return Step(REASON, (Reply(notice(f"{question}（{where}；发送“取消”放弃）。{after}"), case_id=case_id),),
                {"case": number})


def reason_answered(act: Act) -> Callable[[Event, Context, dict], Step]:
    """The REASON state's callback: ``act`` on the case with the text as its reason."""
    def got_reason(event: Event, ctx: Context, data: dict) -> Step:
        try:
            return Step(END, tuple(act(event, ctx, data["case"], command_text(event))))
        except DomainError as exc:
            if exc.key == "reason.missing":
                return Step(REASON, (Reply(notice(f"{exc.message}请发送理由，或发送“取消”放弃。")),), data)
            return Step(END, (Reply(notice(exc.message)),))
    return got_reason
