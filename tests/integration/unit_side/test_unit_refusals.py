"""Each refusal of the unit's side through the real callback path: a clear Chinese answer to the person,
and nothing changes (no timeline entry, no state, the card as it was)."""

from __future__ import annotations

from functools import partial

from tests.integration import stack as stack_module
from tests.integration.unit_flow import assignment_states, case_grade, open_and_assign, timeline_actions

wait_for = partial(stack_module.wait_for, timeout=40)
COUNTY_C = "cidCountyC01=="
MEMBER = "0802"      # 谢干事: a member of 丙区局 (u-county-c), not its liaison or head
WEI = "0602"         # 卫干事: liaison of 食品经营科 (u-foodsale), not on this case


def answers(dt, user):
    return [m.content.get("text", "") for m in dt.messages_for_user(user) if m.channel != "card"]


def answered(dt, user, text):
    return wait_for(lambda: next((t for t in answers(dt, user) if text in t), None), what=f"{user} to be told {text!r}")


def test_refusals_change_nothing(stack):
    dt = stack.emulator.dingtalk
    case = open_and_assign(stack, ["u-county-c"])
    card = wait_for(lambda: [m for m in dt.messages_for_group(COUNTY_C) if m.channel == "card"],
                    what="the warning in 丙区局's group\n" + stack.worker_log())[0]

    dt.click(MEMBER, card.out_track_id, "case.ack")
    answered(dt, MEMBER, "只有承办单位的联络员或负责人可以签收")
    dt.click(MEMBER, card.out_track_id, "case.reject")
    answered(dt, MEMBER, "只有承办单位的联络员或负责人可以退回")
    dt.say_to_bot(MEMBER, "这条不归我们管")               # no dialog was started: not taken as a reason
    answered(dt, MEMBER, "没有看懂")

    dt.say_to_bot(WEI, f"签收 {case.number}")
    answered(dt, WEI, "只有承办单位的联络员或负责人可以签收")
    dt.say_in_group(WEI, "cidFoodSale01==", f"报告 {case.number}")
    wait_for(lambda: any("只有承办单位的联络员或负责人可以报告" in m.content.get("text", "")
                         for m in dt.messages_for_group("cidFoodSale01==")), what="the refusal in the group")
    dt.say_to_bot(WEI, f"定级 {case.number}")
    answered(dt, WEI, "您在此案件中没有“定级”的权限")
    dt.say_to_bot(WEI, f"改派 {case.number} 广告监督管理科")
    answered(dt, WEI, "您在此案件中没有“改派单位”的权限")
    dt.say_to_bot("0601", "签收 YQ-2026-9999")
    answered(dt, "0601", "找不到案件 YQ-2026-9999")

    view = dt.card_view(card.out_track_id, "0812")
    assert [b["text"] for b in view["buttons"]] == ["签收", "非本单位职责"] and view["status"] == ""
    assert assignment_states(stack, case.case_id) == [("u-county-c", "warned")]
    assert case_grade(stack, case.case_id) == 1
    assert timeline_actions(stack, case.case_id) == ["case.open", "case.assign"]
