"""Cards bigger than DingTalk's 1 KB a value, through the real stack (web, worker, emulators): a 3 000-character
report from a DingTalk unit reaches the desk on both platforms — the DingTalk card cut with its mark and the full
text 1:1 right after it, the WeCom card with nothing lost — with no failed row and no 「消息未送达」; a 改派 card
over twelve units with long names reaches the desk with every unit a button; 帮助 for the desk is delivered.
(docs/platform-dingtalk.md, "Card value limits")."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import select

from bot.core.card import Reply, Target
from bot.core.clock import utcnow
from bot.domain.cards.desk_card import returned_card
from bot.store import outbox
from bot.store.case_repo import SessionCaseStore
from bot.store.org_repo import read_organisation
from tests.integration import stack as stack_module
from tests.integration.dingtalk.long_names import LONG_UNITS, long_names_org
from tests.integration.unit_flow import (add_replies, assignment_states, open_and_assign, report_entries,
                                         schedule_all)

wait_for = partial(stack_module.wait_for, timeout=40)
HEAD, LIAISON, SUN, LI, CHEN = "0601", "0602", "0523", "0524", "chengs"
REPORT = "\n".join(f"第{n}条：涉事门店已停业整改，过期食品全部下架销毁，已立案调查并约谈负责人。" for n in range(1, 91))


def cards(dt, user):
    return [m for m in dt.messages_for_user(user) if m.channel == "card"]


def markdowns(dt, user):
    return [m.content.get("text", "") for m in dt.messages_for_user(user) if m.channel != "card"]


def titled(dt, user, start):
    return [c for c in cards(dt, user) if dt.card_view(c.out_track_id, user)["title"].startswith(start)]


def said(dt, user, text):
    return wait_for(lambda: any(text in t for t in markdowns(dt, user)), what=f"{user} to be told {text!r}")


def failed_rows(stack):
    with stack.database.session() as session:
        return [(r.id, r.last_error) for r in session.scalars(select(outbox.OutboxRow)
                                                               .where(outbox.OutboxRow.state == outbox.FAILED))]


def nobody_told_of_failures(stack):
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    seen = [str(m.content) for who in (SUN, LI, HEAD, LIAISON) for m in dt.messages_for_user(who)]
    seen += [str(m.content) for m in dt.messages_for_group("cidDesk0001==")]
    seen += [str(m["content"]) for m in wecom.messages_for_user(CHEN)]
    return not any("未送达" in text for text in seen)


def submit_report(stack, dt, number):
    """卫干事 (u-foodsale, DingTalk) acknowledges and submits a 初报 of ``REPORT`` from the unit's 1:1 card."""
    own = wait_for(lambda: cards(dt, LIAISON), what="the liaison's card\n" + stack.worker_log())[0]
    dt.click(LIAISON, own.out_track_id, "case.ack")
    wait_for(lambda: [b["text"] for b in dt.card_view(own.out_track_id, LIAISON)["buttons"]] == ["报告"],
             what="the card after 签收\n" + stack.worker_log())
    dt.click(LIAISON, own.out_track_id, "report.start")
    kinds = wait_for(lambda: titled(dt, LIAISON, "选择报告类型") or [c for c in cards(dt, LIAISON)
                     if [b["text"] for b in dt.card_view(c.out_track_id, LIAISON)["buttons"]][:1] == ["初报"]],
                     what="the report kinds card\n" + stack.worker_log())[0]
    dt.click(LIAISON, kinds.out_track_id, "report.kind#1")
    said(dt, LIAISON, "请发送初报内容")
    dt.say_to_bot(LIAISON, REPORT)
    confirm = wait_for(lambda: titled(dt, LIAISON, "确认提交初报"), what="the confirm card\n" + stack.worker_log())[0]
    dt.click(LIAISON, confirm.out_track_id, "report.confirm")
    said(dt, LIAISON, f"已提交 {number} 初报")


