"""Who hears about a duty's step, and what they read: a reminder goes to the duty's owner unit (its
liaisons 1:1, and a group notice where the unit has a group chat; the main leaders for the main
leader's own acknowledgement); an escalation step goes to the roles of the frozen ladder, resolved
to people relative to the case: ``unit_head`` and ``leader_in_charge`` of the duty's unit (the
case's desk for case-level duties), ``desk`` = the people of the desk that runs the case (the city
desk, or the county bureau for a county's case), ``main_leader`` = everyone with that role.

Cards (kinds ``reminder`` and ``escalation``) name the case, the duty and its deadline, so a
duplicate after a crash is recognisable as one. Their heading (``title``: 催办 / 督办) carries the
【演练】 mark of a drill like every case card's, put there by the rendering rule
(``bot.core.presentation``) as the rows are added (``worker.presenting``), not here."""

from __future__ import annotations

import logging

from bot.core.card import Card
from bot.core.org import Organisation
from bot.domain.cards.shapes import EscalationData, ReminderData
from bot.domain.clock.duties import Alarm
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.records import Duty
from bot.domain.words import time_left, when
from bot.store.outbox import Message
from worker.addressing import Unreachable, group_messages, person_message

log = logging.getLogger(__name__)
ROLE_LABELS = {"unit_head": "单位主要负责人", "leader_in_charge": "分管局领导", "main_leader": "主要领导"}
HEADINGS = {"reminder": "催办", "escalation": "督办"}


def resolve_roles(org: Organisation, roles: tuple[str, ...], unit_id: str | None, desk_id: str) -> list[str]:
    """The people the roles name for a duty of ``unit_id`` on a case run by ``desk_id``, once each, in order."""
    unit = org.units.get(unit_id or desk_id)
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
            for person in org.people.values():
                if "main_leader" in person.roles and person.active:
                    out.setdefault(person.id, None)
    return list(out)


def reminder_people(org: Organisation, duty: Duty) -> list[str]:
    """Who is reminded 1:1: the owner unit's liaisons (its head when it has none); the main leaders
    for the main leader's acknowledgement."""
    if duty.owner_unit is None:
        return [p.id for p in org.people.values() if "main_leader" in p.roles and p.active]
    unit = org.units.get(duty.owner_unit)
    if unit is None:
        return []
    return list(unit.liaisons) or [unit.head]


def step_card(kind: str, case: dict, duty: Duty, alarm: Alarm, org: Organisation) -> Card:
    """The reminder or escalation card of one step; ``case`` has number and title."""
    unit = org.units.get(duty.owner_unit) if duty.owner_unit else None
    left = (duty.due_at - alarm.at).total_seconds()
    facts = dict(title=HEADINGS[kind], case=case["number"], case_title=case["title"],
                 duty=DUTY_LABELS[DutyKind(duty.kind)], grade=Grade(duty.grade).label,
                 due=when(duty.due_at, alarm.at), unit=unit.name if unit else "主要领导",
                 left="已到时限" if left == 0 else time_left(duty.due_at, alarm.at))
    if kind == "escalation":
        labels = {**ROLE_LABELS, "desk": org.desk_name()}  # the desk by the name the org file gives it
        return EscalationData(**facts, roles="、".join(labels.get(r, r) for r in alarm.notify)).card()
    return ReminderData(**facts).card()


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
        people = reminder_people(org, duty)
        card = step_card("reminder", case, duty, alarm, org)
        messages += _people(org, people, card, f"{prefix}:r", duty.case_id)
        reached += people
        if duty.owner_unit:
            try:
                messages += group_messages(org, duty.owner_unit, card, f"{prefix}:g", duty.case_id)
                reached.append(f"g:{duty.owner_unit}")
            except Unreachable:
                pass
    if alarm.notify:
        people = resolve_roles(org, alarm.notify, duty.owner_unit, case["owner_unit"])
        card = step_card("escalation", case, duty, alarm, org)
        messages += _people(org, people, card, f"{prefix}:e", duty.case_id)
        reached += [p for p in people if p not in reached]
    return messages, reached
