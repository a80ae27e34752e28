"""The figures of a period (issue 25): what part A computes and parts B–D render.

Plain frozen data, no I/O: :class:`Period` (a closed range of Shanghai local days), :class:`Table` (one titled
table of cells), :class:`Figures` (a period's summary lines and tables) and :class:`ChartData` (the weekly chart's
two panels). How each figure is counted: docs/statistics.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.stats.period import Period, between, parse_period

__all__ = ["ChartData", "Figures", "Period", "Table", "between", "parse_period"]

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """One table: ``title`` doubles as a sheet name (≤ 31 chars, no []:*?/\\); a rate is a float 0..1."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    note: str = ""


@dataclass(frozen=True)
class Figures:
    """A period's figures: (label, value) summary lines and the tables."""

    period: Period
    summary: tuple[tuple[str, object], ...]
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table:
        """The table called ``key`` (KeyError if absent)."""
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


@dataclass(frozen=True)
class ChartData:
    """The weekly chart: cases per grade per week (oldest first) and on-time rate per unit (worst first)."""

    weeks: tuple[tuple[str, tuple[int, int, int, int]], ...]
    units: tuple[tuple[str, float, int], ...]
