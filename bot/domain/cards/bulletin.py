"""舆情通报 (kind ``bulletin``): a case of 敏感 and above told to a leader, naming its live units and the case's
own open duties with their deadlines; the main leader's carries 签收 while his acknowledgement is open."""

from __future__ import annotations

from datetime import datetime

from bot.core.card import Button, Card
from bot.domain.cards.case_card import case_body, case_facts, deadline_facts
from bot.domain.cards.shapes import BulletinData
from bot.domain.records import Case, Duty
from bot.domain.words import grade_color


def bulletin_card(case: Case, units: str, duties: list[Duty], now: datetime, ack_duty: Duty | None = None) -> Card:
    """The bulletin of ``case`` (``units``: its live units in words); with 签收 when ``ack_duty`` is given."""
    buttons = ()
    if ack_duty is not None:
        buttons = (Button("签收", "leader.ack", {"case": case.number, "d": str(ack_duty.id)}, "primary"),)
    return BulletinData(title=f"舆情通报 {case.number}", color=grade_color(case.grade),
                        facts=[*case_facts(case, units), *deadline_facts(duties, now)], body=case_body(case),
                        link=case.link or None, status="", case_id=case.id,
                        hint=f"签收：发送“领导签收 {case.number}”。" if buttons else "").card(buttons)


def acknowledged_bulletin(case: Case, status: str, units: str = "") -> Card:
    """The main leader's bulletin once he acknowledged it (no buttons left)."""
    return BulletinData(title=f"舆情通报 {case.number}", color=grade_color(case.grade), facts=case_facts(case, units),
                        body=case_body(case), link=case.link or None, status=status, case_id=case.id).card()
