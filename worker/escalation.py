"""Who hears about a duty's step, and what they read: a reminder goes to the duty's owner unit (its
liaisons 1:1, and a group notice where the unit has a group chat; the main leaders for the main
leader's own acknowledgement); an escalation step goes to the roles of the frozen ladder, resolved
to people relative to the case: ``unit_head`` and ``leader_in_charge`` of the duty's unit (the
case's desk for case-level duties), ``desk`` = the people of the desk that runs the case (the city
desk, or the county bureau for a county's case), ``main_leader`` = everyone with that role.

Cards (kinds ``reminder`` and ``escalation``) name the case, the duty and its deadline, so a
duplicate after a crash is recognisable as one; they say first what is asked of the reader and by
when. Their heading (``title``: 催办 / 督办) carries the 【演练】 mark of a drill like every case
card's, put there by the rendering rule (``bot.core.presentation``) as the rows are added
(``worker.presenting``), not here."""

from __future__ import annotations

import logging

from bot.core.card import Card
from bot.core.org import Organisation
from bot.domain.cards.duties_card import MAIN_LEADER
from bot.domain.cards.shapes import EscalationData, ReminderData
from bot.domain.clock.duties import Alarm
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.records import Duty
from bot.domain.words import deadline, time_left
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


# What a person sends to end a duty (handlers/acknowledge.py, leaders.py, report.py); the other duties are
# done at the desk (held meetings, a release), so their reminder asks for them without a command.
COMMANDS = {DutyKind.ACKNOWLEDGE: "签收 {number}", DutyKind.MAIN_LEADER_ACKNOWLEDGE: "领导签收 {number}",
            DutyKind.INITIAL_REPORT: "报告 {number} 初报", DutyKind.FOLLOW_UP: "报告 {number} 续报",
            DutyKind.FEEDBACK: "报告 {number} 专项报告"}


def role_labels(org: Organisation, roles: tuple[str, ...], unit_id: str | None, desk_id: str) -> str:
    """The roles of a step in words, as :func:`resolve_roles` reads them: the unit's head by the unit's name,
    the desk by the name of the desk that runs the case (a county bureau for a county's case)."""
    unit = org.units.get(unit_id or desk_id)
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


def step_card(kind: str, case: dict, duty: Duty, alarm: Alarm, org: Organisation) -> Card:
    """The reminder or escalation card of one step; ``case`` has number, title and the desk that runs it
    (``owner_unit``). The first lines say what is asked and by when (review ux-2026-12-07, finding 13):
    a reminder at or after the deadline asks 请立即办理, and names the command that ends the duty; an
    escalation asks its reader 请您督办."""
    unit = org.units.get(duty.owner_unit) if duty.owner_unit else None
    label = DUTY_LABELS[DutyKind(duty.kind)]
    due = deadline(duty.due_at, alarm.at)
    left, beside, up = _state(duty, alarm, due)
    facts = dict(title=HEADINGS[kind], case=case["number"], case_title=case["title"], duty=label,
                 grade=Grade(duty.grade).label, due=due, unit=unit.name if unit else MAIN_LEADER, left=left)
    if kind == "escalation":
        owner = f"{unit.name}的" if unit else ""
        roles = role_labels(org, alarm.notify, duty.owner_unit, case.get("owner_unit") or "")
        return EscalationData(**facts, ask=f"{owner}{label}{left}{beside}，尚未办结，请您督办", roles=roles).card()
    ask = f"{left}{beside}，请立即办理" if up else f"请于{due} 前办理（{left}）"
    command = COMMANDS.get(DutyKind(duty.kind), "").format(number=case["number"])
    return ReminderData(**facts, ask=ask, command=command).card()


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
