"""The figures as Markdown: the period as the title, the 「汇总」 as a list, one section per table (its note
under it; 「无」 when it has no rows). Drawn by the archive's Markdown writer
(:func:`bot.archive.markdown.markdown`), so pipes and line breaks in a cell are escaped the same way in both.
"""

from __future__ import annotations

from datetime import datetime

from bot.archive.markdown import markdown as archive_markdown
from bot.archive.model import NONE, Paragraph, Section
from bot.archive.model import Table as TextTable
from bot.domain.stats import Figures
from bot.figures.cells import SUMMARY, summary_rows, text

__all__ = ["markdown"]

TITLE = "舆情统计"
EMPTY = "—"


def markdown(figures: Figures, at: datetime) -> str:
    """The Markdown text (ends with a newline) of ``figures``, rendered at ``at``."""
    head = Section(f"{TITLE}：{figures.period.label}", (), level=0)
    items = "\n".join(f"- {label}：{text(value, label, EMPTY)}" for label, value in summary_rows(figures, at))
    parts = [head, Section(SUMMARY, (Paragraph(items),))]
    for table in figures.tables:
        rows = tuple(tuple(text(cell, header, EMPTY) for cell, header in zip(row, table.columns))
                     for row in table.rows)
        blocks = [TextTable(table.columns, rows) if rows else Paragraph(NONE)]
        if table.note:
            blocks.append(Paragraph(f"说明：{table.note}"))
        parts.append(Section(table.title, tuple(blocks)))
    return archive_markdown(parts)
