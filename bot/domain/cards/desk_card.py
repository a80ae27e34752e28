"""Cards to the desk about a unit's part of a case (kind ``desk_card``): a report forwarded, a return waiting
to be reassigned (a button per unit it may go to instead), and a reassignment done. Each names the case by
its title as well as its number (the desk runs many at once)."""

from __future__ import annotations

from datetime import datetime

from bot.core.attachments import lines, summary
from bot.core.card import Button, Card
from bot.domain.cards.shapes import DeskCardData, Link
from bot.domain.cards.case_card import case_facts
from bot.domain.records import Assignment, Case
from bot.domain.words import grade_color, when


def returned_card(case: Case, a: Assignment, unit: str, reason: str, choices: list[tuple[str, str]]) -> Card:
    """退回待改派: ``unit`` returned ``a`` with ``reason``; ``choices`` are (unit id, name) to reassign to. The
    typed way to a unit not among the buttons is part of the body, so every form shows it, the card too
    (review ux-2026-12-07, finding 17)."""
    buttons = tuple(Button(name, "case.reassign", {"case": case.number, "a": str(a.id), "u": uid})
                    for uid, name in choices)
    typed = f"改派其他单位：发送“改派 {case.number} 单位名称”。"
    return DeskCardData(title=f"退回待改派 {case.number}", color=grade_color(case.grade), facts=case_facts(case),
                        body=f"{case.title}\n{unit}退回：{reason}\n{typed}", link=case.link or None, status="",
                        case_id=case.id, assignment=a.id).card(buttons)


def reassigned_card(case: Case, status: str) -> Card:
    """The 退回待改派 card once the part was reassigned (no buttons left)."""
    return DeskCardData(title=f"已改派 {case.number}", color="gray", facts=[], body=case.title, status=status,
                        case_id=case.id).card()


def report_card(case: Case, unit: str, label: str, by: str, now: datetime, text: str, timing: str,
                items: list[dict]) -> Card:
    """A unit's report (``label``: its kind and version) forwarded to the desk, with 调整定级."""
    data = DeskCardData(title=f"{label} {case.number}", color="red" if "迟报" in timing else grade_color(case.grade),
                        facts=case_facts(case, unit),
                        body=f"{case.title}\n{by}于{when(now, now)}提交{timing}：\n{text}" + _opened(items),
                        status="", case_id=case.id, links=_links(items))
    return data.card((Button("调整定级", "case.grade", {"case": case.number}),))


def _opened(items: list[dict]) -> str:
    """The attachments on the desk's card: the summary, then one link each (opened through our server)."""
    if not items:
        return ""
    kept = "".join(f"；{note}" for note in sorted({a.get("kept_note") or "" for a in items} - {""}))
    return (f"\n附件：{summary(items)}\n" + "\n".join(lines(items))
            + f"\n（点击链接查看{kept}）")


def _links(items: list[dict]) -> list[Link]:
    """The attachments' links apart from the text, for cards that can show them as links."""
    return [Link(line.split("：", 1)[0], a["open"]) for line, a in zip(lines(items), items, strict=True)
            if a.get("open")]
