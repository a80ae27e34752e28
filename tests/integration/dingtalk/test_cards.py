"""测试卡片: an interactive card into a group, a member clicks, the card changes for everyone."""

from __future__ import annotations

from functools import partial

from tests.integration import stack as stack_module

# a loaded machine may start the worker slowly: wait longer than the default before calling it a failure
wait_for = partial(stack_module.wait_for, timeout=40)

DESK = "cidDesk0001=="
SUN, LI = "0523", "0524"


def _card_in_group(dt):
    cards = [m for m in dt.messages_for_group(DESK) if m.channel == "card"]
    return cards[0] if cards else None


def test_a_test_card_in_a_group_is_clicked_and_updates_in_place_for_everyone(stack):
    dt = stack.emulator.dingtalk
    dt.say_in_group(SUN, DESK, "测试卡片")
    msg = wait_for(lambda: _card_in_group(dt), what="the test card in the group\n" + stack.worker_log())
    view = dt.card_view(msg.out_track_id, LI)
    assert view["title"] == "测试卡片" and not view["problems"]
    [button] = view["buttons"]
    assert button["text"] == "确认收到" and button["action_id"] == "demo.confirm"

    click = dt.click(LI, msg.out_track_id, "demo.confirm")
    assert click.answered and click.attempts[0].elapsed < 2.0
    wait_for(lambda: dt.card_view(msg.out_track_id, SUN)["status"] == "已由 李干事 确认",
             what="the card to show who confirmed\n" + stack.worker_log())
    for person in (SUN, LI):
        seen = dt.card_view(msg.out_track_id, person)
        assert seen["status"] == "已由 李干事 确认" and seen["buttons"] == [] and not seen["problems"]
    assert len([m for m in dt.messages_for_group(DESK) if m.channel == "card"]) == 1


def test_a_test_card_one_to_one_is_a_card_in_that_chat(stack):
    dt = stack.emulator.dingtalk
    dt.say_to_bot(SUN, "测试卡片")
    msg = wait_for(lambda: [m for m in dt.messages_for_user(SUN) if m.channel == "card"], what="a 1:1 card")[0]
    dt.click(SUN, msg.out_track_id, "demo.confirm")
    wait_for(lambda: dt.card_view(msg.out_track_id, SUN)["status"] == "已由 孙科长 确认", what="the 1:1 card update")
