"""The daily digest carries the day's anchor line (存证锚点) and appends it to ANCHOR_FILE; the weekly one does not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.config import ROOT, load
from bot.core.card import Card
from bot.core.clock import SHANGHAI
from bot.domain.case import commands as case_commands
from bot.domain.case.anchors import parse_anchors
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.platforms.render import render_json, render_text
from bot.platforms.wecom.bodies import Bodies
from bot.platforms.wecom.buttons import task_id
from bot.store import outbox
from bot.store.anchors import chain_heads
from bot.store.case_repo import SqlCaseStore
from tests.unit.domain.sample_org import make_org
from tests.unit.worker.runtimes import runtime_for
from worker import digests

RULES = Rules(make_org(), default_policy(), WorkCalendar())
MONDAY = datetime(2026, 11, 30, 8, 31, tzinfo=SHANGHAI)  # the daily and the weekly digest are both due
TEMPLATES = ROOT / "templates"


def digest_cards(rt, kind):
    with rt.database.session() as session:
        rows = session.scalars(select(outbox.OutboxRow).where(outbox.OutboxRow.dedup_id.like(f"dg:{kind}:%")))
        return [r.card for r in rows]


def test_the_daily_digest_appends_its_anchor_and_shows_the_same_line(sqlite_database, redis_url, tmp_path):
    path = tmp_path / "var" / "anchors.txt"
    rt = runtime_for(sqlite_database, redis_url, make_org(), MONDAY, anchor_file=str(path))
    store = SqlCaseStore(sqlite_database)
    case_commands.open_case(store, RULES, Actor("p-li"), MONDAY, title="真实案件", grade=Grade.MAJOR)
    case_commands.open_case(store, RULES, Actor("p-li"), MONDAY, title="演练案件", drill=True)
    assert digests.send_due(rt, MONDAY) == 2
    (anchor,) = parse_anchors(path.read_text(encoding="utf-8"))  # once, for the daily digest only
    with sqlite_database.session() as session:
        assert list(anchor.heads) == chain_heads(session)  # drills included
    line = path.read_text(encoding="utf-8").splitlines()[0]
    assert line.startswith("anchor 2026-11-30 cases=2 sha256=") and anchor.intact
    daily = digest_cards(rt, "daily")
    assert daily and all(card["data"]["anchor"] == line for card in daily)
    assert all(card["data"]["anchor"] == "" for card in digest_cards(rt, "weekly"))
    card = Card(daily[0]["kind"], daily[0]["data"])
    shown = f"存证锚点：{line}"
    assert shown in render_text(TEMPLATES, card)
    assert shown in render_json(TEMPLATES, "dingtalk", card)["markdown"]["text"]
    assert any(shown in str(body) for body in Bodies(TEMPLATES).pieces(card, task_id(), cards=False, plain=False))
    assert "存证锚点" not in render_text(TEMPLATES, Card("digest", digest_cards(rt, "weekly")[0]["data"]))


def test_an_anchor_file_that_cannot_be_written_does_not_stop_the_digest(sqlite_database, redis_url, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    rt = runtime_for(sqlite_database, redis_url, make_org(), MONDAY, anchor_file=str(blocker / "anchors.txt"))
    assert digests.send_due(rt, MONDAY) == 2
    assert all(card["data"]["anchor"].startswith("anchor 2026-11-30 cases=0 ") for card in digest_cards(rt, "daily"))


def test_with_the_board_on_the_digest_says_where_to_look_at_the_cases(sqlite_database, redis_url, tmp_path):
    rt = runtime_for(sqlite_database, redis_url, make_org(), MONDAY)
    assert digests.board_address(rt.settings) == ""  # no BOARD_SECRET_KEY: no board, no link
    on = runtime_for(sqlite_database, redis_url, make_org(), MONDAY)
    on.settings = load({"REDIS_URL": redis_url, "ANCHOR_FILE": str(tmp_path / "a.txt"),
                        "BOARD_SECRET_KEY": "k" * 32, "PUBLIC_BASE_URL": "https://yq.example.gov.cn/"})
    assert digests.send_due(on, MONDAY) == 2
    daily = digest_cards(on, "daily")
    assert daily and all(card["data"]["board"] == "https://yq.example.gov.cn/board" for card in daily)
    text = render_text(TEMPLATES, Card(daily[0]["kind"], daily[0]["data"]))
    assert "在看板查看各案件：https://yq.example.gov.cn/board" in text
