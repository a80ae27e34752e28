"""Who hears about a duty's step, and what they read: a reminder goes to the duty's owner — a unit's
liaisons 1:1 (its head when it has none) and a group notice where the unit has a group chat, a person's own
duty to that person, the main leaders' own (their 签收) to each main leader; an escalation step goes to the
roles of the frozen ladder, resolved to people relative to the case: ``unit_head`` and ``leader_in_charge``
of the duty's unit (the case's desk for case-level duties; nobody for a person's own duty, whose ladder
names none — ``bot.domain.clock.policy_file``), ``desk`` = the people of the desk that runs the case (the
city desk, or the county bureau for a county's case), ``main_leader`` = everyone with that role (a county's
case: the county's main leader, issue 22; a drill: only those its scenario names, issue 23).

Cards (kinds ``reminder`` and ``escalation``) name the case, the duty and its deadline, so a duplicate after
a crash is recognisable as one; they say first what is asked of the reader and by when. A card to one person
(a 1:1 reminder, an 逾期提醒) carries the button of the act that ends the duty (``bot.domain.clock.acts``:
its action, its label, params ``{"case": <number>, "d": <duty id>}``; the act's handler checks who may press
it and refuses anyone else politely); a group notice names the command to type instead, and a duty no act
ends yet names none. Headings (``title``): 催办 for a reminder, 逾期提醒 for an automatic escalation — 督办
is only what a leader or the desk does. The 【演练】 mark of a drill is put there by the rendering rule
(``bot.core.presentation``) as the rows are added (``worker.presenting``), not here."""

from __future__ import annotations

import logging

from bot.core.card import Button, Card
from bot.core.org import Organisation
from bot.domain.cards.duties_card import owner_name
from bot.domain.cards.follow_through import supervise_buttons_for
from bot.domain.cards.shapes import EscalationData, ReminderData
from bot.domain.clock.acts import act_of, command_of
from bot.domain.clock.duties import Alarm
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.records import Duty
from bot.domain.response.approvers import main_leaders
from bot.domain.words import deadline, time_left
from bot.store.outbox import Message
from worker.addressing import Unreachable, group_messages, person_message

log = logging.getLogger(__name__)
ROLE_LABELS = {"unit_head": "单位主要负责人", "leader_in_charge": "分管局领导", "main_leader": "主要领导"}
HEADINGS = {"reminder": "催办", "escalation": "逾期提醒"}


def resolve_roles(org: Organisation, roles: tuple[str, ...], unit_id: str | None, desk_id: str,
                  personal: bool = False, county: str | None = None, people: tuple | None = None) -> list[str]:
    """The people the roles name for a duty of ``unit_id`` on a case run by ``desk_id``, once each, in order;
    a ``personal`` duty (a person's own) has no unit, so unit roles name nobody; ``main_leader`` on a county's
    case (``county``) is the county's main leader (issue 22)."""
    unit = None if personal else org.units.get(unit_id or desk_id)
    desk = org.units.get(desk_id) or org.desk_unit()
    out: dict[str, None] = {}
    for role in roles:
        if role == "unit_head" and unit is not None:
            out.setdefault(unit.head, None)
        elif role == "leader_in_charge" and unit is not None and unit.leader_in_charge:
            out.setdefault(unit.leader_in_charge, None)
        elif role == "desk" and desk is not None:
            for pid in desk.people:
                out.setdefault(pid, None)
        elif role == "main_leader":
            for pid in main_leaders(org, county=county, people=people):
                out.setdefault(pid, None)
    return list(out)


def reminder_people(org: Organisation, duty: Duty, county: str | None = None,
                    people: tuple | None = None) -> list[str]:
    """Who is reminded 1:1: the owner unit's liaisons (its head when it has none); the owner person of a
    person's own duty; the main leaders for their own acknowledgement (a county's case, ``county``: the
    county's main leader)."""
    if duty.owner_person is not None:
        return [duty.owner_person]
    if duty.owner_unit is None:
        return main_leaders(org, county=county, people=people)
    unit = org.units.get(duty.owner_unit)
    if unit is None:
        return []
    return list(unit.liaisons) or [unit.head]


def role_labels(org: Organisation, roles: tuple[str, ...], unit_id: str | None, desk_id: str,
                personal: bool = False) -> str:
    """The roles of a step in words, as :func:`resolve_roles` reads them: the unit's head by the unit's name,
    the desk by the name of the desk that runs the case (a county bureau for a county's case)."""
    unit = None if personal else org.units.get(unit_id or desk_id)
    desk = org.units.get(desk_id) or org.desk_unit()
    labels = {**ROLE_LABELS, "desk": desk.name if desk else org.desk_name()}
    if unit is not None:
        labels["unit_head"] = f"{unit.name}负责人"
    return "、".join(labels.get(r, r) for r in roles)


