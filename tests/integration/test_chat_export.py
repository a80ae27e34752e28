"""导出 YQ-… through the whole product (issue 24): typed into the emulators' chats, handled by a real worker, the case's
archive file reaches the person 1:1 — on DingTalk as a real file (``sampleFile``) even when asked in the desk's
group (the group gets the short answer, never the file), on WeCom through the self-built app — and opens with
python-docx holding the case's number; a 涉密 case is refused and the refusal is on its timeline."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest

from bot.domain.grade import Grade
from tests.integration.stack import running_stack
from tests.integration.unit_flow import People, open_and_assign, timeline_actions

HEAD, DESK_GROUP = "0523", "cidDesk0001=="  # 孙科长, the desk's head (DingTalk), and the desk's group
LIAISON_WECOM = "ligs"  # 李干事 of the desk on WeCom


@pytest.fixture(scope="module")
def stack(redis_service, tmp_path_factory):
    yield from running_stack(redis_service, tmp_path_factory, "export")


def opened_text(content: bytes) -> str:
    document = docx.Document(BytesIO(content))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def test_the_file_reaches_the_person_one_to_one_on_both_platforms_and_a_secret_case_is_refused(stack):
    p = People(stack, timeout=15)
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    case = open_and_assign(stack, ["u-foodsale"], Grade.MAJOR)
    name = f"{case.number}-舆情处置档案.docx"
    # DingTalk, asked in the desk's group: the short answer there, the file 1:1
    dt.say_in_group(HEAD, DESK_GROUP, f"导出 {case.number}")
    p.wait(lambda: any("正在生成" in str(m.content) for m in dt.messages_for_group(DESK_GROUP)), what="the answer")
    [(kind, got, content)] = p.wait(lambda: dt.media.received(dt.messages_for_user(HEAD)), what="the DingTalk file")
    assert (kind, got) == ("sampleFile", name) and case.number in opened_text(content)
    assert dt.media.received(dt.messages_for_group(DESK_GROUP)) == []  # never into the group
    # WeCom, 1:1 through the self-built app
    p.exchange(LIAISON_WECOM, (f"导出 {case.number}", "正在生成"))
    [(kind, got, content)] = p.wait(lambda: wecom.media_for_user(LIAISON_WECOM), what="the WeCom file")
    assert (kind, got) == ("file", name) and case.number in opened_text(content)
    assert timeline_actions(stack, case.case_id).count("case.exported") == 2
    # a 涉密 case: refused, on its timeline, no file
    secret = open_and_assign(stack, ["u-foodsale"], Grade.MAJOR, title="某执法行动线索", confidential=True)
    p.exchange(HEAD, (f"导出 {secret.number}", "不通过聊天导出"))
    assert timeline_actions(stack, secret.case_id)[-1] == "case.export_refused"
    assert len(dt.media.received(dt.messages_for_user(HEAD))) == 1
