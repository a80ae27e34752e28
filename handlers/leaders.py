"""After a grade is set or changed: every card of the case shows it, and leaders are told by grade.

    grade set/changed --> each unit's cards: the new grade, duties and deadlines (in place, or a follow-up)
    敏感 and above (set or raised) --> a bulletin (信息通报) 1:1 to the main leader, the publicity leader
        and the leaders in charge of the case's units
    a unit added (assigned, or reassigned after a return) to a case of 敏感 and above --> a leader who has no
        bulletin of the case yet (the new unit's leader in charge) gets it; a leader who has one sees the units
        known now: his bulletin updated in place where the platform can, else a one-line follow-up
        (“YQ-… 承办单位更新为：…”), so no bulletin stays at “待分派”
    特别重大 --> the main leader's bulletin carries 签收 (the main leader's acknowledgement duty)
    a county case --> its leaders are the county's own (org file ``leaders:``, each defaulting to the county's
        head: its main leader signs) and the leaders in charge of its units; the city's main and publicity
        leaders get no bulletin
    main leader --click 签收--> duty done, the card shows who and when; again --> "已由 X 于 HH:MM 签收";
        each live unit's card then says 主要领导已签收 <时间> (in place, or a one-line follow-up); before that a
        unit card re-drawn after the main leader's bulletin was sent says 已通知主要领导 (never sooner)
    anyone else (a leader whose main-leader role was taken away, …) --签收--> refused first, nothing changes
"""

from __future__ import annotations

from bot.core.card import Reply, Target
from bot.core.event import Event
from bot.domain.cards import notice
from bot.domain.cards.bulletin import acknowledged_bulletin, bulletin_card
from bot.domain.cards.case_card import LIVE, person_name, signed, unit_card, unit_name
from bot.domain.cards.follow_through import supervise_buttons
from bot.domain.case import commands as case_commands
from bot.domain.context import Outcome
from bot.domain.drill.people import case_people
from bot.domain.errors import NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Role, case_roles
from bot.domain.records import DutyState
from bot.domain.response.approvers import case_leaders, is_main_leader
from handlers.acknowledge import case_number_in
from handlers.card_copies import refresh
from handlers.case_lookup import case_view, case_view_of
from handlers.county_report_up import report_up_replies
from handlers.leader_told import bulletin_copies, main_leader_told
from handlers.registry import Context, router


def after_grade(outcome: Outcome, ctx: Context) -> list[Reply]:
    """What others are told after a case's grade was set (``case.open``) or changed (``case.grade``): every
    live unit's cards show it, and the leaders' bulletins go out when the grade calls for them."""
    view = case_view_of(ctx, outcome.case.id)
    case = view.case
    payload = outcome.entry.payload
    replies: list[Reply] = []
    follow = f"{case.number} 等级调整为{case.grade.label}" + (f"：{payload['reason']}" if payload.get("reason") else "")
    for a in view.assignments:
        if a.state in LIVE:
            replies += refresh(ctx, ctx.org, ctx.card_copies.of_case(case.id, assignment_id=a.id),
                               unit_card(ctx.org, view, a, ctx.now, leader_told=main_leader_told(ctx, case.id, case.county)),
                               follow, case.id)
    if bulletin_due(outcome.entry.action, case.grade, payload):
        replies += bulletins(ctx, view)
    return replies + report_up_replies(outcome, ctx)  # a county's 重大 and above: the city desk told (issue 22)


UNITS_FOLLOW_UP = "承办单位更新为："


def assign_replies(outcome: Outcome, ctx: Context) -> list[Reply]:
    """After ``case.assign`` or ``case.reassign``, when the grade calls for bulletins: the bulletin to each
    leader who has none of the case yet; for one who has, his bulletin brought to the units known now (in
    place, or a one-line follow-up)."""
    view = case_view_of(ctx, outcome.case.id)
    if not bulletin_due(outcome.entry.action, view.case.grade, outcome.entry.payload):
        return []
    sent = bulletin_copies(ctx, view.case.id)
    replies = []
    for reply in bulletins(ctx, view):
        copies = sent.get(reply.to.id)
        if not copies:
            replies.append(reply)
            continue
        acking = any(b.action == "leader.ack" for b in reply.card.buttons)
        card = reply.card if acking else _settled_if_acknowledged(ctx, view, reply.card)
        follow = f"{view.case.number} {UNITS_FOLLOW_UP}{_units(ctx, view)}"
        replies += refresh(ctx, ctx.org, copies, card, follow, view.case.id)
    return replies