def _state(duty: Duty, alarm: Alarm, due: str) -> tuple[str, str, bool]:
    """The time left in words (``已到时限`` at the deadline), the deadline ``due`` (in words) beside it in
    brackets, and whether it is up."""
    seconds = (duty.due_at - alarm.at).total_seconds()
    if seconds == 0:
        return "已到时限", f"（{due}）", True
    return time_left(duty.due_at, alarm.at), (f"（时限 {due}）" if seconds < 0 else f"（{due} 截止）"), seconds < 0


def act_buttons(duty: Duty, number: str) -> tuple[Button, ...]:
    """The button of the act that ends ``duty`` (none when no act ends it yet)."""
    act = act_of(duty.kind)
    if act is None or duty.id is None:
        return ()
    return (Button(act.label, act.action, {"case": number, "d": duty.id}, "primary"),)


def _own(duty: Duty) -> bool:
    """Whether unit roles name nobody for ``duty``: a person's own. (The main leaders' 签收 keeps reading them
    relative to the case's desk, as its duties frozen before issue 19 expect; its ladder now names none.)"""
    return duty.owner_person is not None


def step_card(kind: str, case: dict, duty: Duty, alarm: Alarm, org: Organisation, one_to_one: bool = True) -> Card:
    """The reminder or escalation card of one step; ``case`` has number, title and the desk that runs it
    (``owner_unit``). The first lines say what is asked and by when (review ux-2026-12-07, finding 13):
    a reminder at or after the deadline asks 请立即办理, and names the command that ends the duty; an
    escalation (逾期提醒) asks its reader 请您督办. A ``one_to_one`` card carries the act's button."""
    unit = org.units.get(duty.owner_unit) if duty.owner_unit else None
    label = DUTY_LABELS[DutyKind(duty.kind)]
    due = deadline(duty.due_at, alarm.at)
    left, beside, up = _state(duty, alarm, due)
    who = owner_name(org, duty)
    command = command_of(duty.kind, case["number"])
    facts = dict(title=HEADINGS[kind], case=case["number"], case_title=case["title"], duty=label,
                 grade=Grade(duty.grade).label, due=due, unit=who, left=left, command=command,
                 personal=duty.personal)
    buttons = act_buttons(duty, case["number"]) if one_to_one else ()
    if kind == "escalation":
        owner = f"{unit.name}的" if unit else ("" if duty.owner_person is None else f"{who}的")
        roles = role_labels(org, alarm.notify, duty.owner_unit, case.get("owner_unit") or "", _own(duty))
        if unit is not None and one_to_one and set(alarm.notify) - {"unit_head"}:  # to leaders / the desk: 督办
            buttons += supervise_buttons_for(case["number"], unit.id, "")
        return EscalationData(**facts, ask=f"{owner}{label}{left}{beside}，尚未办结，请您督办", roles=roles).card(buttons)
    ask = f"{left}{beside}，请立即办理" if up else f"请于{due} 前办理（{left}）"
    return ReminderData(**facts, ask=ask).card(buttons)


def _people(org: Organisation, people: list[str], card: Card, prefix: str, case_id: int) -> list[Message]:
    out = []
    for pid in people:
        try:
            out.append(person_message(org, pid, card, f"{prefix}:{pid}", case_id))
        except Unreachable as exc:
            log.warning("clock: %s not reachable: %s", pid, exc)
    return out


def step_messages(org: Organisation, case: dict, duty: Duty, alarm: Alarm) -> tuple[list[Message], list[str]]:
    """The outbox messages of one step and the people they reach (``g:<unit>`` for a group)."""
    prefix = f"clk:{duty.id}:{int(alarm.at.timestamp())}"
    messages: list[Message] = []
    reached: list[str] = []
    if alarm.remind:
        people = reminder_people(org, duty, case.get("county"), case.get("people"))
        card = step_card("reminder", case, duty, alarm, org)
        messages += _people(org, people, card, f"{prefix}:r", duty.case_id)
        reached += people
        if duty.owner_unit:
            group_card = step_card("reminder", case, duty, alarm, org, one_to_one=False)
            try:
                messages += group_messages(org, duty.owner_unit, group_card, f"{prefix}:g", duty.case_id)
                reached.append(f"g:{duty.owner_unit}")
            except Unreachable:
                pass
    if alarm.notify:
        people = resolve_roles(org, alarm.notify, duty.owner_unit, case["owner_unit"], _own(duty), case.get("county"),
                               case.get("people"))
        card = step_card("escalation", case, duty, alarm, org)
        messages += _people(org, people, card, f"{prefix}:e", duty.case_id)
        reached += [p for p in people if p not in reached]
    return messages, reached
