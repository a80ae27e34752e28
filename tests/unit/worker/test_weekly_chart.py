"""The weekly digest carries the chart (issue 25, part C): one picture per run, stored once, put 1:1 right after
each leader's text digest — main, publicity, leaders in charge; not the desk — where the leader's platform sends
pictures; a chart that cannot be drawn leaves the text digests going; and a worker whose chart font is missing stops
at start with one line."""

from __future__ import annotations

import sys
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bot import cli
from bot.core.clock import SHANGHAI
from bot.domain.case import commands as case_commands
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.figures import font
from bot.figures.chart import weekly_chart
from bot.platforms.wecom.capabilities import WITHOUT_APP
from bot.store import blobs, outbox
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import read_organisation
from bot.store.stats import chart_data
from tests.support.capabilities import BOTH
from tests.unit.domain.sample_org import make_org
from tests.unit.worker.runtimes import runtime_for
from worker import digests, runner

RULES = Rules(make_org(), default_policy(), WorkCalendar())
MONDAY = datetime(2026, 12, 7, 8, 31, tzinfo=SHANGHAI)  # the weekly digest (and the daily one) due
LEADERS = {"p-zhao": "wecom", "p-qian": "wecom", "p-wu": "dingtalk", "p-zheng": "dingtalk"}
DESK = {"p-sun", "p-li"}
NAME = "舆情周报-2026-W49.png"  # the week before, 11月30日—12月6日


def messengers(capabilities):
    return {platform: SimpleNamespace(capabilities=c) for platform, c in capabilities.items()}


def with_cases(database, redis_url, capabilities=BOTH):
    rt = runtime_for(database, redis_url, make_org(), MONDAY, messengers(capabilities))
    store = SqlCaseStore(database)
    for when, grade in ((datetime(2026, 12, 2, 10, tzinfo=SHANGHAI), Grade.MAJOR),
                        (datetime(2026, 12, 3, 9, tzinfo=SHANGHAI), Grade.GENERAL),
                        (datetime(2026, 11, 24, 15, tzinfo=SHANGHAI), Grade.SENSITIVE)):
        case_commands.open_case(store, RULES, Actor("p-li"), when, title="案件", grade=grade)
    case_commands.open_case(store, RULES, Actor("p-li"), datetime(2026, 12, 2, tzinfo=SHANGHAI), title="演练",
                            drill=True)
    return rt


def weekly_rows(database):
    with database.session() as session:
        rows = session.scalars(select(outbox.OutboxRow).where(outbox.OutboxRow.dedup_id.like("dg:weekly%"))
                               .order_by(outbox.OutboxRow.id)).all()
        return [SimpleNamespace(id=r.id, dedup=r.dedup_id, platform=r.platform, method=r.method,
                                card=dict(r.card)) for r in rows]


def test_each_leader_gets_the_chart_right_after_the_text_digest(sqlite_database, redis_url):
    rt = with_cases(sqlite_database, redis_url)
    assert digests.send_due(rt, MONDAY) == 2
    rows = weekly_rows(sqlite_database)
    charts = [r for r in rows if r.dedup.startswith("dg:weekly-chart:")]
    assert {r.dedup.rsplit(":", 1)[1]: r.platform for r in charts} == LEADERS  # the desk gets the text only
    assert all(r.method == "person" and r.card["kind"] == "image" for r in charts)
    for chart in charts:
        person = chart.dedup.rsplit(":", 1)[1]
        text = next(r for r in rows if r.dedup == f"dg:weekly:2026-12-07:{person}")
        assert text.card["kind"] == "digest" and chart.id == text.id + 1  # the picture right after the text
    assert {r.dedup.rsplit(":", 1)[1] for r in rows if r.card["kind"] == "digest"} == set(LEADERS) | DESK
    assert {r.card["data"]["blob"] for r in charts} == {charts[0].card["data"]["blob"]}  # stored once
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(blobs.BlobRow)) == 1
        blob = blobs.read(session, charts[0].card["data"]["blob"])
        expected = weekly_chart(chart_data(session, read_organisation(session), MONDAY.date()),
                                "舆情周报 2026年第49周（11月30日—12月6日）")
    assert (blob.name, blob.mime, charts[0].card["data"]["name"]) == (NAME, "image/png", NAME)
    assert bytes(blob.content) == expected and expected.startswith(b"\x89PNG")


def test_a_second_run_sends_no_second_picture(sqlite_database, redis_url):
    rt = with_cases(sqlite_database, redis_url)
    digests.send_due(rt, MONDAY)
    rt.redis.flushdb()  # the claim gone: the outbox's dedup ids still refuse a second digest
    digests.send_due(rt, MONDAY)
    assert len([r for r in weekly_rows(sqlite_database) if r.card["kind"] == "image"]) == len(LEADERS)


def test_a_platform_that_sends_no_pictures_gets_the_text_only(sqlite_database, redis_url):
    rt = with_cases(sqlite_database, redis_url, {**BOTH, "wecom": WITHOUT_APP})
    digests.send_due(rt, MONDAY)
    charts = {r.dedup.rsplit(":", 1)[1] for r in weekly_rows(sqlite_database) if r.card["kind"] == "image"}
    assert charts == {"p-wu", "p-zheng"}  # the DingTalk leaders


def test_a_chart_that_cannot_be_drawn_leaves_the_text_digests(sqlite_database, redis_url, monkeypatch, caplog):
    def broken(data, title):
        raise RuntimeError("no font")

    monkeypatch.setattr(digests, "weekly_chart", broken)
    rt = with_cases(sqlite_database, redis_url)
    assert digests.send_due(rt, MONDAY) == 2
    rows = weekly_rows(sqlite_database)
    assert rows and all(r.card["kind"] == "digest" for r in rows)
    assert "the weekly chart of 2026-12-07 could not be drawn" in caplog.text


def test_the_daily_digest_has_no_picture(sqlite_database, redis_url):
    tuesday = datetime(2026, 12, 8, 8, 31, tzinfo=SHANGHAI)
    rt = runtime_for(sqlite_database, redis_url, make_org(), tuesday, messengers(BOTH))
    assert digests.send_due(rt, tuesday) == 1
    with sqlite_database.session() as session:
        kinds = set(session.scalars(select(outbox.OutboxRow.card["kind"].as_string())))
    assert kinds == {"digest"}


def test_a_worker_without_its_chart_font_stops_at_start_with_one_line(monkeypatch, capsys, tmp_path):
    gone = tmp_path / "fonts" / "NotoSansSC-subset.otf"
    monkeypatch.setattr(font, "PATH", gone)
    monkeypatch.setattr(runner, "wait_for_redis", lambda settings: pytest.fail("the font is checked first"))
    monkeypatch.setattr(sys, "argv", ["yuqing", "worker", "--burst"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1
    assert err.startswith("yuqing: configuration error: the chart font ") and str(gone) in err
