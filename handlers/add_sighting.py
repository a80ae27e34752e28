"""添加此次发现: the same story forwarded again → the duplicate card's button records the sighting on the
open case's timeline (``intake.sighting``); the card then shows who added it.
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.domain.intake_cards import sighting_done
from bot.domain.intake_commands import add_sighting
from bot.store.case_views import case_row, case_summary
from bot.store.intake import add_sighting_row
from handlers._acting import actor, case_id_param, require_desk, session
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