def test_a_three_thousand_character_report_reaches_the_desk_whole_on_both_platforms(stack):
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    assert len(REPORT) >= 3000
    case = open_and_assign(stack, ["u-foodsale"])
    submit_report(stack, dt, case.number)
    assert report_entries(stack, case.case_id)[0]["text"] == REPORT

    desk = wait_for(lambda: titled(dt, SUN, "初报"), what="the report at the desk\n" + stack.worker_log())[0]
    seen = dt.card_view(desk.out_track_id, SUN)
    assert seen["body"].endswith("…（全文见私信）") and not seen["problems"]
    assert [b["text"] for b in seen["buttons"]] == ["调整定级"]
    full = wait_for(lambda: [t for t in markdowns(dt, SUN) if "第90条" in t], what="the full text 1:1\n"
                    + stack.worker_log())[0]
    assert all(line in full for line in REPORT.splitlines()) and f"{case.number}（全文）" in full
    order = [m.out_track_id if m.channel == "card" else m.content.get("text", "") for m in dt.messages_for_user(SUN)]
    assert order.index(desk.out_track_id) < order.index(full)          # the card first, then its full text

    wait_for(lambda: any("第90条" in str(m["content"]) for m in wecom.messages_for_user(CHEN)),
             what="the report's end at the desk on WeCom\n" + stack.worker_log())
    on_wecom = "".join(str(m["content"]) for m in wecom.messages_for_user(CHEN))
    assert all(f"第{n}条：涉事门店" in on_wecom for n in range(1, 91))  # nothing of the report lost on WeCom
    assert failed_rows(stack) == [] and nobody_told_of_failures(stack)


def test_help_for_the_desk_on_dingtalk_is_delivered(stack):
    dt = stack.emulator.dingtalk
    dt.say_to_bot(SUN, "帮助")
    wait_for(lambda: markdowns(dt, SUN) or cards(dt, SUN), what="帮助 for 孙科长\n" + stack.worker_log())
    for view in (dt.card_view(c.out_track_id, SUN) for c in cards(dt, SUN)):
        assert not view["problems"]
    assert failed_rows(stack) == [] and nobody_told_of_failures(stack)


@pytest.fixture
def long_stack(redis_url, tmp_path):
    """The whole product on an org with twelve more units of long names (``long_names.py``)."""
    from tests.integration.stack import Stack

    running = Stack(redis_url, tmp_path, org_file=long_names_org(tmp_path))
    yield running
    running.stop()


def offer_units(stack, case, reason):
    """The desk's 退回待改派 card offering all twelve long-named units, to 孙科长 — through the outbox as a handler's
    reply would go (``worker.events.reply_messages`` → ``worker.presenting.add_rows``), delivered by the worker."""
    now = utcnow()
    with stack.database.session() as session:
        store, org = SessionCaseStore(session), read_organisation(session)
        record = store.run(lambda repo: repo.get_case(case.case_id))
        (returned,) = [a for a in store.run(lambda repo: repo.assignments(case.case_id)) if str(a.state) == "returned"]
        card = returned_card(record, returned, "食品经营安全监督管理科", reason, [(u, n) for u, n, _ in LONG_UNITS])
        reply = Reply(card, to=Target("person", "p-sun"), case_id=case.case_id)
        ids = add_replies(session, org, [reply], now, user=SUN, dedup_key=f"test-offer-{case.number}")
    schedule_all(stack, ids)


def test_a_reassign_card_over_twelve_long_unit_names_keeps_every_unit_a_button_away(long_stack):
    stack, dt = long_stack, long_stack.emulator.dingtalk
    case = open_and_assign(stack, ["u-foodsale"])
    own = wait_for(lambda: cards(dt, LIAISON), what="the liaison's card\n" + stack.worker_log())[0]
    dt.click(LIAISON, own.out_track_id, "case.reject")
    said(dt, LIAISON, "理由")
    dt.say_to_bot(LIAISON, "不属于本科室职责")
    wait_for(lambda: titled(dt, SUN, "退回待改派"), what="the desk's card from the handler\n" + stack.worker_log())
    offer_units(stack, case, "不属于本科室职责")

    def offered():
        views = {c.out_track_id: dt.card_view(c.out_track_id, SUN) for c in titled(dt, SUN, "退回待改派")}
        units = {b["params"].get("u"): (track, b) for track, v in views.items() for b in v["buttons"]}
        return views, units if all(uid in units for uid, _, _ in LONG_UNITS) else None

    wait_for(lambda: offered()[1], what="every long-named unit on a button\n" + stack.worker_log())
    views, units = offered()
    assert all(not v["problems"] for v in views.values())
    assert [units[uid][1]["text"] for uid, _, _ in LONG_UNITS] == [name for _, name, _ in LONG_UNITS]
    assert any("（续 " in v["title"] for v in views.values())           # the twelve did not fit on one card

    (track, button), = [(t, b) for t, v in views.items() if "（续 " in v["title"] for b in v["buttons"]
                        if b["params"].get("u") == "u-long12"]                 # the last unit, on a continuation card
    dt.click(SUN, track, button["action_id"])
    wait_for(lambda: ("u-long12", "warned") in assignment_states(stack, case.case_id),
             what="the case reassigned to the last unit\n" + stack.worker_log())
    wait_for(lambda: cards(dt, "0962"), what="the new unit's warning to its liaison\n" + stack.worker_log())
    assert failed_rows(stack) == [] and nobody_told_of_failures(stack)
