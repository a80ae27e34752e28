"""导出 YQ-… as a person meets it (issue 24), as pure handlers on a real case store (``unit_side.World``): the desk,
the desk head and the case's leaders are told the file is on its way and the worker is asked for it (ids only);
anyone else is refused politely, naming who may; a 涉密 case is never exported through the chat — whoever asks —
and the refusal is on its timeline; where no file can go 1:1 the answer is the board's download link (valid 24 h),
or, the board off, whom to ask; an unknown number and a bare 导出 are answered kindly."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.core import queues
from bot.core.board_links import export_link, read_export_link
from bot.core.card import Card, Reply
from bot.core.errors import HandlerError
from bot.domain.grade import Grade
from handlers.engine import process
from bot.platforms.wecom.capabilities import WITH_LONG_CONNECTION, WITHOUT_APP
from handlers.export_case import CONFIDENTIAL, NO_FILES_NO_BOARD, USAGE, request_key
from tests.support.capabilities import BOTH
from handlers.registry import dialogs, load_router
from tests.unit.handlers.unit_side import World, texts

SECRET = "export-link-test-secret"


class Asking(World):
    """The world whose last context is kept: the jobs a handler asked the worker for (``jobs``)."""

    def act(self, person_id: str, text: str = "", action: str = "", params: dict | None = None, **kw) -> list[Reply]:
        event = self.event(person_id, text, action, params, **kw)
        self.last_event, ctx = event, self.ctx(person_id)
        ctx.capabilities = getattr(self, "capabilities", ctx.capabilities)
        self.jobs = ctx.extra.setdefault("jobs", [])
        ctx.extra["export_link"] = getattr(self, "export_link", None)
        try:
            return process(event, ctx, None, self.now, dialogs, load_router()).replies
        except HandlerError as exc:
            return [Reply(Card("notice", {"text": exc.message}))]

    def timeline(self, case_id: int) -> list:
        return self.store.run(lambda repo: repo.timeline(case_id))


@pytest.fixture
def world(sqlite_database):
    return Asking(sqlite_database)


def assigned(world, confidential=False, unit="u-foodsale"):
    case = world.open(Grade.MAJOR, confidential=confidential).case
    world.assign(case.id, unit)
    return case


def test_the_desk_is_told_the_file_is_coming_and_the_worker_is_asked_with_ids_only(world):
    case = assigned(world)
    before = len(world.timeline(case.id))
    (answer,) = world.act("p-li", text=f"导出 {case.number.lower()}")
    assert texts([answer]) == [f"正在生成 {case.number} 的档案文件，稍后私信发送。"]
    assert answer.to is None and answer.case_id == case.id
    event = world.last_event
    assert world.jobs == [{"queue": queues.PREVIEW, "job": queues.EXPORT_CASE,
                           "args": [case.id, "p-li", event.platform, "docx", request_key(event)]}]
    assert len(world.timeline(case.id)) == before  # the worker records the export when it makes the file


def test_asked_in_a_group_the_answer_stays_short_and_the_file_is_for_the_person(world):
    case = assigned(world)
    (answer,) = world.act("p-sun", text=f"导出 {case.number} docx", chat_type="group")
    assert "稍后私信发送" in texts([answer])[0]
    [job] = world.jobs
    assert job["args"][1:4] == ["p-sun", "dingtalk", "docx"]  # the person and his platform: 1:1, never the group


def test_where_nothing_can_go_one_to_one_the_answer_is_the_boards_expiring_download_link(world):
    case = assigned(world)
    before = len(world.timeline(case.id))
    world.capabilities = {**BOTH, "wecom": WITHOUT_APP}  # WeCom's smart bot alone: it can only answer
    world.export_link = partial(export_link, "https://yuqing.example.gov.cn/", SECRET, now=world.now)  # the worker's
    (answer,) = world.act("p-chen", text=f"导出 {case.number}", chat_type="group")  # 陈干事 of the desk: WeCom
    [text] = texts([answer])
    assert world.last_event.platform == "wecom" and answer.to is None and answer.case_id == case.id
    prefix = f"本平台无法私信发送文件，请登录舆情看板下载 {case.number} 的档案文件（链接 24 小时内有效）："
    assert text.startswith(prefix + f"https://yuqing.example.gov.cn/board/cases/{case.number}/download?t=")
    token = parse_qs(urlsplit(text[len(prefix):]).query)["t"][0]
    assert read_export_link(SECRET, case.number, token, world.now + timedelta(hours=23)) is None
    assert read_export_link(SECRET, case.number, token, world.now + timedelta(hours=24)) == "expired"
    assert world.jobs == [] and len(world.timeline(case.id)) == before  # nothing exported, nothing recorded
    world.capabilities = {**BOTH, "wecom": WITH_LONG_CONNECTION}  # the smart bot's long connection sends files 1:1
    assert "正在生成" in texts(world.act("p-chen", text=f"导出 {case.number}"))[0] and len(world.jobs) == 1


def test_without_the_board_the_answer_says_whom_to_ask(world):
    case = assigned(world)
    world.capabilities = {**BOTH, "wecom": WITHOUT_APP}
    world.export_link = None  # no BOARD_SECRET_KEY: the worker passes no link maker
    (answer,) = world.act("p-chen", text=f"导出 {case.number}")
    assert texts([answer]) == [NO_FILES_NO_BOARD.format(number=case.number)] == [
        f"本平台无法私信发送 {case.number} 的档案文件，请联系舆情工作台或信息中心在服务器上导出（yuqing case export）。"]
    assert "http" not in texts([answer])[0] and world.jobs == []


@pytest.mark.parametrize("person", ["p-sun", "p-zhao", "p-qian", "p-wu"])  # desk head, main, publicity, in charge
def test_the_desk_head_and_the_cases_leaders_may_export(world, person):
    case = assigned(world)
    (answer,) = world.act(person, text=f"导出 {case.number}")
    assert "正在生成" in texts([answer])[0] and len(world.jobs) == 1


@pytest.mark.parametrize("person", ["p-wei", "p-chu", "p-jiang", "p-zheng"])  # the unit's liaison and head, others
def test_anyone_else_is_refused_politely_naming_who_may(world, person):
    case = assigned(world)
    before = len(world.timeline(case.id))
    (refusal,) = world.act(person, text=f"导出 {case.number}")
    text = texts([refusal])[0]
    assert text.startswith(f"您没有导出 {case.number} 的权限") and "舆情工作台" in text and "局领导" in text
    assert world.jobs == [] and len(world.timeline(case.id)) == before


@pytest.mark.parametrize("person", ["p-sun", "p-li", "p-wei"])  # even the desk head, who may export it on the server
def test_a_confidential_case_is_never_exported_in_the_chat_and_the_refusal_is_on_its_timeline(world, person):
    case = assigned(world, confidential=True)
    (refusal,) = world.act(person, text=f"导出 {case.number}")
    assert texts([refusal]) == [CONFIDENTIAL.format(number=case.number)]
    assert texts([refusal]) == [f"{case.number} 为涉密案件，不通过聊天导出；请联系信息中心在服务器上导出。"]
    assert world.jobs == []
    last = world.timeline(case.id)[-1]
    assert (last.action, last.actor, last.platform) == ("case.export_refused", person, world.last_event.platform)


def test_an_unknown_number_a_bare_word_and_another_format_are_answered(world):
    case = assigned(world)
    assert texts(world.act("p-li", text="导出 YQ-2026-9999")) == ["没有找到案件 YQ-2026-9999，请核对编号（如 YQ-2026-0001）。"]
    assert texts(world.act("p-li", text="导出")) == [USAGE]
    (other,) = world.act("p-li", text=f"导出 {case.number} md")
    assert "只导出 Word 文件" in texts([other])[0] and f"导出 {case.number}" in texts([other])[0]
    assert world.jobs == []


def test_each_message_has_its_own_request_key(world):
    case = assigned(world)
    world.act("p-li", text=f"导出 {case.number}")
    first = world.jobs[0]["args"][-1]
    world.now = world.now.replace(minute=5)  # a second 导出 later: a new export
    world.act("p-li", text=f"导出 {case.number}")
    assert world.jobs[0]["args"][-1] != first and len(first) == 32
