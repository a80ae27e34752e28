"""A county's case at the city desk (kind ``county_case``, issue 22): reported up when the county grades it 重大 or
above (``report_up``), followed by the city desk (``follow``: 关注), or handed down to the county (``transfer_down``).

    【县局上报：甲县市场监督管理局 YQ-2026-0001 重大】
    县局：甲县市场监督管理局
    等级：重大舆情
    定级人：戚局长
    定级时间：今天 10:00
    某超市销售过期食品
    研判依据：多人就医，热度上升
    原文链接：https://…
    最新进展：
    · 今天 14:05 谢干事报送首报
    接管：发送“接管 YQ-2026-0001 理由”；取消关注：发送“取消关注 YQ-2026-0001”（群聊中请先 @舆情助手）。

The city desk's copy carries 接管 (``county.take_over``) and 取消关注 (``county.unfollow``); a city unit the county
named to be told reads it without buttons. ``progress`` is the 最新进展 section, latest first, at most
:data:`PROGRESS_LINES` (the worker re-draws a followed copy with :func:`with_progress`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Iterable

from bot.core.card import Button, Card
from bot.core.org import Organisation
from bot.domain.case.timeline import TimelineEntry
from bot.domain.cards.case_card import person_name, unit_name
from bot.domain.cards.shapes import CountyCaseData, Fact
from bot.domain.grade import Grade
from bot.domain.records import Case
from bot.domain.words import grade_color, when

__all__ = ["MODES", "PROGRESS_LINES", "TAKE_OVER", "UNFOLLOW", "county_buttons", "county_card", "county_name",
           "grading_entry", "with_progress"]

TAKE_OVER, UNFOLLOW = "county.take_over", "county.unfollow"
PROGRESS_LINES = 5
MODES = {
    "report_up": "县局上报：{county} {number} {grade}",
    "follow": "关注县局舆情 {number}",
    "transfer_down": "转县局办理 {number}",
}
GRADINGS = ("case.open", "case.grade")
OPENING_REASON = "立案定级"


def county_name(org: Organisation, case: Case) -> str:
    """The name of the county running the case (or the one it was taken over from)."""
    county = case.county or case.taken_from or ""
    return unit_name(org, county) if county else ""


def grading_entry(timeline: Iterable[TimelineEntry]) -> TimelineEntry | None:
    """The entry that set the case's grade as it stands: its last ``case.open`` or ``case.grade``."""
    return next((e for e in reversed(list(timeline)) if e.action in GRADINGS), None)


def county_buttons(number: str) -> tuple[Button, ...]:
    """接管 and 取消关注 on the city desk's copy."""
    params = {"case": number}
    return (Button("接管", TAKE_OVER, params, "primary"), Button("取消关注", UNFOLLOW, params))


def county_card(org: Organisation, case: Case, graded: TimelineEntry | None, now: datetime, *,
                mode: str = "report_up", progress: Iterable[str] = (), unit: str | None = None,
                buttons: bool = True, status: str = "") -> Card:
    """The ``county_case`` card of ``case`` as graded by ``graded`` (:func:`grading_entry`; None: no one named);
    ``unit``: the city unit whose group gets this copy (default the city desk); ``buttons``: 接管 and 取消关注
    (the city desk's copy), left out for a unit that is only told; ``status``: a settled line (已接管 …)."""
    county = county_name(org, case)
    title = MODES.get(mode, MODES["follow"]).format(county=county, number=case.number,
                                                     grade=case.grade.label.removesuffix("舆情"))
    graded_by = person_name(org, graded.actor) if graded is not None else ""
    at = when(graded.at, now) if graded is not None else ""
    reason = "" if graded is None else str(graded.payload.get("reason") or
                                           (OPENING_REASON if graded.action == "case.open" else ""))
    facts = [Fact("县局", county), Fact("等级", case.grade.label)]
    facts += [Fact("定级人", graded_by)] if graded_by else []
    facts += [Fact("定级时间", at)] if at else []
    body = case.title + (f"\n研判依据：{reason}" if reason else "")
    shown = county_buttons(case.number) if buttons else ()
    hint = (f"接管：发送“接管 {case.number} 理由”；取消关注：发送“取消关注 {case.number}”（群聊中请先 @舆情助手）。"
            if shown else None)
    desk = org.desk_unit()
    data = CountyCaseData(title=title, color=grade_color(Grade(case.grade)), facts=facts, body=body, status=status,
                          hint=hint, link=case.link or None, case_id=case.id,
                          unit=unit or (desk.id if desk is not None else None), number=case.number,
                          grade=case.grade.label, county=county, graded_by=graded_by, at=at, reason=reason,
                          mode=mode, progress=list(progress)[:PROGRESS_LINES])
    return data.card(shown)


def with_progress(card: Card, progress: Iterable[str], status: str | None = None) -> Card:
    """``card`` (a ``county_case`` card as sent: ``Card.from_dict`` of its copy) with ``progress`` as its 最新进展
    (latest first, at most :data:`PROGRESS_LINES`), and ``status`` when given."""
    data = {**card.data, "progress": list(progress)[:PROGRESS_LINES]}
    if status is not None:
        data["status"] = status
    return replace(card, data=data)
