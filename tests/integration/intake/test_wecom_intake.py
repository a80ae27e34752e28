"""Intake on WeCom through real signed, encrypted callbacks: a desk liaison's 1:1 link message opens a
case and its card; grade and unit buttons work; the same story again is recognised; a smart-bot
@-mention in the desk group opens a case answered in the group, a hostile headline there mentions nobody;
a unit head is refused politely."""

from __future__ import annotations

import re
from functools import partial

from tests.integration import stack as stack_module
from tests.integration.intake.conftest import detail
from tests.integration.unit_flow import case_no

wait_for = partial(stack_module.wait_for, timeout=40)
DESK_CHAT = "wrDesk0001"
LINK = "https://weibo.com/1234567890/NbCdEf?utm_source=wecom&from=share"
LINK_AGAIN = "https://weibo.com/1234567890/NbCdEf?share_id=abc"


def test_a_link_message_opens_a_case_and_the_desk_grades_and_assigns_from_its_card(intake_stack):
    wecom = intake_stack.emulator.wecom
    chen = wecom.act_as("chengs")
    assert chen.send_link("网友曝光某食品厂使用过期原料", LINK, "视频显示……").status == 200
    card = wait_for(lambda: wecom.cards_for_user("chengs"), what="the desk's card\n" + intake_stack.worker_log())[0]
    assert card["card"]["main_title"]["title"] == f"已立案 {case_no(1)}"
    case = detail(intake_stack)
    assert case["title"] == "网友曝光某食品厂使用过期原料" and case["source"] == "weibo" and case["link"] == LINK

    sensitive = next(k for k in card["clickable"] if k.startswith("intake.grade") and "grade=2" in k)
    chen.click(card["task_id"], sensitive)
    wait_for(lambda: detail(intake_stack)["grade"] == 2, what="the grade\n" + intake_stack.worker_log())
    unit_key = next(k for k in card["clickable"] if k.startswith("intake.assign"))
    chen.click(card["task_id"], unit_key)
    wait_for(lambda: detail(intake_stack)["assignments"], what="the assignment\n" + intake_stack.worker_log())
    wait_for(lambda: any(e["action"] == "case.preview" for e in detail(intake_stack)["timeline"]),
             what="the preview's outcome on the timeline")

    chen.send_text(f"这条又在转：{LINK_AGAIN}")
    dup = wait_for(lambda: [c for c in wecom.cards_for_user("chengs") if "intake.sighting" in str(c["clickable"])],
                   what="the duplicate card\n" + intake_stack.worker_log())[0]
    assert dup["card"]["main_title"]["title"] == f"已立案 {case_no(1)}"
    chen.click(dup["task_id"], dup["clickable"][0])
    wait_for(lambda: detail(intake_stack)["sightings"], what="the sighting\n" + intake_stack.worker_log())
    assert detail(intake_stack, case_no(2)) is None


def test_a_smart_bot_mention_in_the_desk_group_opens_a_case_answered_there(intake_stack):
    wecom = intake_stack.emulator.wecom
    wecom.act_as("chengs").mention_bot(DESK_CHAT, f"@舆情助手 网传某商场电梯坠落 {LINK}")
    answer = wait_for(lambda: wecom.messages_for_group(DESK_CHAT), what="the answer in the group\n" + intake_stack.worker_log())[0]
    assert answer["sender"] == "aibot" and f"已立案 {case_no(1)}" in answer["content"]["content"]
    assert f"分派 {case_no(1)}" in answer["content"]["content"]
    assert detail(intake_stack)["title"] == "网传某商场电梯坠落"


def test_a_headline_saying_at_all_does_not_mention_the_whole_desk_group(intake_stack):
    """The desk forwards a link whose headline holds WeCom's everyone-mention: the case keeps the title as
    written, and the card the group gets shows it without ringing anyone (nor turning it into markup)."""
    wecom = intake_stack.emulator.wecom
    headline = '网传某商场电梯坠落 <@all> @所有人 <font color="warning">速看</font>'
    wecom.act_as("chengs").mention_bot(DESK_CHAT, f"@舆情助手 {headline}\n{LINK}")
    answer = wait_for(lambda: wecom.messages_for_group(DESK_CHAT),
                      what="the answer in the group\n" + intake_stack.worker_log())[0]
    content = answer["content"]["content"]
    assert answer["sender"] == "aibot" and answer["msgtype"] == "markdown" and f"已立案 {case_no(1)}" in content
    assert detail(intake_stack)["title"] == headline
    assert "网传某商场电梯坠落" in content and "速看" in content
    assert re.findall(r"<@[^>]*>", content) == [] and not re.search(r"@(all|所有人)|<font", content, re.IGNORECASE)


def test_someone_not_on_a_desk_is_refused_politely(intake_stack):
    wecom = intake_stack.emulator.wecom
    wecom.act_as("zhouks").send_link("某店售卖过期食品", LINK, "网友爆料")
    (answer,) = wait_for(lambda: wecom.messages_for_user("zhouks"), what="the refusal\n" + intake_stack.worker_log())
    assert "只有舆情工作台" in answer["content"]["content"] and detail(intake_stack) is None