def _settled_if_acknowledged(ctx: Context, view, card):
    """The main leader's bulletin once he signed keeps saying so when it is brought up to date."""
    done = next((d for d in view.duties if d.kind == DutyKind.MAIN_LEADER_ACKNOWLEDGE and d.state == DutyState.DONE),
                None)
    if done is None:
        return card
    status = signed(person_name(ctx.org, done.ended_by), done.ended_at, ctx.now)
    return acknowledged_bulletin(view.case, status, _units(ctx, view), card.buttons)  # keeps its 督办 buttons


def _supervise(ctx: Context, view) -> tuple:
    """The bulletin's 督办 buttons: one per live unit of the case."""
    return supervise_buttons(view.case, [(a.unit_id, unit_name(ctx.org, a.unit_id))
                                         for a in view.assignments if a.state in LIVE])


def _units(ctx: Context, view) -> str:
    """The case's live units in words (``待分派`` before the first)."""
    return "、".join(unit_name(ctx.org, a.unit_id) for a in view.assignments if a.state in LIVE) or "待分派"


def bulletin_due(action: str, grade: Grade, payload: dict) -> bool:
    """Whether the leaders are told after ``action``: the grade is 敏感 or above and it was just set (case.open),
    raised (case.grade), or a unit was added (case.assign, case.reassign). So whatever the order of grading and
    assigning, every leader the grade calls for hears, with the units known at that moment."""
    if grade < Grade.SENSITIVE:
        return False
    if action in ("case.open", "case.assign", "case.reassign"):
        return True
    return action == "case.grade" and int(payload.get("to", 0)) > int(payload.get("from", 0))


def _about_units(reply: Reply) -> bool:
    """Whether ``reply`` tells a leader the case's units: a bulletin (new or an update), or its follow-up."""
    return reply.card.kind == "bulletin" or (reply.card.kind == "notice"
                                             and UNITS_FOLLOW_UP in str(reply.card.data.get("text", "")))


def latest_bulletins(replies: list[Reply]) -> list[Reply]:
    """``replies`` keeping only the last bulletin (or units follow-up) to each person or card about each case:
    several units assigned by one message tell each leader once, with all of them."""
    last = {(r.to, r.case_id): i for i, r in enumerate(replies) if _about_units(r)}
    return [r for i, r in enumerate(replies) if not _about_units(r) or last[(r.to, r.case_id)] == i]


def leaders(ctx: Context, view) -> list[str]:
    """Main leader(s), publicity leader(s), and the leaders in charge of the case's units, once each; on a county
    case (``case.county``) the county's main and publicity leaders instead of the city's. On a drill started
    from a scenario (issue 23) ONLY those of them its scenario names (``drill.scenario``'s people): a named person
    who holds none of these roles on the case gets nothing either, and nobody else does."""
    live = [a.unit_id for a in view.assignments if a.state in LIVE]
    return case_leaders(ctx.org, county=view.case.county, units=live, people=drill_people_of(ctx, view.case))


def drill_people_of(ctx: Context, case) -> tuple[str, ...] | None:
    """The people a drill's scenario names (None for a real case, or a drill with no scenario entry)."""
    if not case.drill:
        return None
    return ctx.store.run(lambda repo: case_people(repo, case))


def bulletins(ctx: Context, view) -> list[Reply]:
    """The bulletin to each leader, naming the case's live units; the main leader's carries 签收 while his
    acknowledgement is open; every one carries 督办 per live unit (handlers/supervision.py)."""
    case = view.case
    units = _units(ctx, view)
    supervise = _supervise(ctx, view)
    duty = next((d for d in view.duties if d.kind == DutyKind.MAIN_LEADER_ACKNOWLEDGE and d.open), None)
    replies = []
    for pid in leaders(ctx, view):
        ack = duty if duty is not None and is_main_leader(ctx.org, pid, county=case.county) else None
        card = bulletin_card(case, units, view.duties, ctx.now, ack, supervise)
        replies.append(Reply(card, to=Target("person", pid), case_id=case.id))
    return replies


