"""我的待办: the open duties of the person's units, the person's own and (for a main leader) the main
leaders' own (the city's cases for the bureau's, a county's for the county's main leader, issue 22), soonest due first, with their deadline and the time left in Asia/Shanghai words, buttons
for the five soonest and the commands to type for the rest (:mod:`bot.domain.cards.duties_card`).
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.domain.cards.duties_card import my_duties_card
from bot.domain.permissions import Role
from handlers.registry import Context, router


@router.command("我的待办", "待办")
def show_my_duties(event: Event, ctx: Context) -> list[Reply]:
    """List the open duties the person's units, the person, or the person as main leader answer for."""
    units = [u.id for u in ctx.org.units_of(ctx.person.id)]
    main_leader = str(Role.MAIN_LEADER) in ctx.person.roles
    counties = tuple(c.id for c in ctx.org.counties() if ctx.org.county_leaders(c.id).main == ctx.person.id)
    duties = ctx.store.run(lambda repo: repo.open_duties_of(units, main_leader=main_leader, person=ctx.person.id,
                                                            counties=counties))
    return [Reply(my_duties_card(ctx.person.name, duties, ctx.org, ctx.now))]
