"""改派: after a unit returned its part, the desk gives the case to another unit, which is warned.

    desk card --click a unit / "改派 YQ-… 单位名称"--> the returned part is reassigned, the new unit's
        warning goes out (warning.after_assign), the desk card shows to whom
    the part is not returned (any more) --click--> why the card no longer applies
    not the desk --click--> refused, nothing changes
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.desk_card import reassigned_card
from bot.domain.case.lifecycle import AssignmentState
from bot.domain.errors import InvalidInput
from bot.domain.intake.reading import match_units
from bot.domain.permissions import Action, authorise
from bot.domain.unit import commands as unit_commands
from handlers import warning
from handlers.case_lookup import case_view
from handlers.registry import Context, router


def _unit_by_name(ctx: Context, name: str) -> str:
    """The one unit ``name`` stands for (matched loosely); raises InvalidInput naming the candidates."""
    matches = match_units(ctx.org, name.replace(" ", ""))
    match = matches[0] if len(matches) == 1 else None
    if match is not None and match.unit is not None:
        return match.unit.id
    hint = f"，您是指：{'、'.join(u.name for u in match.candidates)}？" if match and match.candidates else ""
    raise InvalidInput("unit.ambiguous", f"找不到唯一的单位“{name}”{hint}请写单位全称。")


@router.action("case.reassign")
def reassign_clicked(event: Event, ctx: Context) -> list[Reply]:
    """A unit's button on the desk's 退回待改派 card."""
    view = case_view(ctx, str(event.params.get("case", "")))
    return _reassign(event, ctx, view, view.assignment(event.params.get("a")), str(event.params.get("u", "")))


@router.command("改派")
def reassign_typed(event: Event, ctx: Context) -> list[Reply]:
    """``改派 YQ-… 单位名称``."""
    parts = command_text(event).split(maxsplit=2)
    if len(parts) < 3:
        raise InvalidInput("reassign.usage", "请这样发送：改派 YQ-2026-0001 单位名称")
    view = case_view(ctx, parts[1])
    authorise(ctx.org, ctx.person.id, Action.REASSIGN, view.case.county, [x.unit_id for x in view.assignments])
    returned = [a for a in view.assignments if a.state == AssignmentState.RETURNED]
    if not returned:
        raise InvalidInput("reassign.nothing", f"{view.case.number} 没有被退回待改派的任务。")
    return _reassign(event, ctx, view, returned[-1], _unit_by_name(ctx, parts[2]))


def _reassign(event: Event, ctx: Context, view, a, unit_id: str) -> list[Reply]:
    authorise(ctx.org, ctx.person.id, Action.REASSIGN, view.case.county, [x.unit_id for x in view.assignments])
    if a is None:
        raise InvalidInput("assignment.not_found", "找不到该单位的任务。")
    if a.state == AssignmentState.REASSIGNED:
        return [Reply(notice(f"{view.case.number} 的这项任务已改派，此卡片已失效。"))]
    outcome = unit_commands.reassign(ctx.store, ctx.rules, view.case.id, a.id, ctx.actor(event), ctx.now, unit_id)
    text = f"{view.case.number} 已由{ctx.person.name}改派给{unit_name(ctx.org, unit_id)}。"
    replies = []
    if event.kind == "click":
        replies.append(Reply(reassigned_card(view.case, text), update=True, case_id=view.case.id))
    else:
        replies.append(Reply(notice(text)))
    return replies + warning.after_assign(outcome, ctx)
