"""The figures of 2026年11月 read from the known dataset (tests/store/stats_dataset.py), every one computed by hand
from the dataset's story: what a leader reads in the statistics file must be what happened."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.stats import parse_period
from bot.store import Database
from bot.store.org_repo import read_organisation
from bot.store.stats import chart_data, figures
from tests.store import stats_dataset as ds

FOOD, DRUG, COUNTY, DESK = "食品生产安全监督管理科", "药品监督管理科", "甲县市场监督管理局", "综合应急和新闻宣传科"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def built(request, tmp_path_factory):
    """The known dataset, built once per database kind: the tests only read it."""
    if request.param == "sqlite":
        database = Database(request.getfixturevalue("sqlite_template").copy(tmp_path_factory.mktemp("stats")))
        ds.build(database)
        yield database
        database.dispose()
        return
    template = request.getfixturevalue("pg_template")
    url = template.copy()
    database = Database(url)
    ds.build(database)
    yield database
    database.dispose()
    template.drop(url)


def _figures(database, text="2026-11", now=ds.NOW):
    with database.session() as session:
        return figures(session, read_organisation(session), parse_period(text, now.date()), None, now=now)


def _rows(figs, key):
    return figs.table(key).rows


def test_cases_of_november_by_grade_source_outcome_and_unit(built):
    """F (October) and E (a drill) are out; B (涉密) is in; D counts as 一般 — its raise came in December."""
    figs = _figures(built)
    assert figs.period.label == "2026年11月"
    assert _rows(figs, "cases_by_grade") == (("一般舆情", 3), ("敏感舆情", 0), ("重大舆情", 1), ("特别重大舆情", 0))
    assert _rows(figs, "cases_by_source") == (("微博", 2), ("抖音", 1), ("本地论坛", 1))
    assert _rows(figs, "cases_by_outcome") == (("已立案", 1), ("处置中", 2), ("已平息", 1))
    assert _rows(figs, "cases_by_unit") == ((DRUG, 2, 0, 0, 0, 2), (FOOD, 1, 0, 0, 0, 1), (COUNTY, 0, 0, 1, 0, 1))


def test_time_to_acknowledge_per_unit(built):
    """A 30 min (食品科); B 30 and D 120 min (药品科); F was acknowledged in October, E is a drill."""
    assert _rows(_figures(built), "acknowledge_time") == ((DRUG, 2, 75.0, 120.0), (FOOD, 1, 30.0, 30.0))


def test_reports_on_time_late_and_missing(built):
    """食品科: F's 初报 and 处置情况 on time (F opened in October, reported in November), A's 初报 迟报, A's 处置情况 on
    time. 药品科: B's 初报 closed as missed at 平息, D's 初报 and 处置情况 overdue and open at the month's end."""
    assert _rows(_figures(built), "reports") == ((DRUG, 4, 1, 0, 3, 0, 0.25), (FOOD, 4, 3, 1, 0, 0, 0.75))


def test_deadlines_per_grade_and_duty_kind(built):
    """C's 公开回应 closed by the county is not counted; its 研判会议 never held is 未办; the returned v1's second
    approval (closed by the return) is not counted."""
    assert _rows(_figures(built), "deadlines") == (
        ("一般舆情", "签收预警", 3, 3, 0, 0, 0, 1.0),
        ("一般舆情", "初报", 4, 1, 1, 2, 0, 0.25),
        ("一般舆情", "反馈处置情况", 4, 3, 0, 1, 0, 0.75),
        ("一般舆情", "回复督办", 1, 0, 1, 0, 0, 0.0),
        ("一般舆情", "口径审定", 3, 3, 0, 0, 0, 1.0),
        ("重大舆情", "研判会议", 1, 0, 0, 1, 0, 0.0),
    )


def test_scripts_supervision_and_county_report_up(built):
    figs = _figures(built)
    assert _rows(figs, "scripts") == ((FOOD, 1, 2.0, 2, 120.0),)
    assert _rows(figs, "supervision") == ((FOOD, 1, 0, 1, 0, 0, 0.0),)
    assert _rows(figs, "county_report_up") == ((COUNTY, 1, 1, 0),)


def test_summary_lines(built):
    assert _figures(built).summary == (
        ("新增舆情（件）", 4), ("其中重大及以上（件）", 1), ("签收用时中位数（分钟）", 30.0),
        ("报告：按时 / 迟报 / 漏报", "4 / 1 / 3"), ("报告按时率", "50.0%"), ("时限按期率", "62.5%"),
        ("审定口径（件）", 1), ("督办：收到 / 按时回复", "1 / 0"), ("县局重大舆情即时上报", "1 / 1"),
    )


def test_no_titles_in_the_figures(built):
    """Confidential cases are counted as numbers only: no cell carries a case's title."""
    cells = {str(cell) for table in _figures(built).tables for row in table.rows for cell in row}
    assert not any("涉密" in cell or "过期食品" in cell for cell in cells)


def test_a_running_week_reads_as_it_stands(built):
    """Week 46 (11-09..11-15) read on Thursday 11-12 10:00: C's 研判会议 is not due yet (进行中); read after the week
    it is 未办; A's 督办 answer, due 11-09 and answered 11-10, is late either way."""
    running = _figures(built, "2026-W46", ds.at(11, 12, 10))
    assert running.period.label == "2026年第46周（11月9日—11月15日）"
    assert ("重大舆情", "研判会议", 1, 0, 0, 0, 1, None) in _rows(running, "deadlines")
    later = _figures(built, "2026-W46")
    assert ("重大舆情", "研判会议", 1, 0, 0, 1, 0, 0.0) in _rows(later, "deadlines")
    assert _rows(later, "supervision") == ((FOOD, 1, 0, 1, 0, 0, 0.0),)


def test_weekly_chart_data(built):
    """The eight weeks before the week of 12-08, by their Monday; D is 重大 there (raised 12-02, inside the chart's
    weeks). Units worst first: the desk's two December duties of D and the county's 研判会议 missed."""
    with built.session() as session:
        data = chart_data(session, read_organisation(session), date(2026, 12, 8))
    assert data.weeks == (
        ("10月12日", (0, 0, 0, 0)), ("10月19日", (0, 0, 0, 0)), ("10月26日", (1, 0, 0, 0)),
        ("11月2日", (2, 0, 0, 0)), ("11月9日", (0, 0, 1, 0)), ("11月16日", (0, 0, 1, 0)),
        ("11月23日", (0, 0, 0, 0)), ("11月30日", (0, 0, 0, 0)),
    )
    assert [(name, round(r, 3), n) for name, r, n in data.units] == [
        (DESK, 0.0, 2), (COUNTY, 0.0, 1), (DRUG, 0.5, 6), (FOOD, 0.714, 7)]


def test_an_empty_period(built):
    figs = _figures(built, "2025")
    assert figs.summary[:3] == (("新增舆情（件）", 0), ("其中重大及以上（件）", 0), ("签收用时中位数（分钟）", "—"))
    assert ("报告按时率", "—") in figs.summary
    assert all(table.rows == () for table in figs.tables if table.key != "cases_by_grade")
