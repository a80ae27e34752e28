"""案件 YQ-…: a case's status card — state, grade, source, link, units and their progress, open duties
with time left. Anyone holding a role on the case may look (``case.view``); others are refused politely.
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.intake_cards import status_card
from bot.domain.permissions import Action, authorise
from bot.store.case_views import case_detail
from handlers._acting import notice, session
from handlers.registry import Context, router

USAGE = "请这样查询：案件 YQ-2026-0001"


@router.command("案件", "查询")
def show_case(event: Event, ctx: Context) -> list[Reply]:
    """Show the status card of the case named by number."""
    words = command_text(event).split()
    if len(words) < 2:
        return [notice(USAGE)]
    detail = case_detail(session(ctx), words[1].upper())
    if detail is None:
        return [notice(f"没有找到案件 {words[1]}，请核对编号（如 YQ-2026-0001）。")]
    county = detail["owner_unit"] if ctx.org.units.get(detail["owner_unit"]) and \
        ctx.org.units[detail["owner_unit"]].kind == "county" else None
    authorise(ctx.org, ctx.person.id, Action.VIEW, county, [a["unit"] for a in detail["assignments"]])
    return [Reply(status_card(detail, ctx.org, ctx.now), case_id=detail["id"])]
