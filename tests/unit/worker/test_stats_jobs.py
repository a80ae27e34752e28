"""The worker's half of 统计 (issue 25): the job counts the period's figures and puts in the outbox, 1:1 to the person
on the platform they asked on, the summary (the period, then each summary line) and then the Excel workbook as a
file — once per 统计 message; a platform that cannot send a file 1:1 gets the summary with where to find the file;
a person who cannot be reached gets nothing. The figures are built by hand here (the counting is part A's,
tests/store/test_stats_figures.py)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from types import SimpleNamespace

import openpyxl
import pytest
from bot.domain.stats import Figures, Table, between, parse_period
from bot.platforms.wecom.capabilities import WITHOUT_APP
from bot.store import blobs
from tests.support.capabilities import BOTH
from tests.unit.worker.test_export_jobs import blob_count, row  # the outbox row and the blobs, as 导出's job reads them
from worker import stats_jobs

DECEMBER = parse_period("2026-12", date(2026, 12, 8))
FIGURES = Figures(
    period=DECEMBER,
    summary=(("案件总数", 5), ("报告按时率", 0.75), ("签收用时中位数（分钟）", None)),
    tables=(Table("cases_by_grade", "按等级统计案件", ("等级", "案件数"), (("一般", 3), ("重大", 2)), note="不含演练"),),
)
SUMMARY = "舆情统计：2026年12月\n案件总数：5\n报告按时率：75.0%\n签收用时中位数（分钟）：—"


@pytest.fixture
def counted(monkeypatch):
    """The periods the job asked figures for; it gets FIGURES whatever it asks."""
    asked: list = []

    def figures(session, org, period, rules=None, *, now=None):
        asked.append(period)
        return FIGURES

    monkeypatch.setattr(stats_jobs, "stats_store", SimpleNamespace(figures=figures))
    return asked


@pytest.fixture
def scheduled(monkeypatch):
    rows: list[list[int]] = []
    monkeypatch.setattr(stats_jobs, "schedule_rows", lambda rt, row_ids: rows.append(list(row_ids)))
    return rows


def runtime(world, capabilities=BOTH):
    return SimpleNamespace(database=world.store.database, redis=None, capabilities_of=lambda p: capabilities[p])


def workbook(world, card: dict):
    with world.store.database.session() as session:
        content = blobs.read(session, card["data"]["blob"]).content
    return openpyxl.load_workbook(BytesIO(content))


def test_the_summary_then_the_workbook_go_one_to_one(world, counted, scheduled):
    ids = stats_jobs.send_stats(runtime(world), "p-sun", "dingtalk", "2026-12", "k" * 32)
    assert counted == [DECEMBER] and scheduled == [ids] and len(ids) == 2 and ids[0] < ids[1]
    summary, file = row(world, ids[0]), row(world, ids[1])
    for sent in (summary, file):
        assert (sent.platform, sent.method, sent.address["user_id"]) == ("dingtalk", "person", "0523")  # 孙科长 1:1
    assert summary.card["kind"] == "notice" and summary.card["data"]["text"] == SUMMARY
    assert file.card["kind"] == "file" and file.card["data"]["name"] == "舆情统计-2026-12.xlsx"
    assert file.card["data"]["caption"] == "舆情统计 2026年12月（Excel 文件）"
    book = workbook(world, file.card)
    assert book.sheetnames == ["汇总", "按等级统计案件"]
    assert [c.value for c in book["按等级统计案件"][2]] == ["一般", 3]


def test_a_rerun_for_the_same_message_sends_nothing_more(world, counted, scheduled):
    rt = runtime(world)
    first = stats_jobs.send_stats(rt, "p-li", "wecom", "2026-12", "a" * 32)
    assert stats_jobs.send_stats(rt, "p-li", "wecom", "2026-12", "a" * 32) == []
    assert blob_count(world) == 1 and scheduled == [first]
    assert row(world, first[0]).address["user_id"] == "ligs"  # on the platform asked on: 李干事's WeCom
    again = stats_jobs.send_stats(rt, "p-li", "wecom", "2026-12", "b" * 32)  # a later 统计: sent again
    assert len(again) == 2 and set(again).isdisjoint(first) and blob_count(world) == 2


def test_a_platform_without_one_to_one_files_gets_the_summary_and_where_to_find_the_file(world, counted, scheduled):
    rt = runtime(world, {**BOTH, "wecom": WITHOUT_APP})
    [row_id] = stats_jobs.send_stats(rt, "p-li", "wecom", "2026-12", "c" * 32)
    sent = row(world, row_id)
    assert (sent.method, sent.address["user_id"], sent.card["kind"]) == ("person", "ligs", "notice")
    assert sent.card["data"]["text"] == f"{SUMMARY}\n本平台无法私信发送文件，请使用 yuqing stats 导出，或在看板查看。"
    assert blob_count(world) == 0


def test_an_unreachable_person_gets_nothing(world, counted, scheduled):
    assert stats_jobs.send_stats(runtime(world), "p-sun", "wecom", "2026-12", "e" * 32) == []  # no WeCom id
    assert stats_jobs.send_stats(runtime(world), "p-nobody", "dingtalk", "2026-12", "f" * 32) == []
    assert counted == [] and scheduled == [] and blob_count(world) == 0


def test_the_job_reads_every_period_key():
    today = date(2026, 12, 8)
    assert stats_jobs.period_of("2026-W49", today) == parse_period("2026-W49", today)
    assert stats_jobs.period_of("2026-Q4", today).start == date(2026, 10, 1)
    assert stats_jobs.period_of("2026-11-01..2026-11-30", today) == between(date(2026, 11, 1), date(2026, 11, 30))


def test_the_real_figures_of_a_case_reach_the_summary(world, scheduled):
    world.open()  # 30 November 2026 in Shanghai (tests/unit/handlers/unit_side.py)
    ids = stats_jobs.send_stats(runtime(world), "p-zhao", "wecom", "2026-11", "g" * 32)
    lines = row(world, ids[0]).card["data"]["text"].splitlines()
    assert lines[0] == "舆情统计：2026年11月" and "新增舆情（件）：1" in lines
    assert workbook(world, row(world, ids[1]).card).sheetnames[0] == "汇总"
