"""A period's figures as files (issue 25): ``render(figures, fmt)`` gives an Excel workbook, a CSV or Markdown.

The figures are plain data (``bot.store.stats.figures``); this package never reads the store. The document
type is the archive's (:class:`bot.archive.Document`: name, mime, content). How each format looks:
docs/statistics.md, "Files (yuqing stats)".
"""

from __future__ import annotations

from datetime import datetime

from bot.archive import Document
from bot.core.clock import utcnow
from bot.domain.stats import Figures, Period
from bot.figures.csv_files import csv_file
from bot.figures.markdown import markdown

__all__ = ["FORMATS", "document_name", "render"]

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8"}
STATS = "舆情统计"


def document_name(period: Period, fmt: str) -> str:
    """``舆情统计-2026-Q4.xlsx``; a ``--from/--to`` range as ``舆情统计-2026-11-01至2026-11-30.csv``."""
    return f"{STATS}-{period.key.replace('..', '至')}.{fmt}"


def render(figures: Figures, fmt: str, at: datetime | None = None) -> Document:
    """``figures`` as an ``xlsx``, ``csv`` or ``md`` document, stamped as rendered at ``at`` (default now).

    Raises ValueError for any other format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (xlsx, csv or md)")
    at = at or utcnow()
    if fmt == "xlsx":
        from bot.figures.xlsx import workbook  # openpyxl (and numpy) only when a workbook is made

        content = workbook(figures, at)
    elif fmt == "csv":
        content = csv_file(figures, at)
    else:
        content = markdown(figures, at).encode("utf-8")
    return Document(document_name(figures.period, fmt), FORMATS[fmt], content)


from bot.figures.chart import weekly_chart  # noqa: E402  (the weekly chart, PNG: bot/figures/chart.py)

__all__ += ["weekly_chart"]
