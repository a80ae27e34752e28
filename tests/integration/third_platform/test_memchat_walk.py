"""A platform the product does not name runs the unit's side of a case through the real web app and a
real worker: memchat, a test-only platform (``memchat/``: an in-memory adapter and an emulator stub;
``templates/memchat/``), switched on by settings alone — ``YUQING_PLATFORMS`` names its package,
``MEMCHAT_SECRET`` its channel, ``TEMPLATES_DIR`` puts its templates before the shipped ones.

The organisation is the sample's with 消费者权益保护科's liaison 吕干事 on memchat only (``memchat: m-lv``)
and a memchat room beside the unit's WeCom group. The desk (陈干事) forwards a link and assigns the unit
on WeCom; 吕干事 receives the warning card on memchat, clicks 签收 (the card changes in place, the head
is told on WeCom), and submits a 初报 through the 报告 dialog; the case's state is read from the database."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.org import known_platforms
from bot.core import platform_table
from bot.store.case_views import case_detail
from bot.store.cases import CaseRow
from bot.store.timeline import TimelineRow
from tests.integration import stack as stack_module
from tests.integration.third_platform.memchat.stub import MemchatStub

wait_for = partial(stack_module.wait_for, timeout=40)
HERE = Path(__file__).resolve().parent
LIAISON, ROOM, UNIT = "m-lv", "room-consumer", "消费者权益保护科"
SECRET = "memchat-test-secret"


def _org_file(folder: Path) -> Path:
    """The sample organisation with 吕干事 on memchat only and a memchat room for 消费者权益保护科."""
    text = stack_module.SAMPLE_ORG.read_text(encoding="utf-8")
    person = "{id: p-lv,     name: 吕干事,     wecom: lvgs}"
    groups = '      wecom: {webhook_key: "${WECOM_HOOK_CONSUMER}", aibot_chatid: wrConsumer1}\n'
    assert person in text and groups in text, "the sample org changed: update this test's edits"
    text = text.replace(person, "{id: p-lv, name: 吕干事, memchat: m-lv}")
    text = text.replace(groups, groups + f"      memchat: {{room: {ROOM}}}\n")
    path = folder / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def memchat_stack(redis_url, tmp_path):
    stub = MemchatStub(SECRET)
    env = {"YUQING_PLATFORMS": "tests.integration.third_platform.memchat", "MEMCHAT_SECRET": SECRET,
           "TEMPLATES_DIR": os.pathsep.join([str(HERE / "templates"), str(stack_module.ROOT / "templates")])}
    try:
        running = stack_module.Stack(redis_url, tmp_path, extra_env=env, org_file=_org_file(tmp_path),
                                     emulator_extras=[stub])
        running.memchat = stub
        yield running
        running.stop()
    finally:
        platform_table.forget("memchat")  # loading the settings registered it in this process too


def _case(stack) -> dict | None:
    """The stack's one case as the store shows it (None until it exists)."""
    with stack.database.session() as session:
        number = session.scalar(select(CaseRow.number).order_by(CaseRow.id).limit(1))
        return case_detail(session, number) if number else None


def _reports(stack, case_id: int) -> list[dict]:
    """The payloads of the case's report.submit timeline entries."""
    with stack.database.session() as session:
        return list(session.scalars(select(TimelineRow.payload).where(
            TimelineRow.case_id == case_id, TimelineRow.action == "report.submit").order_by(TimelineRow.seq)))


def _card(stub, *, user=None, room=None, title):
    read = (lambda: stub.for_user(user)) if user else (lambda: stub.in_room(room))
    return wait_for(lambda: next((s for s in read() if s.card["title"].startswith(title)), None),
                    what=f"a card {title!r} for {user or room}")


def test_the_product_does_not_name_the_third_platform():
    """Everything memchat needs is under tests/ (docs/architecture.md, "Where to add: a platform"): no module
    or template of the product names it."""
    named = [str(path.relative_to(stack_module.ROOT)) for folder in ("bot", "worker", "handlers", "templates")
             for path in (stack_module.ROOT / folder).rglob("*") if path.is_file() and path.suffix in {".py", ".j2", ".yaml"}
             and "memchat" in path.read_text(encoding="utf-8", errors="replace")]
    assert named == []


def test_a_liaison_on_a_third_platform_acknowledges_and_reports(memchat_stack):
    stack, memchat, wecom = memchat_stack, memchat_stack.memchat, memchat_stack.emulator.wecom
    assert "memchat" in known_platforms()
    wecom.act_as("chengs").send_link("网友投诉某商场虚假促销", "https://weibo.com/1234567890/PqRsTu", "价格先涨后降……")
    case = wait_for(lambda: _case(stack), what="the case\n" + stack.worker_log())
    number = case["number"]
    wecom.act_as("chengs").send_text(f"分派 {number} {UNIT}")

    warning = _card(memchat, user=LIAISON, title=f"舆情预警 {number}")
    assert [b["label"] for b in warning.card["buttons"]] == ["签收", "非本单位职责"]
    assert [f["label"] for f in warning.card["facts"]][:3] == ["等级", "签收时限", "初报时限"]
    in_room = _card(memchat, room=ROOM, title=f"舆情预警 {number}")           # the unit's memchat room too
    assert [b["label"] for b in in_room.card["buttons"]] == ["签收", "非本单位职责"]

    assert memchat.click(LIAISON, warning, "签收").status_code == 200
    for copy in (warning, in_room):                          # every copy changes in place: memchat can
        wait_for(lambda: copy.card["status"].startswith("已由吕干事于"),
                 what="the card to show who acknowledged\n" + stack.worker_log())
        assert [b["label"] for b in copy.card["buttons"]] == ["报告"]
    wait_for(lambda: any("吕干事已于" in str(m["content"]) for m in wecom.messages_for_user("heks")),
             what="the head (on WeCom) told")
    assert [(a["unit"], a["state"]) for a in _case(stack)["assignments"]] == [("u-consumer", "acknowledged")]

    memchat.click(LIAISON, warning, "报告")
    kinds = _card(memchat, user=LIAISON, title=f"报告 {number}")
    assert [b["label"] for b in kinds.card["buttons"]] == ["初报", "核报", "续报", "专项报告"]
    memchat.click(LIAISON, kinds, "初报")
    wait_for(lambda: any("请发送初报内容" in s.card["body"] for s in memchat.for_user(LIAISON)),
             what="the prompt for the report's text\n" + stack.worker_log())
    memchat.say(LIAISON, "商场已停止促销活动，价格已恢复，市场监管所已现场检查。")
    confirm = _card(memchat, user=LIAISON, title="确认提交初报")
    memchat.click(LIAISON, confirm, "确认提交")
    wait_for(lambda: any(f"已提交 {number} 初报（第1版）" in s.card["body"] for s in memchat.for_user(LIAISON)),
             what="the report's confirmation\n" + stack.worker_log())

    case = _case(stack)
    (entry,) = _reports(stack, case["id"])
    assert "停止促销活动" in str(entry)
    assert [a["state"] for a in case["assignments"]] == ["reported"]
    assert [e["action"] for e in case["timeline"] if e["action"] != "case.preview"] == [
        "case.open", "case.assign", "case.ack", "report.submit"]
    wait_for(lambda: "最新报告：初报（第1版）" in warning.card["status"], what="the card to show the latest report")
