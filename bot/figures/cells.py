"""How one cell of the figures reads as text, and how wide it shows: shared by the three formats.

A cell is ``str | int | float | None``. A rate is a number 0..1 in a column whose header names a rate (``率``:
按时率, 按期率); it reads as a percentage with one decimal (``0.75`` → ``75.0%``). On the summary a line's label
plays the header (``报告按时率``). Any other float (minutes, an average) reads with one or two decimals
(``12.0``, ``1.33``); ``None`` is an empty cell (nothing to count).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from bot.core.clock import SHANGHAI, ensure_utc

__all__ = ["RATE_MARK", "SUMMARY", "SUMMARY_COLUMNS", "display_width", "generated_text", "headers", "is_rate",
           "summary_rows", "text"]

SUMMARY = "汇总"
SUMMARY_COLUMNS = ("项目", "数值")
RATE_MARK = "率"


def headers(columns: tuple[str, ...], row: tuple, summary: bool = False) -> tuple[str, ...]:
    """What each cell of ``row`` is a figure of: its column's header; on the summary, the value's is its label."""
    return (columns[0], str(row[0])) if summary else columns


def is_rate(header: str, value: object) -> bool:
    """A rate cell: a number (not a bool) under a header that names a rate."""
    return RATE_MARK in header and isinstance(value, (int, float)) and not isinstance(value, bool)


def text(value: object, header: str = "", blank: str = "") -> str:
    """The cell as people read it: a rate as ``75.0%``, another float as ``12.5``, ``None`` as ``blank``."""
    if value is None:
        return blank
    if is_rate(header, value):
        return f"{value:.1%}"
    if isinstance(value, float):
        shown = f"{value:.2f}"
        return shown[:-1] if shown.endswith("0") else shown
    return str(value)


def display_width(value: str) -> int:
    """Columns ``value`` takes in a spreadsheet: 2 per wide (CJK, full-width) character, 1 per other."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in value)


def generated_text(at: datetime) -> str:
    """``2026-12-08 08:39（北京时间）``: when the figures were rendered. Raises ValueError for a naive time."""
    return f"{ensure_utc(at).astimezone(SHANGHAI):%Y-%m-%d %H:%M}（北京时间）"


def summary_rows(figures, at: datetime) -> list[tuple[str, object]]:
    """The 「汇总」 lines every format opens with: the period, its days, the summary lines, when rendered."""
    period = figures.period
    return [("统计期间", period.label), ("起止日期", f"{period.start.isoformat()} 至 {period.end.isoformat()}"),
            *figures.summary, ("生成时间", generated_text(at))]