@router.action("leader.ack")
def acknowledge_as_main_leader(event: Event, ctx: Context) -> list[Reply]:
    """The main leader's 签收 on a 特别重大 bulletin (refused for anyone else by the domain)."""
    view = case_view(ctx, str(event.params.get("case", "")))
    duty = next((d for d in view.duties if str(d.id) == str(event.params.get("d"))), None)
    return _leader_ack(event, ctx, view, duty)


@router.command("领导签收")
def acknowledge_as_main_leader_typed(event: Event, ctx: Context) -> list[Reply]:
    """``领导签收 YQ-…`` typed (for readers without cards)."""
    view = case_view(ctx, case_number_in(event, "领导签收"))
    kinds = [d for d in view.duties if d.kind == DutyKind.MAIN_LEADER_ACKNOWLEDGE]
    return _leader_ack(event, ctx, view, next((d for d in kinds if d.open), kinds[-1] if kinds else None))


def _leader_ack(event: Event, ctx: Context, view, duty) -> list[Reply]:
    units = [a.unit_id for a in view.assignments]
    county = view.case.county
    if county and not is_main_leader(ctx.org, ctx.person.id, county=county):
        raise NotPermitted("permission.denied", f"只有{unit_name(ctx.org, county)}的主要领导可以签收 "
                                                f"{view.case.number} 的舆情通报，您不是。")
    if Role.MAIN_LEADER not in case_roles(ctx.org, ctx.person.id, county, units):
        raise NotPermitted("permission.denied", f"只有主要领导可以签收 {view.case.number} 的舆情通报，您不是主要领导。")
    if duty is None or duty.kind != DutyKind.MAIN_LEADER_ACKNOWLEDGE:
        return [Reply(notice("这个按钮已失效，请发送“帮助”查看可用操作。"))]
    if duty.state == DutyState.DONE:
        who = signed(person_name(ctx.org, duty.ended_by), duty.ended_at, ctx.now)
        return [Reply(notice(f"{view.case.number} {who}。"))]
    if not duty.open:
        return [Reply(notice(f"{view.case.number} 的主要领导签收事项已结束（{duty.reason or '已关闭'}），此卡片已失效。"))]
    case_commands.end_duty_by_hand(ctx.store, ctx.rules, view.case.id, duty.id, ctx.actor(event), ctx.now, done=True,
                                   note="主要领导签收")
    told = units_told(ctx, view.case.id)
    if event.kind != "click":
        return [Reply(notice(f"已签收 {view.case.number}。")), *told]
    status = signed(ctx.person.name, ctx.now, ctx.now)
    card = acknowledged_bulletin(view.case, status, _units(ctx, view), _supervise(ctx, view))  # 签收 gone, 督办 kept
    return [Reply(card, update=True, case_id=view.case.id), *told]


def units_told(ctx: Context, case_id: int) -> list[Reply]:
    """Each live unit's card brought to where the main leader stands — 主要领导已签收 <时间> once he signed, else
    已通知主要领导 (called once his bulletin is sent: ``worker/leader_told.py``) — in place, or a one-line follow-up."""
    view = case_view_of(ctx, case_id)
    signed_ = any(d.kind == DutyKind.MAIN_LEADER_ACKNOWLEDGE and d.state == DutyState.DONE for d in view.duties)
    follow = f"{view.case.number} " + ("主要领导已签收" if signed_ else "已通知主要领导")
    replies: list[Reply] = []
    for a in view.assignments:
        if a.state in LIVE:
            replies += refresh(ctx, ctx.org, ctx.card_copies.of_case(case_id, assignment_id=a.id),
                               unit_card(ctx.org, view, a, ctx.now, leader_told=True), follow, case_id)
    return replies
