"""我的待办 (kind ``my_duties``): a person's open duties, soonest first, each with its deadline and the time
left — read as an answer to a question just asked, so the countdown is right when read
(:mod:`bot.domain.words`). The unit is said once for the list when every duty is for one unit, on each
item's line only when they differ (review ux-2026-12-07, findings 18 and 19). The five soonest duties an act
ends carry its button (``bot.domain.clock.acts``: label marked ①…⑤ like its item — WeCom shows ten characters
of a button — params ``{"case": <number>, "d": <duty id>}``); every item names the command to type, which
the cards show for the items without a button and the text form for all. A confidential case is its number
and grade only (:func:`item_title`).
"""

from __future__ import annotations

from datetime import datetime

from bot.core.card import Button, Card
from bot.core.org import Organisation
from bot.core.presentation import secret_item
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.shapes import DutyItem, MyDutiesData
from bot.domain.clock.acts import act_of, command_of
from bot.domain.kinds import DUTY_LABELS
from bot.domain.records import Case, Duty
from bot.domain.words import deadline, time_left

__all__ = ["MAX_BUTTONS", "MAX_DUTIES", "duty_words", "item_title", "my_duties_card"]

MAX_DUTIES = 20
MAX_BUTTONS = 5  # buttons for the five soonest; typed commands for the rest
MARKS = "①②③④⑤"
MAIN_LEADER = "主要领导"  # the owner of the main leader's own duties, which no unit holds


def duty_words(duty: Duty, now: datetime, owner: str = "") -> str:
    """``签收预警：今天 16:00 截止，还剩6小时`` (``owner``, when given, in brackets after the duty)."""
    named = f"（{owner}）" if owner else ""
    return f"{DUTY_LABELS[duty.kind]}{named}：{deadline(duty.due_at, now)} 截止，{time_left(duty.due_at, now)}"


def my_duties_card(name: str, duties: list[tuple[Duty, Case]], org: Organisation, now: datetime) -> Card:
    """The 我的待办 card of the person called ``name`` with their open ``duties`` (soonest first), at most
    MAX_DUTIES of them listed."""
    shown = duties[:MAX_DUTIES]
    owners = [owner_name(org, duty) for duty, _ in shown]
    one = owners[0] if owners and len(set(owners)) == 1 else ""
    items: list[DutyItem] = []
    buttons: list[Button] = []
    for (duty, case), owner in zip(shown, owners):
        act = act_of(duty.kind)
        mark = ""
        if act is not None and duty.id is not None and len(buttons) < MAX_BUTTONS:
            mark = MARKS[len(buttons)]
            buttons.append(Button(f"{mark}{act.label}", act.action, {"case": case.number, "d": duty.id}, "primary"))
        items.append(DutyItem(case.number, item_title(case), duty_words(duty, now, "" if one else owner), case.drill,
                              mark, command_of(duty.kind, case.number)))
    return MyDutiesData(name=name, duties=items, more=max(0, len(duties) - MAX_DUTIES), unit=one).card(buttons)


def item_title(case: Case) -> str:
    """What an item says of its case after the number: its title, or for a confidential case only its grade
    (涉密舆情（重大）; the list may be read in a group, issue 21)."""
    return secret_item(case.grade.label.removesuffix("舆情")) if case.confidential else case.title


def owner_name(org: Organisation, duty: Duty) -> str:
    """Who ``duty`` waits for, in words: the person, the unit, or 主要领导."""
    if duty.owner_person is not None:
        person = org.people.get(duty.owner_person)
        return person.name if person else duty.owner_person
    return MAIN_LEADER if duty.owner_unit is None else unit_name(org, duty.owner_unit)
