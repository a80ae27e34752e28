"""Periods as leaders name them (issue 25): 2026-Q4, 2026-12, 2026-W49, 2026, 本周 … and --from/--to."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.stats import Period, between, parse_period

TODAY = date(2026, 12, 8)   # a Tuesday of ISO week 50


@pytest.mark.parametrize("text, key, label, start, end", [
    ("2026-Q4", "2026-Q4", "2026年第四季度", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026q1", "2026-Q1", "2026年第一季度", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-12", "2026-12", "2026年12月", date(2026, 12, 1), date(2026, 12, 31)),
    ("2028-2", "2028-02", "2028年2月", date(2028, 2, 1), date(2028, 2, 29)),
    ("2026-W49", "2026-W49", "2026年第49周（11月30日—12月6日）", date(2026, 11, 30), date(2026, 12, 6)),
    ("2026-W53", "2026-W53", "2026年第53周（12月28日—2027年1月3日）", date(2026, 12, 28), date(2027, 1, 3)),
    ("2026", "2026", "2026年", date(2026, 1, 1), date(2026, 12, 31)),
    (" 2026-Q4 ", "2026-Q4", "2026年第四季度", date(2026, 10, 1), date(2026, 12, 31)),
])
def test_named_periods(text, key, label, start, end):
    assert parse_period(text, TODAY) == Period(key, label, start, end)


@pytest.mark.parametrize("word, key", [
    ("本周", "2026-W50"), ("上周", "2026-W49"), ("本月", "2026-12"), ("上月", "2026-11"), ("本季度", "2026-Q4"),
    ("本年", "2026"),
])
def test_words_relative_to_today(word, key):
    assert parse_period(word, TODAY).key == key


def test_words_across_the_new_year():
    """On Monday 2027-01-04 上周 is 2026's week 53 and 上月 is December 2026."""
    today = date(2027, 1, 4)
    assert parse_period("上周", today).label == "2026年第53周（12月28日—2027年1月3日）"
    assert parse_period("上月", today).key == "2026-12"
    assert parse_period("本周", today).start == today


@pytest.mark.parametrize("text", ["下周", "2026-13", "2026-Q5", "2025-W53", "26-Q4", "", "2026-11-01"])
def test_a_bad_period_names_the_forms(text):
    with pytest.raises(ValueError) as raised:
        parse_period(text, TODAY)
    message = str(raised.value)
    assert "2026-Q4" in message and "本周" in message and "本季度" in message


def test_between():
    p = between(date(2026, 11, 1), date(2026, 11, 30))
    assert (p.key, p.label) == ("2026-11-01..2026-11-30", "2026年11月1日—11月30日")
    assert between(date(2026, 12, 20), date(2027, 1, 10)).label == "2026年12月20日—2027年1月10日"
    assert between(TODAY, TODAY).start == TODAY


def test_between_backwards_is_refused_in_chinese():
    with pytest.raises(ValueError, match="早于"):
        between(date(2026, 11, 30), date(2026, 11, 1))
