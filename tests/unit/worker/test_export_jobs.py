"""The worker's half of 导出 YQ-… (issue 24): the job records the export on the case's timeline, renders the dossier
read after it and puts the .docx in the outbox 1:1 to the person on the platform they asked on — once per 导出
message; a platform that cannot send a file 1:1 gets the board's download link, valid 24 hours, instead (or, the
board off, whom to ask; nothing exported, nothing recorded); a case marked 涉密 meanwhile is refused, the refusal
on its timeline."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import docx
import pytest
from sqlalchemy import func, select

from bot.core.board_links import export_link, read_export_link
from bot.core.clock import utcnow
from bot.domain.grade import Grade
from bot.platforms.wecom.capabilities import WITHOUT_APP
from bot.store import blobs, outbox
from tests.support.capabilities import BOTH
from worker import events, export_jobs

BASE = "https://yuqing.example.gov.cn"
SECRET = "export-job-test-secret"


@pytest.fixture
def scheduled(monkeypatch):
    rows: list[int] = []
    monkeypatch.setattr(export_jobs, "schedule", lambda rt, row_id: rows.append(row_id))
    return rows


def runtime(world, capabilities=BOTH, board=""):
    settings = {"PUBLIC_BASE_URL": BASE + "/", "BOARD_SECRET_KEY": board}
    return SimpleNamespace(database=world.store.database, redis=None, rules=lambda org: world.rules,
                           capabilities_of=lambda platform: capabilities[platform],
                           settings=SimpleNamespace(get=lambda name, default="": settings.get(name, default)))


def assigned(world, confidential=False):
    case = world.open(Grade.MAJOR, confidential=confidential).case
    world.assign(case.id, "u-foodsale")
    return case


def timeline(world, case_id):
    return world.store.run(lambda repo: repo.timeline(case_id))


def row(world, row_id):
    with world.store.database.session() as session:
        found = session.get(outbox.OutboxRow, row_id)
        return SimpleNamespace(platform=found.platform, method=found.method, address=dict(found.address),
                               card=dict(found.card), case_id=found.case_id)


def blob_count(world) -> int:
    with world.store.database.session() as session:
        return session.scalar(select(func.count()).select_from(blobs.BlobRow))


def file_text(world, card: dict) -> str:
    with world.store.database.session() as session:
        content = blobs.read(session, card["data"]["blob"]).content
    document = docx.Document(BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_file_goes_one_to_one_and_holds_its_own_export_entry(world, scheduled):
    case = assigned(world)
    row_id = export_jobs.export_case(runtime(world), case.id, "p-sun", "dingtalk", "docx", "k" * 32)
    assert scheduled == [row_id]
    sent = row(world, row_id)
    assert (sent.platform, sent.method, sent.address["user_id"]) == ("dingtalk", "person", "0523")  # 孙科长 1:1
    assert sent.case_id == case.id
    assert sent.card["kind"] == "file" and sent.card["data"]["name"] == f"{case.number}-舆情处置档案.docx"
    last = timeline(world, case.id)[-1]
    assert (last.action, last.actor, last.platform, last.payload["format"]) == ("case.exported", "p-sun",
                                                                                "dingtalk", "docx")
    text = file_text(world, sent.card)
    assert case.number in text and last.hash in text  # the chain's head in the file is the export's own entry


def test_a_rerun_for_the_same_message_sends_nothing_more(world, scheduled):
    case = assigned(world)
    rt = runtime(world)
    first = export_jobs.export_case(rt, case.id, "p-li", "wecom", "docx", "a" * 32)
    length = len(timeline(world, case.id))
    assert export_jobs.export_case(rt, case.id, "p-li", "wecom", "docx", "a" * 32) is None
    assert len(timeline(world, case.id)) == length and blob_count(world) == 1 and scheduled == [first]
    assert row(world, first).address["user_id"] == "ligs"  # on the platform asked on: 李干事's WeCom
    second = export_jobs.export_case(rt, case.id, "p-li", "wecom", "docx", "b" * 32)  # a later 导出: a new export
    assert second not in (None, first) and blob_count(world) == 2
    assert [e.action for e in timeline(world, case.id)].count("case.exported") == 2


def test_a_platform_without_one_to_one_files_gets_the_boards_download_link_and_nothing_is_exported(world, scheduled):
    case = assigned(world)
    before = len(timeline(world, case.id))
    rt = runtime(world, {**BOTH, "wecom": WITHOUT_APP}, board=SECRET)
    asked = utcnow()
    sent = row(world, export_jobs.export_case(rt, case.id, "p-li", "wecom", "docx", "c" * 32))
    assert (sent.method, sent.address["user_id"], sent.card["kind"]) == ("person", "ligs", "notice")
    prefix = f"本平台无法私信发送文件，请登录舆情看板下载 {case.number} 的档案文件（链接 24 小时内有效）："
    text = sent.card["data"]["text"]
    assert text.startswith(f"{prefix}{BASE}/board/cases/{case.number}/download?t=")
    token = parse_qs(urlsplit(text[len(prefix):]).query)["t"][0]
    assert read_export_link(SECRET, case.number, token, asked + timedelta(hours=23, minutes=59)) is None
    assert read_export_link(SECRET, case.number, token, asked + timedelta(hours=24, minutes=1)) == "expired"
    assert len(timeline(world, case.id)) == before and blob_count(world) == 0


def test_without_the_board_the_notice_says_whom_to_ask(world, scheduled):
    case = assigned(world)
    rt = runtime(world, {**BOTH, "wecom": WITHOUT_APP})  # no BOARD_SECRET_KEY
    sent = row(world, export_jobs.export_case(rt, case.id, "p-li", "wecom", "docx", "f" * 32))
    assert sent.card["data"]["text"] == (f"本平台无法私信发送 {case.number} 的档案文件，请联系舆情工作台或信息中心在服务器上"
                                         "导出（yuqing case export）。")
    assert blob_count(world) == 0


def test_a_case_marked_confidential_meanwhile_is_refused_on_its_timeline(world, scheduled):
    case = assigned(world, confidential=True)
    sent = row(world, export_jobs.export_case(runtime(world), case.id, "p-sun", "dingtalk", "docx", "d" * 32))
    assert sent.method == "person" and sent.card["data"]["text"] == (
        f"{case.number} 为涉密案件，不通过聊天导出；请联系信息中心在服务器上导出。")
    last = timeline(world, case.id)[-1]
    assert (last.action, last.actor) == ("case.export_refused", "p-sun") and blob_count(world) == 0


def test_an_unknown_case_or_an_unreachable_person_writes_nothing(world, scheduled):
    case = assigned(world)
    before = len(timeline(world, case.id))
    assert export_jobs.export_case(runtime(world), 9999, "p-sun", "dingtalk", "docx", "e" * 32) is None
    assert export_jobs.export_case(runtime(world), case.id, "p-sun", "wecom", "docx", "f" * 32) is None  # no WeCom id
    assert scheduled == [] and len(timeline(world, case.id)) == before and blob_count(world) == 0


def test_the_handlers_get_a_link_maker_only_when_the_board_is_on(world):
    now = utcnow()
    assert events.export_link_of(runtime(world), now) is None  # extra["export_link"] without BOARD_SECRET_KEY
    make = events.export_link_of(runtime(world, board=SECRET), now)
    assert make("YQ-2026-0001") == export_link(BASE, SECRET, "YQ-2026-0001", now)
    assert make("YQ-2026-0001").startswith(f"{BASE}/board/cases/YQ-2026-0001/download?t=")
