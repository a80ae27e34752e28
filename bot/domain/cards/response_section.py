"""The 回应 section of a case's own cards (the ``案件`` status card and the desk's card, issue 20 item 8): per unit
the state of its latest script and plan, then what was published — from a small plain
:class:`~.shapes.ResponseSection`, so the cards do not depend on how the response is stored."""

from __future__ import annotations

from datetime import datetime

from bot.domain.cards.shapes import Publication, ResponseLine, ResponseSection
from bot.domain.words import when

__all__ = ["HEADING", "response_lines"]

HEADING = "回应情况："


def _unit_line(line: ResponseLine) -> str:
    parts = [f"{label}：{state}" for label, state in (("口径", line.script_state), ("方案", line.plan_state)) if state]
    return f"{line.unit_name} {'；'.join(parts)}" if parts else ""


def _published(p: Publication, now: datetime) -> str:
    at = when(p.at, now) if isinstance(p.at, datetime) else p.at
    return f"{p.channel} {at}".strip()


def response_lines(section: ResponseSection | None, now: datetime) -> list[str]:
    """The section's lines (none without a script, plan or publication): 「回应情况：」, then
    「食品经营安全监督管理科 口径：已审定 v2；方案：待审批 v1」 per unit, then 「已发布：新闻发布会 今天 15:00；…」."""
    if section is None:
        return []
    lines = [text for text in (_unit_line(line) for line in section.lines) if text]
    if section.publications:
        lines.append("已发布：" + "；".join(_published(p, now) for p in section.publications))
    return [HEADING, *lines] if lines else []
