"""The side panel: open cases with grade, state and the next deadline (a live countdown), and the
timeline of the chosen case — read from the store, and calm when there is nothing to read."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.console.board import read_board, read_timeline
from bot.store import Database

cases = pytest.importorskip("bot.store.cases")
timeline = pytest.importorskip("bot.store.timeline")
from bot.domain.case.timeline import EntryDraft  # noqa: E402

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def _open_case(database, number: str, grade: int, state: str = "opened", drill: bool = False,
               due_in: timedelta | None = timedelta(hours=1)) -> None:
    year, serial = (int(p) for p in number.split("-")[1:3])
    with database.session() as session:
        row = cases.CaseRow(number=number, year=year, serial=serial, title=f"{number} 某店销售过期食品",
                            grade=grade, state=state, owner_unit="u-desk", opened_by="p-li", opened_at=NOW,
                            first_seen_at=NOW, source="console-test", drill=drill)
        session.add(row)
        session.flush()
        if due_in is not None:
            session.add(cases.DutyRow(case_id=row.id, kind="acknowledge", grade=grade, owner_unit="u-food",
                                      started_at=NOW, due_at=NOW + due_in, policy={}, reminders=[], escalations=[],
                                      state="open"))
        timeline.append_entry(session, row.id, EntryDraft("p-li", "desk", "wecom", "case.open",
                                                          {"link": "https://news.example.com/a/1"}, NOW))
        timeline.append_entry(session, row.id, EntryDraft("p-zhou", "head", "wecom", "case.ack", {}, NOW))


def test_an_empty_board_says_there_are_no_open_cases(client):
    html = client.get("/console/side").get_data(as_text=True)
    assert "暂无未结案件" in html and "时间线" in html


def test_open_cases_show_grade_state_and_a_countdown_to_the_next_deadline(console_stack, client):
    _open_case(console_stack.database, "YQ-2026-0001", 3)
    _open_case(console_stack.database, "YQ-2026-0002", 1, drill=True, due_in=None)
    _open_case(console_stack.database, "YQ-2026-0003", 2, state="archived")
    html = client.get("/console/side").get_data(as_text=True)
    assert "YQ-2026-0001" in html and "重大" in html and "已立案" in html and "签收" in html
    due_ms = int((NOW + timedelta(hours=1)).timestamp() * 1000)
    assert f'data-due="{due_ms}"' in html
    assert "YQ-2026-0002" in html and "演练" in html
    assert "YQ-2026-0003" not in html  # archived cases are off the board
    assert "综合应急和新闻宣传科" in html  # the owner unit by name
    assert "签收预警 · 食品生产安全监督管理科" in html  # whose deadline it is, in the chat's duty names


def test_the_chosen_case_shows_its_timeline_with_names(console_stack, client):
    _open_case(console_stack.database, "YQ-2026-0001", 3)
    html = client.get("/console/side?case=YQ-2026-0001").get_data(as_text=True)
    assert "case.open" in html and "case.ack" in html
    assert "李干事" in html and "周科长" in html and "news.example.com" in html
    assert html.index("case.open") < html.index("case.ack")
    page = client.get("/?case=YQ-2026-0001").get_data(as_text=True)
    assert "case.ack" in page


def test_an_unknown_case_is_said_so(client):
    assert "找不到案件" in client.get("/console/side?case=YQ-2099-9999").get_data(as_text=True)


def test_a_database_without_case_tables_gives_a_note_not_an_error(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        board = read_board(database, {})
        assert board.cases == [] and "尚未建立" in board.note
        assert read_timeline(database, "YQ-2026-0001", {}) is None
    finally:
        database.dispose()
