"""`yuqing stats` (issue 25) through click's runner: a period (``--period`` or ``--from``/``--to``, exactly one
form) read by part A's ``figures`` and written as xlsx (to ./<name>, the path printed), csv or md (to stdout);
a bad period exits 1 with the Chinese message naming the forms. The figures are stubbed here, except in the last
test, which runs the command on part A's known dataset."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import stats as cli_module
from bot.cli import cli
from bot.domain.stats import Figures
from bot.domain.stats.period import FORMS
from tests.unit.figures.hand_figures import FIGURES


@pytest.fixture
def asked(monkeypatch, tmp_path):
    """The periods the command asked figures for (the hand-made figures answer, with the period asked)."""
    periods = []

    def read(period):
        periods.append(period)
        return Figures(period, FIGURES.summary, FIGURES.tables)

    monkeypatch.setattr(cli_module, "_read_figures", read)
    monkeypatch.chdir(tmp_path)
    return periods


def run(*args: str):
    return CliRunner().invoke(cli, ["stats", *args])


def test_xlsx_goes_to_a_file_named_for_the_period(asked, tmp_path):
    result = run("--period", "2026-Q4", "--format", "xlsx")
    assert result.exit_code == 0, result.output
    target = tmp_path / "舆情统计-2026-Q4.xlsx"
    assert result.stdout.strip() == f"已导出 {target}"
    assert [p.key for p in asked] == ["2026-Q4"]
    book = load_workbook(io.BytesIO(target.read_bytes()))
    assert book.sheetnames[0] == "汇总" and book["汇总"]["B2"].value == "2026年第四季度"


def test_markdown_and_csv_go_to_stdout(asked):
    md = run("--period", "2026-12", "--format", "md")
    assert md.exit_code == 0 and md.stdout.startswith("# 舆情统计：2026年12月\n")
    csv = run("--period", "2026-W49", "--format", "csv")
    assert csv.exit_code == 0  # the BOM too, so `yuqing stats … > q4.csv` opens right in Excel
    assert csv.stdout_bytes.startswith("\ufeff汇总\r\n项目,数值\r\n".encode())
    assert "2026年第49周" in csv.stdout and [p.key for p in asked] == ["2026-12", "2026-W49"]


def test_a_range_of_days_to_a_chosen_file(asked, tmp_path):
    out = tmp_path / "十一月.csv"
    result = run("--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0 and result.stdout.strip() == f"已导出 {out}"
    (period,) = asked
    assert (period.key, period.start.day, period.end.day) == ("2026-11-01..2026-11-30", 1, 30)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and "2026年11月1日—11月30日" in out.read_text("utf-8-sig")


def test_words_count_from_today_in_shanghai(asked, monkeypatch):
    monkeypatch.setattr(cli_module, "utcnow", lambda: datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc))
    assert run("--period", "本月", "--format", "md").exit_code == 0  # 01:00 on 1 December in Shanghai
    assert [p.key for p in asked] == ["2026-12"]


@pytest.mark.parametrize("args", [
    (),
    ("--period", "2026-Q4", "--from", "2026-11-01", "--to", "2026-11-30"),
    ("--period", "2026-Q4", "--to", "2026-11-30"),
    ("--from", "2026-11-01"),
    ("--to", "2026-11-30"),
], ids=["neither", "both", "period-and-to", "from-alone", "to-alone"])
def test_exactly_one_form_of_period_or_a_usage_error(asked, args):
    result = run(*args, "--format", "md")
    assert result.exit_code == 2 and "give --period, or both --from and --to" in result.stderr
    assert asked == []


@pytest.mark.parametrize("args, says", [
    (("--period", "2026-Q5"), f"看不懂的统计期间「2026-Q5」。可用的写法：{FORMS}"),
    (("--period", "下周"), "可用的写法"),
    (("--from", "2026-11-31", "--to", "2026-12-01"), "--from 的日期无效：2026-11-31（应写作 2026-11-01）"),
    (("--from", "2026-12-01", "--to", "2026-11-01"), "结束日期 2026-11-01 早于开始日期 2026-12-01"),
], ids=["quarter-5", "next-week", "no-such-day", "backwards"])
def test_a_bad_period_is_refused_in_chinese(asked, args, says):
    result = run(*args, "--format", "xlsx")
    assert result.exit_code == 1 and says in result.stderr and result.stdout == ""
    assert asked == []


def test_the_known_dataset_as_a_workbook(sqlite_database, tmp_path, monkeypatch):
    """Part A's six cases (tests/store/stats_dataset.py) through the real command: the figures a leader reads in
    the file are the ones computed by hand in tests/store/test_stats_figures.py."""
    from tests.store import stats_dataset

    stats_dataset.build(sqlite_database)
    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    for name in ("POLICY_FILE", "HOLIDAY_FILE", "ORG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    result = run("--period", "2026-11", "--format", "xlsx", "--output", "十一月.xlsx")
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "十一月.xlsx")
    assert book.sheetnames == ["汇总", "按等级统计案件", "按来源统计案件", "按状态统计案件", "按单位统计案件", "签收用时",
                               "报告按时情况", "时限执行情况", "口径审定", "督办回复", "县局上报"]
    summary = dict(r for r in book["汇总"].iter_rows(min_row=2, values_only=True) if r[0])
    assert (summary["统计期间"], summary["新增舆情（件）"], summary["报告：按时 / 迟报 / 漏报"], summary["报告按时率"]) == (
        "2026年11月", 4, "4 / 1 / 3", "50.0%")
    reports = book["报告按时情况"]
    assert [c.value for c in reports[2]] == ["药品监督管理科", 4, 1, 0, 3, 0, 0.25]
    assert [c.value for c in reports[3]] == ["食品生产安全监督管理科", 4, 3, 1, 0, 0, 0.75]
    assert reports["G2"].number_format == "0.0%" and reports.freeze_panes == "A2"
    acks = book["签收用时"]
    assert [c.value for c in acks[2]] == ["药品监督管理科", 2, 75.0, 120.0] and acks["C2"].number_format == "0.0#"
    sources = dict(r for r in book["按来源统计案件"].iter_rows(min_row=2, values_only=True) if r[1] is not None)
    assert sources["微博"] == 2  # A and D: October's F and the drill E are not counted
    assert acks.column_dimensions["A"].width >= 2 * len("食品生产安全监督管理科")
