"""签收 (Art. 13): a liaison (or the head) of the unit acknowledges the warning for the unit.

    warned --签收 button / "签收 YQ-…"--> acknowledged: every copy of the card shows who and when (the
        actor's own copies that cannot change get no second notice), the unit head is told at once, the
        person who acted gets the next step (报告)
    acknowledged --签收 again (anyone of the unit)--> "已由 X 于 HH:MM 签收"
    returned / reassigned / case closed --签收--> why the card no longer applies
    not the unit's liaison or head --签收--> refused, nothing changes
"""

from __future__ import annotations

from bot.core.card import Reply, Target
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import person_name, signed, unit_card, unit_name
from bot.domain.case.lifecycle import AssignmentState
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.permissions import Role, case_roles
from bot.domain.unit import commands as unit_commands
from bot.domain.words import when
from handlers.card_copies import refresh
from handlers.case_lookup import CaseView, case_view
from handlers.leader_told import main_leader_told
from handlers.registry import Context, router

UNIT_ROLES = {Role.LIAISON, Role.UNIT_HEAD}


def case_number_in(event: Event, word: str) -> str:
    """The case number typed after ``word`` (``签收 YQ-2026-0001``); raises InvalidInput when missing."""
    parts = command_text(event).split()
    if len(parts) < 2:
        raise InvalidInput("case.number_missing", f"请在“{word}”后写上案件编号，例如：{word} YQ-2026-0001")
    return parts[1]


def my_assignment(ctx: Context, view: CaseView, assignment_id: str | None, what: str):
    """The assignment a person acts on: the clicked one, else the live one of their own unit.

    Raises NotPermitted when the person is neither liaison nor head of that unit.
    """
    pid = ctx.person.id
    units = [a.unit_id for a in view.assignments]
    if assignment_id is not None:
        chosen = view.assignment(assignment_id)
    else:
        mine = [a for a in reversed(view.assignments)
                if case_roles(ctx.org, pid, view.case.county, units, a.unit_id) & UNIT_ROLES]
        chosen = next((a for a in mine if a.state == AssignmentState.WARNED), mine[0] if mine else None)
    if chosen is None or not case_roles(ctx.org, pid, view.case.county, units, chosen.unit_id) & UNIT_ROLES:
        raise NotPermitted("permission.denied",
                           f"只有承办单位的联络员或负责人可以{what}，您不是{view.case.number}承办单位的联络员或负责人。")
    return chosen


def clicked_assignment(view: CaseView, params: dict) -> str | None:
    """The assignment a button names: its ``a``, or the assignment of the duty ``d`` (a reminder's or
    我的待办's button, ``bot.domain.clock.acts``); None when it names neither."""
    if params.get("a") is not None:
        return params.get("a")
    duty = next((d for d in view.duties if str(d.id) == str(params.get("d"))), None)
    return str(duty.assignment_id) if duty is not None and duty.assignment_id is not None else None


def why_not(ctx: Context, view: CaseView, a) -> str:
    """Why a card of ``a`` no longer takes a 签收 or 退回."""
    if a.state in (AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED):
        who = signed(person_name(ctx.org, a.acknowledged_by), a.acknowledged_at, ctx.now)
        return f"{view.case.number} {who}，无需重复操作。"
    if a.state == AssignmentState.RETURNED:
        return f"{unit_name(ctx.org, a.unit_id)}已退回 {view.case.number}（{a.reason}），此卡片已失效。"
    return f"{view.case.number} 已改派其他单位办理，此卡片已失效。"


@router.action("case.ack")
def acknowledge_warning(event: Event, ctx: Context) -> list[Reply]:
    """The 签收 button on a warning card."""
    view = case_view(ctx, str(event.params.get("case", "")))
    return _acknowledge(event, ctx, view, my_assignment(ctx, view, clicked_assignment(view, event.params), "签收"))


@router.command("签收")
def acknowledge_typed(event: Event, ctx: Context) -> list[Reply]:
    """``签收 YQ-…`` typed 1:1 or as an @-mention in the unit's group."""
    view = case_view(ctx, case_number_in(event, "签收"))
    return _acknowledge(event, ctx, view, my_assignment(ctx, view, None, "签收"))


def _acknowledge(event: Event, ctx: Context, view: CaseView, a) -> list[Reply]:
    if a.state != AssignmentState.WARNED:
        return [Reply(notice(why_not(ctx, view, a)))]
    outcome = unit_commands.acknowledge(ctx.store, ctx.rules, view.case.id, a.id, ctx.actor(event), ctx.now)
    after = case_view(ctx, view.case.number)
    done = after.assignment(a.id)
    card = unit_card(ctx.org, after, done, ctx.now, leader_told=main_leader_told(ctx, view.case.id, view.case.county))
    status = f"{view.case.number} {signed(ctx.person.name, ctx.now, ctx.now)}。"
    replies = []
    if event.kind == "click":
        replies.append(Reply(card, update=True, case_id=view.case.id))
    else:
        late = "（已超过签收时限）" if outcome.entry.payload.get("late") else ""
        replies.append(Reply(notice(f"已签收 {view.case.number}{late}。报送情况请发送“报告 {view.case.number}”。"),
                             case_id=view.case.id))
    copies = ctx.card_copies.of_case(view.case.id, assignment_id=a.id)
    # the person who signed was answered already: one message, not two that say the same (ux-2026-12-07, 17)
    replies += refresh(ctx, ctx.org, copies, card, status, view.case.id,
                       skip_card=event.card_id if event.kind == "click" else "", skip_person=ctx.person.id)
    head = ctx.org.units[a.unit_id].head if a.unit_id in ctx.org.units else ""
    if head and head != ctx.person.id:
        text = (f"【签收通知】{unit_name(ctx.org, a.unit_id)}联络员{ctx.person.name}已于{when(ctx.now, ctx.now)}签收"
                f" {view.case.number}（{view.case.grade.label}）" + ("" if view.case.confidential else f"：{view.case.title}"))
        replies.append(Reply(notice(text), to=Target("person", head), case_id=view.case.id))
    return replies
