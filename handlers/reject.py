"""非本单位职责: a unit returns its part of a case with a reason; the desk gets a card to reassign.

    (none) --click 非本单位职责 / "退回 YQ-…"--> REASON: "请说明理由" (continued 1:1; the prompt says where)
    REASON --text--> END: assignment returned, every copy of the unit's card shows it,
        the desk gets a card with buttons of other units (改派) — other units are not affected
    any --取消--> END, nothing changes
    refused at the start (not the unit's liaison/head; already acknowledged; returned; case closed)
    "退回 YQ-…" from a leader with an approval pending on the case --> END: the 退回修改 form (handlers/approval_typed.py)
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.card import Reply, Target
from bot.core.conversation import END, Conversation, Step, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_card, unit_name
from bot.domain.cards.desk_card import returned_card
from bot.domain.case.lifecycle import AssignmentState, check_case_allows
from bot.domain.errors import DomainError
from bot.domain.intake.reading import likely_units
from bot.domain.unit import commands as unit_commands
from handlers.acknowledge import case_number_in, my_assignment, why_not
from handlers.approval_typed import return_form
from handlers.card_copies import refresh
from handlers.case_lookup import case_view
from handlers.registry import dialog

MAX_CHOICES = 5


class S(StrEnum):
    """States of the return dialog."""

    REASON = "reason"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == "case.reject"
    return command_text(event).split()[:1] == ["退回"]


def start(event: Event, ctx, data: dict) -> Step:
    """Check the person may return this part now, then ask for the reason."""
    number = str(event.params.get("case", "")) if event.kind == "click" else case_number_in(event, "退回")
    view = case_view(ctx, number)
    if event.kind != "click" and (form := return_form(ctx, view)):  # an approver: the 退回修改 form
        return Step(END, (Reply(notice(form)),))
    a = my_assignment(ctx, view, event.params.get("a") if event.kind == "click" else None, "退回")
    if a.state != AssignmentState.WARNED:
        return Step(END, (Reply(notice(why_not(ctx, view, a))),))
    check_case_allows(view.case.state, "case.reject")
    where = ctx.extra.get("answer_where") or "直接回复即可"
    text = f"请说明 {view.case.number} 不属于{unit_name(ctx.org, a.unit_id)}职责的理由（{where}；发送“取消”放弃退回）。"
    return Step(S.REASON, (Reply(notice(text)),), {"case": view.case.number, "a": a.id})


def got_reason(event: Event, ctx, data: dict) -> Step:
    """Return the assignment with the reason; update its cards and ask the desk to reassign."""
    view = case_view(ctx, data["case"])
    a = view.assignment(data["a"])
    reason = command_text(event)
    try:
        unit_commands.reject(ctx.store, ctx.rules, view.case.id, a.id, ctx.actor(event), ctx.now, reason)
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    after = case_view(ctx, data["case"])
    card = unit_card(ctx.org, after, after.assignment(a.id), ctx.now)
    follow = f"{view.case.number} 已由{ctx.person.name}退回：{reason}"
    replies = [Reply(notice(f"已退回 {view.case.number}，已通知舆情工作台改派。"))]
    replies += refresh(ctx, ctx.org, ctx.card_copies.of_case(view.case.id, assignment_id=a.id), card, follow,
                       view.case.id)
    replies += desk_replies(ctx, after, a.id, reason)
    return Step(END, tuple(replies))


def choices(org, view, returned_unit: str, reason: str = "") -> list[str]:
    """Units the desk may give the case to instead, likely ones first (their names share words with the
    case's title and the reason): active sections and affiliates not already on it."""
    taken = {a.unit_id for a in view.assignments if a.state != AssignmentState.REASSIGNED} | {returned_unit}
    likely = [u.id for u in likely_units(org, f"{view.case.title} {reason}", limit=len(org.units))]
    others = [u.id for u in org.units.values() if u.active and not u.desk and u.kind != "county"]
    return [u for u in dict.fromkeys(likely + others) if u not in taken][:MAX_CHOICES]


def desk_replies(ctx, view, assignment_id: int, reason: str) -> list[Reply]:
    """The desk's card: who returned what and why, with a button per likely unit (and how to type it)."""
    a = view.assignment(assignment_id)
    case = view.case
    desk = ctx.org.units.get(case.owner_unit)
    if desk is None:
        return []
    units = [(u, unit_name(ctx.org, u)) for u in choices(ctx.org, view, a.unit_id, reason)]
    card = returned_card(case, a, unit_name(ctx.org, a.unit_id), reason, units)
    return [Reply(card, to=Target("person", pid), case_id=case.id) for pid in dict.fromkeys((*desk.liaisons, desk.head))]


RETURN = dialog(Conversation(
    name="return_case",
    expiry_notice=lambda data: f"{data['case']} 的退回尚未提交（未填写理由），请重新发送“退回 {data['case']}”。",
    entry_points=[(_is_start, start)],
    states={S.REASON: [(lambda e: is_text(e) and not _is_start(e), got_reason)]},
))
