"""The worker's half of 导出 YQ-… (issue 24): the job records the export on the case's timeline, renders the dossier
read after it and puts the .docx in the outbox 1:1 to the person on the platform they asked on — once per 导出
message; a platform that cannot send a file 1:1 gets the board's address instead (nothing exported, nothing
recorded); a case marked 涉密 meanwhile is refused, the refusal on its timeline."""

from __future__ import annotations

from io import BytesIO
from types import SimpleNamespace

import docx
import pytest
from sqlalchemy import func, select

from bot.domain.grade import Grade
from bot.platforms.wecom.capabilities import WITHOUT_APP
from bot.store import blobs, outbox
from tests.support.capabilities import BOTH
from tests.unit.handlers.unit_side import World
from worker import export_jobs

BASE = "https://yuqing.example.gov.cn"


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


@pytest.fixture
def scheduled(monkeypatch):
    rows: list[int] = []
    monkeypatch.setattr(export_jobs, "schedule", lambda rt, row_id: rows.append(row_id))
    return rows


def runtime(world, capabilities=BOTH):
    settings = {"PUBLIC_BASE_URL": BASE + "/"}
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


def test_a_platform_without_one_to_one_files_gets_the_boards_address_and_nothing_is_exported(world, scheduled):
    case = assigned(world)
    before = len(timeline(world, case.id))
    rt = runtime(world, {**BOTH, "wecom": WITHOUT_APP})
    sent = row(world, export_jobs.export_case(rt, case.id, "p-li", "wecom", "docx", "c" * 32))
    assert (sent.method, sent.address["user_id"], sent.card["kind"]) == ("person", "ligs", "notice")
    assert sent.card["data"]["text"] == (f"本平台无法私信发送文件，请登录舆情看板，在案件 {case.number} 的页面下载档案文件："
                                         f"{BASE}/board/cases/{case.number}。")
    assert len(timeline(world, case.id)) == before and blob_count(world) == 0


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
