"""研判定级 through the real callbacks: the desk (李干事, DingTalk) raises a case to 特别重大 with the factors and a
reason; the unit's cards show the new grade and its deadlines; leaders get the bulletin, and the main leader
(赵局长, WeCom) acknowledges his on the card."""

from __future__ import annotations

from functools import partial

from tests.integration import stack as stack_module
from tests.integration.unit_flow import case_grade, open_and_assign, timeline_actions

wait_for = partial(stack_module.wait_for, timeout=40)
GROUP, DESK = "cidFoodSale01==", "0524"


def test_the_desk_raises_the_grade_and_the_leaders_are_told(stack):
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    case = open_and_assign(stack, ["u-foodsale"])
    group_card = wait_for(lambda: [m for m in dt.messages_for_group(GROUP) if m.channel == "card"],
                          what="the warning\n" + stack.worker_log())[0]
    assert dt.card_view(group_card.out_track_id, "0601")["facts"][0] == {"label": "等级", "value": "一般舆情"}

    dt.say_to_bot(DESK, f"定级 {case.number}")
    choose = wait_for(lambda: [m for m in dt.messages_for_user(DESK) if m.channel == "card"], what="the grade card")[0]
    assert [b["text"] for b in dt.card_view(choose.out_track_id, DESK)["buttons"]] == [
        "一般舆情", "敏感舆情", "重大舆情", "特别重大舆情"]
    dt.click(DESK, choose.out_track_id, "grade.pick#4")
    wait_for(lambda: any("请说明研判依据" in m.content.get("text", "") for m in dt.messages_for_user(DESK)),
             what="the question for the factors")
    dt.say_to_bot(DESK, "性质：食品安全；严重程度：多人就医；可控性：差；影响范围：全市；关注度、热度：高")
    wait_for(lambda: case_grade(stack, case.case_id) == 4, what="the new grade\n" + stack.worker_log())

    wait_for(lambda: dt.card_view(group_card.out_track_id, "0601")["facts"][0]["value"] == "特别重大舆情",
             what="the unit's card to show the new grade")
    view = dt.card_view(group_card.out_track_id, "0601")
    assert view["facts"][1]["label"] == "签收时限"
    # 已通知主要领导 only once the main leader's bulletin is sent (issue 19): the card is brought to it then
    wait_for(lambda: "已通知主要领导" in dt.card_view(group_card.out_track_id, "0601")["body"],
             what="the unit's card to say the main leader was told\n" + stack.worker_log())
    bulletin = wait_for(lambda: [c for c in wecom.cards_for_user("zhaojz")
                                 if c["card"]["main_title"]["title"] == f"舆情通报 {case.number}"],
                        what="the main leader's bulletin")[0]
    assert bulletin["clickable"][0].startswith("leader.ack?")
    wait_for(lambda: any(f"舆情通报 {case.number}" in str(m["content"]) for m in wecom.messages_for_user("qianfjz")),
             what="the publicity leader's bulletin")
    wait_for(lambda: any(f"舆情通报 {case.number}" in (dt.card_view(m.out_track_id, "0412")["title"]
                                                     if m.channel == "card" else str(m.content))
                         for m in dt.messages_for_user("0412")),
             what="the bulletin to the leader in charge (吴副局长, DingTalk)")

    wecom.act_as("zhaojz").click(bulletin["task_id"], bulletin["clickable"][0])
    # acknowledged in place; it keeps its 督办 buttons (one per live unit, issue 19), so it stays a card with buttons
    signed = wait_for(lambda: [c for c in [wecom.card_for_user("zhaojz", bulletin["task_id"])]
                               if "已由赵局长于" in str(c["card"])],
                      what="the bulletin acknowledged in place\n" + stack.worker_log())[0]
    assert not any(k.startswith("leader.ack?") for k in signed["clickable"])
    assert any(k.startswith("supervision.start?") for k in signed["clickable"])
    wait_for(lambda: "主要领导已签收 今天" in dt.card_view(group_card.out_track_id, "0601")["body"],
             what="the unit's card to say the main leader signed\n" + stack.worker_log())
    assert timeline_actions(stack, case.case_id) == ["case.open", "case.assign", "case.grade", "duty.fulfil"]
