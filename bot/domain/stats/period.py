"""Periods of the statistics (issue 25): a closed range of Shanghai local days, named as the leaders name them.

Forms of :func:`parse_period`: ``2026-Q4`` (a quarter), ``2026-12`` (a month), ``2026-W49`` (an ISO week, Monday
to Sunday), ``2026`` (a year), and the words 本周 / 上周 / 本月 / 上月 / 本季度 / 本年 (relative to ``today``).
:func:`between` is an arbitrary range (``--from``/``--to``). A bad form raises ValueError with a Chinese message
naming the forms, fit to answer a user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["FORMS", "Period", "between", "parse_period", "week_of"]

FORMS = "2026-Q4（季度）、2026-12（月）、2026-W49（周）、2026（年），或 本周、上周、本月、上月、本季度、本年"
QUARTER_WORDS = ("一", "二", "三", "四")


@dataclass(frozen=True)
class Period:
    """A closed range of Shanghai local days: key "2026-Q4", label "2026年第四季度", first and last day."""

    key: str
    label: str
    start: date
    end: date


def _day(d: date, *, year: bool = True) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if year else f"{d.month}月{d.day}日"


def _span(start: date, end: date) -> str:
    """``2026年11月1日—11月30日`` (the year again only when it changes)."""
    return f"{_day(start)}—{_day(end, year=end.year != start.year)}"


def year(y: int) -> Period:
    return Period(f"{y}", f"{y}年", date(y, 1, 1), date(y, 12, 31))


def month(y: int, m: int) -> Period:
    if not 1 <= m <= 12:
        raise ValueError(f"没有 {m} 月。可用的写法：{FORMS}")
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return Period(f"{y}-{m:02d}", f"{y}年{m}月", date(y, m, 1), nxt - timedelta(days=1))


def quarter(y: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise ValueError(f"季度应为 Q1—Q4。可用的写法：{FORMS}")
    first = month(y, 3 * q - 2)
    last = month(y, 3 * q)
    return Period(f"{y}-Q{q}", f"{y}年第{QUARTER_WORDS[q - 1]}季度", first.start, last.end)


def week(y: int, w: int) -> Period:
    """ISO week ``w`` of ISO year ``y`` (Monday to Sunday)."""
    try:
        start = date.fromisocalendar(y, w, 1)
    except ValueError:
        raise ValueError(f"{y} 年没有第 {w} 周。可用的写法：{FORMS}") from None
    end = start + timedelta(days=6)
    inner = f"{_day(start, year=start.year != y)}—{_day(end, year=end.year != y)}"
    return Period(f"{y}-W{w:02d}", f"{y}年第{w}周（{inner}）", start, end)


def week_of(day: date) -> Period:
    """The ISO week that holds ``day``."""
    iso = day.isocalendar()
    return week(iso.year, iso.week)


def between(start: date, end: date) -> Period:
    """The days ``start``..``end`` (inclusive); ValueError when ``end`` is before ``start``."""
    if end < start:
        raise ValueError(f"结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}。")
    return Period(f"{start.isoformat()}..{end.isoformat()}", _span(start, end), start, end)


def _relative(word: str, today: date) -> Period | None:
    q = (today.month - 1) // 3 + 1
    if word == "本周":
        return week_of(today)
    if word == "上周":
        return week_of(today - timedelta(days=7))
    if word == "本月":
        return month(today.year, today.month)
    if word == "上月":
        return month(today.year - 1, 12) if today.month == 1 else month(today.year, today.month - 1)
    if word == "本季度":
        return quarter(today.year, q)
    if word == "本年":
        return year(today.year)
    return None


_FORMS = (
    (re.compile(r"(\d{4})-?Q([1-4])", re.I), lambda m: quarter(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})-?W(\d{1,2})", re.I), lambda m: week(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})-(\d{1,2})"), lambda m: month(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})"), lambda m: year(int(m[1]))),
)


def parse_period(text: str, today: date) -> Period:
    """The period ``text`` names (module docstring); ValueError with a Chinese message naming the forms."""
    word = (text or "").strip()
    relative = _relative(word, today)
    if relative is not None:
        return relative
    for pattern, build in _FORMS:
        match = pattern.fullmatch(word)
        if match:
            return build(match)
    raise ValueError(f"看不懂的统计期间「{word}」。可用的写法：{FORMS}")
