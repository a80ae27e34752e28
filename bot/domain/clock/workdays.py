"""Which dates are working days: the Chinese calendar, the HOLIDAY_FILE, and the fallback.

Order of authority for a date: the holiday file (holidays and make-up workdays it names), then the
``chinese_calendar`` package, then Monday to Friday. A year the package does not know is counted
from the file's dates plus Monday to Friday; when the file does not know it either (no date in that
year, not in ``years:``) a warning is recorded once per year for the admins
(:attr:`WorkCalendar.warnings`). Never a crash.

Holiday file format (YAML)::

    years: [2027]                  # optional: years the file fully covers (weekdays otherwise count)
    holidays:
      - 2027-01-01
      - {from: 2027-02-06, to: 2027-02-12, name: 春节}
    makeup_workdays: [2027-02-14]
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar

from bot.domain.yaml_lines import FileErrors, LineMap, line_of, load_marked, read_text

log = logging.getLogger(__name__)


class HolidayFileError(FileErrors):
    """The holiday file is refused; ``errors`` lists ``(line, message)`` pairs."""


class WorkCalendar:
    """Answers whether a date is a working day; collects fallback warnings instead of failing."""

    def __init__(self, holidays: set[date] | None = None, makeup_workdays: set[date] | None = None,
                 years: set[int] | None = None) -> None:
        self.holidays = frozenset(holidays or ())
        self.makeup_workdays = frozenset(makeup_workdays or ())
        self.file_years = frozenset(years or ()) | {d.year for d in self.holidays | self.makeup_workdays}
        self.warnings: list[str] = []
        self.fallback_years: set[int] = set()

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (make-up workdays included)."""
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self.file_years:
                self._warn(day.year)
            return day.weekday() < 5

    def _warn(self, year: int) -> None:
        if year in self.fallback_years:
            return
        self.fallback_years.add(year)
        self.warnings.append(fallback_warning(year))
        log.warning("calendar fallback: year %s unknown, counting Monday-Friday", year)

    def warnings_between(self, first: date, last: date) -> list[str]:
        """The fallback warnings for years from ``first`` to ``last`` that the calendar did not know."""
        return [fallback_warning(y) for y in sorted(self.fallback_years) if first.year <= y <= last.year]


def fallback_warning(year: int) -> str:
    """The admins' warning for a year counted Monday to Friday."""
    return (f"{year}年的法定节假日安排尚未载入（日历包与节假日文件均未包含），"
            f"暂按周一至周五计算工作日，请管理员更新 HOLIDAY_FILE。")


def _dates(c: list[tuple[int, str]], raw: Any, line: int, what: str) -> set[date]:
    out: set[date] = set()
    for item in raw if isinstance(raw, list) else []:
        where = line_of(item) or line
        if isinstance(item, date):
            out.add(item)
        elif isinstance(item, LineMap) and isinstance(item.get("from"), date) and isinstance(item.get("to"), date) \
                and item["from"] <= item["to"] and not set(item) - {"from", "to", "name"}:
            day = item["from"]
            while day <= item["to"]:
                out.add(day)
                day += timedelta(days=1)
        else:
            c.append((where, f"{what}: {item!r} is not a date (YYYY-MM-DD) or a range {{from, to, name}}"))
    if raw is not None and not isinstance(raw, list):
        c.append((line, f"{what} must be a list"))
    return out


def parse_holiday_text(text: str, source: str = "") -> WorkCalendar:
    """Parse and validate a holiday file; raises HolidayFileError listing every error with its line."""
    data = load_marked(text, source, HolidayFileError) or LineMap()
    if not isinstance(data, LineMap):
        raise HolidayFileError([(1, "the holiday file must be a mapping with holidays and makeup_workdays")], source)
    errors: list[tuple[int, str]] = []
    for key in data:
        if key not in ("years", "holidays", "makeup_workdays"):
            errors.append((data.line_of(key), f"unknown key {key!r} (allowed: years, holidays, makeup_workdays)"))
    years = data.get("years") or []
    if not isinstance(years, list) or not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        errors.append((data.line_of("years"), "years must be a list of years, e.g. [2027]"))
        years = []
    holidays = _dates(errors, data.get("holidays"), data.line_of("holidays"), "holidays")
    makeup = _dates(errors, data.get("makeup_workdays"), data.line_of("makeup_workdays"), "makeup_workdays")
    for day in sorted(holidays & makeup):
        errors.append((data.line_of("makeup_workdays"), f"{day} is both a holiday and a make-up workday"))
    if errors:
        raise HolidayFileError(errors, source)
    return WorkCalendar(holidays, makeup, set(years))


def load_calendar(path: str | Path | None) -> WorkCalendar:
    """The calendar in force: the Chinese calendar plus the holiday file at ``path`` (if any).

    Raises HolidayFileError or ConfigError when the file is wrong or unreadable.
    """
    if not path:
        return WorkCalendar()
    return parse_holiday_text(read_text(path, "holiday file"), source=str(path))
