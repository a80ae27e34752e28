"""One case, two units on two platforms: u-drug on WeCom (liaison 沈干事 shengs, a button card 1:1) returns it as
not its duty with a reason; the desk (陈干事 chengs, WeCom) reassigns it from its card; u-foodsale on DingTalk
is not affected and acknowledges in its group."""

from __future__ import annotations

from functools import partial

from bot.domain.grade import Grade
from tests.integration import stack as stack_module
from tests.integration.unit_flow import assignment_states, open_and_assign, timeline_actions

wait_for = partial(stack_module.wait_for, timeout=40)
FOODSALE = "cidFoodSale01=="
DRUG_GROUP = "药品安全监督管理科"


def latest_card(wecom, userid, title):
    found = [c for c in wecom.cards_for_user(userid) if c["card"]["main_title"]["title"].startswith(title)]
    return found[-1] if found else None


def test_a_case_of_two_units_on_two_platforms(stack):
    wecom, dt = stack.emulator.wecom, stack.emulator.dingtalk
    case = open_and_assign(stack, ["u-foodsale", "u-drug"], Grade.SENSITIVE)
    card = wait_for(lambda: latest_card(wecom, "shengs", "舆情预警"), what="the WeCom liaison's card\n" + stack.worker_log())
    assert card["clickable"] == [f"case.ack?a=2&case={case.number}", f"case.reject?a=2&case={case.number}"]
    group_card = wait_for(lambda: [m for m in dt.messages_for_group(FOODSALE) if m.channel == "card"],
                          what="the DingTalk group's card")[0]
    notice = wait_for(lambda: [m for m in wecom.messages_for_group(DRUG_GROUP) if "舆情预警" in str(m["content"])],
                      what="the WeCom group's notice")[0]
    assert "<@shengs>" in notice["content"]["content"]

    wecom.act_as("shengs").click(card["task_id"], card["clickable"][1])
    wait_for(lambda: any("请说明" in str(m["content"]) for m in wecom.messages_for_user("shengs")), what="the prompt")
    wecom.act_as("shengs").send_text("药品科不负责食品经营环节")
    wait_for(lambda: any(f"已退回 {case.number}" in str(m["content"]) for m in wecom.messages_for_user("shengs")),
             what="the return confirmed")
    wait_for(lambda: wecom.card_for_user("shengs", card["task_id"])["card"].get("replace_text")
             == "已退回：药品科不负责食品经营环节", what="the liaison's card to show the return\n" + stack.worker_log())
    assert len(wecom.cards_for_user("shengs")) == 1  # changed in place, not sent again
    wait_for(lambda: any("已由沈干事退回" in str(m["content"]) for m in wecom.messages_for_group(DRUG_GROUP)),
             what="the follow-up in the WeCom group")
    desk = wait_for(lambda: latest_card(wecom, "chengs", "退回待改派"), what="the desk's reassign card")
    assert "药品科不负责食品经营环节" in desk["card"]["sub_title_text"]
    assert assignment_states(stack, case.case_id) == [("u-foodsale", "warned"), ("u-drug", "returned")]
    view = dt.card_view(group_card.out_track_id, "0602")
    assert [b["text"] for b in view["buttons"]] == ["签收", "非本单位职责"] and view["status"] == ""

    target = desk["clickable"][0]
    wecom.act_as("chengs").click(desk["task_id"], target)
    wait_for(lambda: "陈干事改派给" in str(wecom.card_for_user("chengs", desk["task_id"])["card"].get("replace_text")),
             what="the desk card to show the reassignment\n" + stack.worker_log())
    states = wait_for(lambda: len(assignment_states(stack, case.case_id)) == 3 and assignment_states(stack, case.case_id),
                      what="the new assignment")
    assert states[:2] == [("u-foodsale", "warned"), ("u-drug", "reassigned")] and states[2][1] == "warned"

    dt.click("0602", group_card.out_track_id, "case.ack")
    wait_for(lambda: dt.card_view(group_card.out_track_id, "0601")["status"].startswith("已由卫干事"),
             what="the DingTalk card acknowledged")
    assert timeline_actions(stack, case.case_id) == ["case.open", "case.assign", "case.assign", "case.reject",
                                                     "case.reassign", "case.ack"]
