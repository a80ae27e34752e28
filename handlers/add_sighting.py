"""添加此次发现: the same story forwarded again → the duplicate card's button records the sighting on the
open case's timeline (``intake.sighting``); the card then shows who added it. ``补充 YQ-… <链接>`` adds
another link of the same story (another platform) by hand; that link then counts as the same story. A sighting
of a subsided case offers the desk 重新跟踪 (a button on the answer; ``handlers/subside.py``).
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.intake_card import sighting_done
from bot.domain.cards.progress_card import retrack_offer
from bot.domain.case.lifecycle import CaseState
from bot.domain.intake.commands import add_sighting
from bot.domain.intake.links import find_links, source_of
from bot.domain.permissions import require_desk
from handlers.case_lookup import case_id_param, case_named
from handlers.registry import Context, router


@router.action("intake.sighting")
def add_this_sighting(event: Event, ctx: Context) -> list[Reply]:
    """Record the sighting (link, source, now) on the case and show it on the card."""
    require_desk(ctx.org, ctx.person_id)
    case_id = case_id_param(event)
    link = str(event.params.get("link") or "") or None
    source = str(event.params.get("source") or "other")
    outcome = add_sighting(ctx.store, ctx.rules, case_id, ctx.actor(event), ctx.now, link=link, source=source)
    return [Reply(sighting_done(outcome.case, ctx.now, ctx.person.name), update=True, case_id=case_id)]


@router.command("补充")
def add_sighting_by_text(event: Event, ctx: Context) -> list[Reply]:
    """``补充 YQ-2026-0001 https://…``: the link is the same story as that case."""
    require_desk(ctx.org, ctx.person_id)
    words = command_text(event).split(maxsplit=2)
    links = find_links(words[2]) if len(words) > 2 else []
    if len(words) < 3 or not links:
        return [Reply(notice("请这样补充：补充 YQ-2026-0001 链接（同一舆情在其他平台或其他转发的链接）。"))]
    case = case_named(ctx, words[1])
    for link in links:
        add_sighting(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, link=link, source=str(source_of(link)))
    text = f"已将 {len(links)} 个链接记为 {case.number} 的再次发现，以后转发这些链接会提示已立案。"
    if case.state == CaseState.SUBSIDED:  # the story is back: offer 重新跟踪 (handlers/subside.py)
        return [Reply(retrack_offer(case, text), case_id=case.id)]
    return [Reply(notice(text))]
