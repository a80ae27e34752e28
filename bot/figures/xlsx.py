"""The figures as an Excel workbook (openpyxl): a 「汇总」 sheet, then one sheet per table.

Every sheet: a bold, filled header row, frozen (``A2``) so it stays while scrolling; columns as wide as their
longest text (2 per CJK character, 1 per other, capped at :data:`MAX_WIDTH`); rates as numbers formatted
``0.0%`` and other fractions ``0.0#`` (Excel can still sum and sort them); the table's note two rows under it.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.core.clock import ensure_utc
from bot.domain.stats import Figures
from bot.figures.cells import SUMMARY, SUMMARY_COLUMNS, display_width, headers, is_rate, summary_rows, text

__all__ = ["MAX_WIDTH", "NUMBER_FORMAT", "RATE_FORMAT", "sheet_names", "workbook"]

MAX_WIDTH = 50
RATE_FORMAT = "0.0%"
NUMBER_FORMAT = "0.0#"  # minutes, averages: 12.5, 1.33
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
NOTE_FONT = Font(italic=True, color="FF595959")
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def workbook(figures: Figures, at: datetime) -> bytes:
    """The ``.xlsx`` bytes of ``figures``, rendered at ``at`` (tz-aware; written on the summary sheet)."""
    book = Workbook()
    summary = book.active
    names = sheet_names([SUMMARY, *(t.title for t in figures.tables)])
    summary.title = names[0]
    _fill(summary, SUMMARY_COLUMNS, summary_rows(figures, at), summary=True)
    for table, name in zip(figures.tables, names[1:]):
        sheet = book.create_sheet(name)
        _fill(sheet, table.columns, table.rows)
        if table.note:
            cell = sheet.cell(row=len(table.rows) + 3, column=1, value=_value(f"说明：{table.note}"))
            cell.font = NOTE_FONT
    book.properties.creator = "yuqing-bot"
    book.properties.created = book.properties.modified = ensure_utc(at).replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_names(titles: list[str]) -> list[str]:
    """Valid, distinct sheet names for ``titles``: no ``[]:*?/\\``, at most 31 characters, ``(2)`` on a repeat."""
    names: list[str] = []
    seen: set[str] = set()
    for title in titles:
        base = _NOT_IN_SHEET_NAMES.sub("_", title).strip("'")[:31] or "表"
        name, n = base, 1
        while name.lower() in seen:  # Excel compares sheet names case-insensitively
            n += 1
            name = f"{base[:31 - len(str(n)) - 2]}({n})"
        seen.add(name.lower())
        names.append(name)
    return names


def _fill(sheet, columns: tuple[str, ...], rows, summary: bool = False) -> None:
    """Header row (bold, filled, frozen), then the rows with their number formats; widths fitted."""
    sheet.append([_value(c) for c in columns])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    widths = [display_width(str(c)) for c in columns]
    for row in rows:
        sheet.append([_value(v) for v in row])
        for index, (cell, header, value) in enumerate(zip(sheet[sheet.max_row], headers(columns, row, summary), row)):
            if is_rate(header, value):
                cell.number_format = RATE_FORMAT
            elif isinstance(value, float):
                cell.number_format = NUMBER_FORMAT
            if index < len(widths):
                widths[index] = max(widths[index], display_width(text(value, header)))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)


def _value(value: object) -> object:
    """A value openpyxl stores: numbers and ``None`` as they are, anything else as text without control chars."""
    if value is None or isinstance(value, (int, float)):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))
