"""归档 and 更正 (Art. 19(4)): the desk archives a subsided case, which is read-only from then on.

    desk --归档 YQ-…--> 已归档 (一般/敏感 once subsided; 重大/特别重大 once every evaluation is accepted); refused
         kindly otherwise, naming what is missing; every open duty closes, so nothing fires after it
    desk --更正 YQ-… 内容--> a correction on the timeline with who and why (any state, archived included)
    every other act on an archived case --> refused: 案件已归档，只能查看 (``lifecycle.check_case_allows``)
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.case import progress
from bot.domain.errors import InvalidInput
from bot.domain.words import when
from handlers.case_lookup import case_named
from handlers.registry import Context, router


@router.command("归档")
def archive(event: Event, ctx: Context) -> list[Reply]:
    """``归档 YQ-…``."""
    words = command_text(event).split()
    if len(words) < 2:
        raise InvalidInput("archive.usage", "请这样写：归档 YQ-2026-0001")
    case = case_named(ctx, words[1])
    names = {u.id: u.name for u in ctx.org.units.values()}
    progress.archive(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, names)
    return [Reply(notice(f"已归档 {case.number}，案件从此只能查看；如需更正，请发送“更正 {case.number} 内容”。"))]


@router.command("更正")
def correct(event: Event, ctx: Context) -> list[Reply]:
    """``更正 YQ-… 内容``."""
    words = command_text(event).split(maxsplit=2)
    if len(words) < 3:
        raise InvalidInput("correct.usage", "请这样写：更正 YQ-2026-0001 更正内容及原因。")
    case = case_named(ctx, words[1])
    progress.correct(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, words[2])
    return [Reply(notice(f"已在 {case.number} 的记录中追加更正（{ctx.person.name}，{when(ctx.now, ctx.now)}）：{words[2]}"), case_id=case.id)]
