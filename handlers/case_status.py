"""案件 YQ-…: a case's status card — state, grade, source, link, units and their progress, open duties
with time left, the 回应 section (scripts, plans, publications: handlers/response_view.py). Anyone holding a
role on the case may look (``case.view``); others are refused politely. A leader or the desk gets a 督办 button
per live unit (handlers/supervision.py) while the case is not archived.

A confidential case (issue 21, ``bot.domain.secrecy.sight``): someone outside the table is refused and the
refusal goes on the timeline; an admin reads its number, grade and state only; a named person reads it in full
(asked in a group, the group sees the notice and the asker gets the card 1:1: ``worker/presenting.py``).
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import LIVE, unit_name
from bot.domain.cards.follow_through import supervise_buttons
from bot.domain.cards.intake_card import status_card
from bot.domain.case.lifecycle import CASE_LABELS, CaseState
from bot.domain.errors import NotFound
from bot.domain.permissions import Action, allowed, authorise, case_roles
from bot.domain.records import Case
from bot.domain.secrecy import Sight
from handlers.case_lookup import case_sight, case_view, refuse_view
from handlers.registry import Context, router
from handlers.response_view import case_response

USAGE = "请这样查询：案件 YQ-2026-0001"


@router.command("案件", "查询")
def show_case(event: Event, ctx: Context) -> list[Reply]:
    """Show the status card of the case named by number."""
    words = command_text(event).split()
    if len(words) < 2:
        return [Reply(notice(USAGE))]
    try:
        view = case_view(ctx, words[1])
    except NotFound:
        return [Reply(notice(f"没有找到案件 {words[1]}，请核对编号（如 YQ-2026-0001）。"))]
    case = view.case
    seen = case_sight(ctx, view)
    if case.confidential and seen == Sight.NONE:
        refuse_view(ctx, event, view)
    owner = ctx.org.units.get(case.owner_unit)
    county = case.owner_unit if owner and owner.kind == "county" else None
    units = [a.unit_id for a in view.assignments]
    authorise(ctx.org, ctx.person.id, Action.VIEW, county, units)
    if seen == Sight.SUMMARY:
        return [Reply(notice(summary(case)), case_id=case.id)]
    supervise = ()
    if case.state != CaseState.ARCHIVED and allowed(Action.SUPERVISE, case_roles(ctx.org, ctx.person.id, county, units)):
        supervise = supervise_buttons(case, [(a.unit_id, unit_name(ctx.org, a.unit_id))
                                             for a in view.assignments if a.state in LIVE])
    response = case_response(ctx, case.id)
    return [Reply(status_card(case, view.assignments, view.duties, ctx.org, ctx.now, supervise, response),
                  case_id=case.id)]


def summary(case: Case) -> str:
    """What an admin reads of a confidential case: its number, grade and state."""
    return (f"{case.number}（涉密案件）\n等级：{case.grade.label}\n状态：{CASE_LABELS[case.state]}\n"
            "涉密案件的详情只向知悉范围内的人员显示。")
