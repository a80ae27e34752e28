"""添加此次发现: the same story forwarded again → the duplicate card's button records the sighting on the
open case's timeline (``intake.sighting``); the card then shows who added it. ``补充 YQ-… <链接>`` adds
another link of the same story (another platform) by hand; that link then counts as the same story.
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.intake_cards import sighting_done
from bot.domain.intake_commands import add_sighting
from bot.domain.links import find_links, source_of
from bot.store.case_views import case_row, case_summary
from bot.store.intake import add_sighting_row
from handlers._acting import actor, case_by_number, case_id_param, notice, require_desk, session
from handlers.registry import Context, router


@router.action("intake.sighting")
def add_this_sighting(event: Event, ctx: Context) -> list[Reply]:
    """Record the sighting (link, source, now) on the case and show it on the card."""
    require_desk(ctx)
    case_id = case_id_param(event)
    link = str(event.params.get("link") or "") or None
    source = str(event.params.get("source") or "other")
    outcome = add_sighting(ctx.store, ctx.rules, case_id, actor(event, ctx), ctx.now, link=link, source=source)
    add_sighting_row(session(ctx), case_id, link=link, source=source, seen_at=ctx.now, by=ctx.person.id,
                     platform=event.platform)
    facts = case_summary(case_row(session(ctx), outcome.case.id))
    return [Reply(sighting_done(facts, ctx.now, ctx.person.name), update=True, case_id=case_id)]


@router.command("补充")
def add_sighting_by_text(event: Event, ctx: Context) -> list[Reply]:
    """``补充 YQ-2026-0001 https://…``: the link is the same story as that case."""
    require_desk(ctx)
    words = command_text(event).split(maxsplit=2)
    links = find_links(words[2]) if len(words) > 2 else []
    if len(words) < 3 or not links:
        return [notice("请这样补充：补充 YQ-2026-0001 链接（同一舆情在其他平台或其他转发的链接）。")]
    row = case_by_number(ctx, words[1])
    for link in links:
        add_sighting(ctx.store, ctx.rules, row.id, actor(event, ctx), ctx.now, link=link, source=str(source_of(link)))
        add_sighting_row(session(ctx), row.id, link=link, source=str(source_of(link)), seen_at=ctx.now,
                         by=ctx.person.id, platform=event.platform)
    return [notice(f"已将 {len(links)} 个链接记为 {row.number} 的再次发现，以后转发这些链接会提示已立案。")]
