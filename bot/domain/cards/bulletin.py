"""舆情通报 (kind ``bulletin``): a case of 敏感 and above told to a leader, naming its live units and the case's
own open duties with their deadlines; the main leader's carries 签收 while his acknowledgement is open."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from bot.core.card import Button, Card
from bot.domain.cards.case_card import case_body, case_facts, deadline_facts
from bot.domain.cards.shapes import BulletinData
from bot.domain.records import Case, Duty
from bot.domain.words import grade_color


def bulletin_card(case: Case, units: str, duties: list[Duty], now: datetime, ack_duty: Duty | None = None,
                  supervise: Iterable[Button] = ()) -> Card:
    """The bulletin of ``case`` (``units``: its live units in words); with 签收 when ``ack_duty`` is given, then
    ``supervise``: the 督办 buttons, one per live unit (``bot.domain.cards.follow_through.supervise_buttons``)."""
    buttons: tuple[Button, ...] = ()
    if ack_duty is not None:
        buttons = (Button("签收", "leader.ack", {"case": case.number, "d": str(ack_duty.id)}, "primary"),)
    hint = f"签收：发送“领导签收 {case.number}”。" if buttons else ""
    supervise = tuple(supervise)
    if supervise:
        buttons += supervise
        hint += f"督办：发送“督办 {case.number} 单位 内容”。"
    return BulletinData(title=f"舆情通报 {case.number}", color=grade_color(case.grade),
                        facts=[*case_facts(case, units), *deadline_facts(duties, now)], body=case_body(case),
                        link=case.link or None, status="", case_id=case.id,
                        hint=hint).card(buttons)


def acknowledged_bulletin(case: Case, status: str, units: str = "", supervise: Iterable[Button] = ()) -> Card:
    """The main leader's bulletin once he acknowledged it (no 签收 left; ``supervise``: its 督办 buttons)."""
    return BulletinData(title=f"舆情通报 {case.number}", color=grade_color(case.grade), facts=case_facts(case, units),
                        body=case_body(case), link=case.link or None, status=status,
                        case_id=case.id).card(b for b in supervise if b.action == "supervision.start")
