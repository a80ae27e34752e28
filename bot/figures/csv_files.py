"""The figures as one CSV file: the 「汇总」 block, then each table as a block — its title line, header, rows,
its note line, a blank line. UTF-8 with a BOM, so Excel opens the Chinese right; rates read ``75.0%`` (which
Excel takes as a percentage), other fractions ``12.5``; an empty figure is an empty field.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.domain.stats import Figures
from bot.figures.cells import SUMMARY, SUMMARY_COLUMNS, headers, summary_rows, text

__all__ = ["csv_file"]


def csv_file(figures: Figures, at: datetime) -> bytes:
    """The CSV bytes (``utf-8-sig``, CRLF lines) of ``figures``, rendered at ``at``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    blocks = [(SUMMARY, SUMMARY_COLUMNS, summary_rows(figures, at), "", True)]
    blocks += [(t.title, t.columns, t.rows, t.note, False) for t in figures.tables]
    for title, columns, rows, note, summary in blocks:
        writer.writerow([title])
        writer.writerow(columns)
        writer.writerows([text(cell, header) for cell, header in zip(row, headers(columns, row, summary))]
                         for row in rows)
        if note:
            writer.writerow([f"说明：{note}"])
        writer.writerow([])
    return out.getvalue().encode("utf-8-sig")
