"""The clock's 1:1 reminder carries the button of the act that ends the duty (issue 19, item 1): through the
real worker, RQ's scheduler, the signed callbacks and the emulators, the policy scaled ×240 (a 重大 case's
30-minute 签收 becomes 7.5 s; its first reminder comes at half of that):

* WeCom (u-drug: liaison 沈干事 shengs): the 催办 card in his 1:1 chat has 签收; his click acknowledges the case
  on time; the unit's group (the robot's markdown) is told what to type, ``签收 YQ-…``, and gets no button;
* DingTalk (u-foodsale: liaison 卫干事 0602): the same through DingTalk's card callback;
* the act typed by someone who may not do it (the desk's 李干事 signing for the unit) is refused politely and
  ends nothing; the 逾期提醒 of the undone 初报 reaches the unit's leader in charge (吴副局长) with the act's
  button, and his click is refused politely the same way — the button goes through the act's own handler;
* 我的待办 shows a duty with its act's button, on both platforms; clicked, it starts the act (the 初报 is asked
  for at once).

Once a later duty (the 初报, undone) has been escalated, the signed duty shows no 逾期提醒 of its own.
"""

from __future__ import annotations

from functools import partial

import pytest

from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from tests.integration import stack as stack_module
from tests.integration.duty_checks import duty, escalations, scaled_stack
from tests.integration.unit_flow import open_and_assign

wait_for = partial(stack_module.wait_for, timeout=40)
DRUG_GROUP = "药品安全监督管理科"
WEI, DESK_LI, WU = "0602", "0524", "0412"


@pytest.fixture
def scaled(redis_url, tmp_path):
    running = scaled_stack(redis_url, tmp_path, 240, RECONCILE_INTERVAL="2")
    yield running
    running.stop()


def wecom_reminder(wecom, userid, number):
    """The 催办 card (with buttons) ``userid`` holds about case ``number``, or None."""
    return next((c for c in wecom.cards_for_user(userid)
                 if c["card"].get("main_title", {}).get("title", "").startswith(f"催办：{number}") and c["clickable"]),
                None)


def dt_reminder(dt, userid, number):
    for m in reversed([m for m in dt.messages_for_user(userid) if m.channel == "card"]):
        view = dt.card_view(m.out_track_id, userid)
        if view["title"].startswith(f"催办：{number}") and view["buttons"]:
            return m.out_track_id, view
    return None


def test_a_wecom_reminder_carries_the_button_that_signs_and_the_group_is_told_what_to_type(scaled):
    wecom = scaled.emulator.wecom
    case = open_and_assign(scaled, ["u-drug"], Grade.MAJOR)
    ack = duty(scaled, case.case_id, DutyKind.ACKNOWLEDGE)
    card = wait_for(lambda: wecom_reminder(wecom, "shengs", case.number),
                    what="the 1:1 reminder with its button\n" + scaled.worker_log())
    assert card["card"]["card_type"] == "button_interaction"
    assert [b["text"] for b in card["card"]["button_list"]] == ["签收"]
    group = wait_for(lambda: [m for m in wecom.messages_for_group(DRUG_GROUP)
                              if f"【催办】{case.number}" in str(m["content"])], what="the group's reminder")
    assert group[0]["msgtype"] == "markdown" and f"请向舆情助手发送“签收 {case.number}”" in str(group[0]["content"])

    wecom.act_as("shengs").click(card["task_id"], card["clickable"][0])
    wait_for(lambda: duty(scaled, case.case_id, DutyKind.ACKNOWLEDGE).state == "done",
             what="the 签收 done by the reminder's button\n" + scaled.worker_log())
    done = duty(scaled, case.case_id, DutyKind.ACKNOWLEDGE)
    assert done.ended_by == "p-shen" and not done.late
    report = duty(scaled, case.case_id, DutyKind.INITIAL_REPORT)  # 2 h → 30 s, left undone: the witness
    wait_for(lambda: escalations(scaled, report.id), timeout=90, what="the undone 初报 escalated")
    assert escalations(scaled, ack.id) == []
    # 我的待办 on WeCom: a template card whose ① button starts the 初报 at once
    wecom.act_as("shengs").send_text("我的待办")
    todo = wait_for(lambda: next((c for c in wecom.cards_for_user("shengs")
                                  if c["card"].get("main_title", {}).get("title", "").startswith("沈干事的待办")
                                  and c["clickable"]), None), what="我的待办 with buttons\n" + scaled.worker_log())
    assert todo["card"]["button_list"][0]["text"] == "①报告初报" and case.number in todo["card"]["sub_title_text"]
    wecom.act_as("shengs").click(todo["task_id"], todo["clickable"][0])
    wait_for(lambda: any("请发送初报内容" in str(m["content"]) for m in wecom.messages_for_user("shengs")),
             what="the 初报 asked for from 我的待办")
    heard = [m for m in wecom.messages_for_user("jiangks") if f"【逾期提醒】{case.number}" in str(m["content"])
             or f"逾期提醒：{case.number}" in str(m["content"])]
    assert heard and all("督办：" not in str(m["content"]) for m in heard)  # titled 逾期提醒, never 督办


@pytest.mark.slow  # 39 s (the escalation waits out a scaled 初报): make soak; the WeCom walk above stays in CI
def test_a_dingtalk_reminder_button_signs_and_in_other_hands_is_refused(scaled):
    dt = scaled.emulator.dingtalk
    case = open_and_assign(scaled, ["u-foodsale"], Grade.MAJOR)
    out_track_id, view = wait_for(lambda: dt_reminder(dt, WEI, case.number),
                                  what="the 1:1 reminder with its button\n" + scaled.worker_log())
    (button,) = view["buttons"]
    assert button["text"] == "签收"
    group = wait_for(lambda: [m for m in dt.messages_for_group("cidFoodSale01==")
                              if f"催办：{case.number}" in str(m.content)], what="the group's reminder")
    assert f"签收 {case.number}" in str(group[0].content)

    # the desk's 李干事 types the unit's act: refused politely, nothing ends
    dt.say_to_bot(DESK_LI, f"签收 {case.number}")
    wait_for(lambda: any("只有承办单位的联络员或负责人可以签收" in str(m.content.get("text", ""))
                         for m in dt.messages_for_user(DESK_LI) if m.channel != "card"), what="the desk refused")
    assert duty(scaled, case.case_id, DutyKind.ACKNOWLEDGE).state == "open"

    dt.click(WEI, out_track_id, button["action_id"])
    wait_for(lambda: duty(scaled, case.case_id, DutyKind.ACKNOWLEDGE).state == "done",
             what="the 签收 done by the reminder's button\n" + scaled.worker_log())
    assert duty(scaled, case.case_id, DutyKind.ACKNOWLEDGE).ended_by == "p-wei"

    # 我的待办 now lists the 初报 with its button; the click opens the report dialog for this case
    dt.say_to_bot(WEI, "我的待办")

    def todo():
        for m in reversed([m for m in dt.messages_for_user(WEI) if m.channel == "card"]):
            v = dt.card_view(m.out_track_id, WEI)
            if v["title"].startswith("卫干事的待办") and v["buttons"]:
                return m.out_track_id, v
        return None

    todo_id, todo_view = wait_for(todo, what="我的待办 with buttons\n" + scaled.worker_log())
    first = todo_view["buttons"][0]
    assert first["text"] == "①报告初报" and case.number in str(todo_view)
    dt.click(WEI, todo_id, first["action_id"])  # the button names the duty: the 初报 is asked for at once
    wait_for(lambda: any("请发送初报内容" in str(m.content.get("text", ""))
                         for m in dt.messages_for_user(WEI) if m.channel != "card"),
             what="the 初报 asked for from 我的待办")

    # the undone 初报 (2 h → 30 s) climbs to the leader in charge: his 逾期提醒 carries 报告初报, which he may not do
    def late_card():
        for m in reversed([m for m in dt.messages_for_user(WU) if m.channel == "card"]):
            v = dt.card_view(m.out_track_id, WU)
            if v["title"].startswith(f"逾期提醒：{case.number} 初报") and v["buttons"]:
                return m.out_track_id, v
        return None

    late_id, late_view = wait_for(late_card, timeout=90, what="the leader in charge's 逾期提醒")
    assert late_view["buttons"][0]["text"] == "报告初报" and "督办：" not in late_view["title"]
    dt.click(WU, late_id, late_view["buttons"][0]["action_id"])
    wait_for(lambda: any("只有承办单位的联络员或负责人可以报告" in str(m.content.get("text", ""))
                         for m in dt.messages_for_user(WU) if m.channel != "card"), what="the leader refused politely")
    assert duty(scaled, case.case_id, DutyKind.INITIAL_REPORT).state == "open"
