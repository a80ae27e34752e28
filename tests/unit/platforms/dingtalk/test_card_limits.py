"""DingTalk's 1 KB a card value, against the emulator: it refuses an over-long value on createAndDeliver and
on updates (the documented limit; "accept" is its switch for a server that takes it), and the messenger
never sends one — a long text is cut with its mark and follows whole, a long button list is split into
cards that each carry a part (docs/platform-dingtalk.md, "Card value limits")."""

from __future__ import annotations

import pytest

from bot.core.card import Button, Card
from bot.core.errors import PlatformError
from bot.platforms.dingtalk.outbound import track_id

DESK, SUN = "cidDesk0001==", "0523"
REPORT = "涉事门店已停业整改，过期食品全部下架销毁。" * 150          # 3 000 characters, 9 000 bytes
UNITS = [f"示例市某某区市场监督管理局第{n}市场监督管理所（综合行政执法大队）" for n in range(12)]


def report_card(text=REPORT):
    return Card("desk_card", {"title": "初报（第1版） YQ-2026-0001", "color": "orange",
                              "facts": [{"label": "等级", "value": "一般舆情"}], "body": f"卫干事 提交：\n{text}",
                              "status": "", "link": ""}, (Button("调整定级", "case.grade", {"case": "YQ-2026-0001"}),))


def reassign_card():
    buttons = tuple(Button(name, "case.reassign", {"case": "YQ-2026-0001", "a": "7", "u": f"u-{n}"})
                    for n, name in enumerate(UNITS))
    return Card("desk_card", {"title": "退回待改派 YQ-2026-0001", "color": "orange", "facts": [],
                              "body": "某科 退回：非本单位职责", "status": "", "link": ""}, buttons)


def raw_card(messenger, params, out_track_id="yqraw1"):
    body = {"cardTemplateId": messenger.template_id, "outTrackId": out_track_id,
            "cardData": {"cardParamMap": params}, "callbackType": "HTTP", "callbackRouteKey": messenger.route_key,
            "openSpaceId": f"dtv1.card//IM_ROBOT.{SUN}", "userIdType": 1,
            "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": messenger.robot_code}}
    return messenger.client.api("POST", "/v1.0/card/instances/createAndDeliver", body)


def test_the_emulator_refuses_a_value_over_one_kilobyte_on_create_and_on_update(messenger, emulator):
    with pytest.raises(PlatformError) as refused:
        raw_card(messenger, {"title": "t", "body": "报" * 342})      # 1 026 bytes
    assert refused.value.code == "param.invalid" and emulator.dingtalk.card("yqraw1") is None
    raw_card(messenger, {"title": "t", "body": "报" * 341})          # 1 023 bytes: taken
    with pytest.raises(PlatformError) as refused:
        messenger.client.api("PUT", "/v1.0/card/instances", {"outTrackId": "yqraw1", "userIdType": 1,
                                                              "cardData": {"cardParamMap": {"body": "报" * 342}}})
    assert refused.value.code == "param.invalid"
    assert emulator.dingtalk.card_view("yqraw1", SUN)["body"] == "报" * 341


def test_under_the_accept_switch_a_long_value_is_taken_and_shown_as_a_problem(messenger, emulator):
    emulator.dingtalk.long_card_values = "accept"
    raw_card(messenger, {"title": "t", "body": "报" * 400})
    assert emulator.dingtalk.card_view("yqraw1", SUN)["problems"] == ["'body' is longer than 1024 bytes"]


@pytest.mark.parametrize("accepting", [False, True])
def test_a_long_report_is_cut_with_its_mark_and_its_full_text_follows(messenger, emulator, accepting):
    emulator.dingtalk.long_card_values = "accept" if accepting else "refuse"
    card = report_card()
    sent = messenger.send_to_person(SUN, card, dedup_id="desk-report-1")
    view = emulator.dingtalk.card_view(sent.message_id, SUN)
    assert view["body"].endswith("…（全文见私信）") and not view["problems"]
    assert view["body"].startswith("卫干事 提交：") and [b["text"] for b in view["buttons"]] == ["调整定级"]
    (full,) = messenger.fit(card).rest
    assert full.kind == "notice" and not full.buttons
    messenger.send_to_person(SUN, full)
    text = [m.content["text"] for m in emulator.dingtalk.messages_for_user(SUN) if m.channel != "card"][-1]
    assert REPORT in text and "初报（第1版） YQ-2026-0001（全文）" in text


def test_in_a_group_the_mark_says_the_full_text_is_the_next_message(messenger, emulator):
    sent = messenger.send_to_group({"dingtalk_open_conversation_id": DESK}, report_card(), dedup_id="g-1")
    assert emulator.dingtalk.card_view(sent.message_id, SUN)["body"].endswith("…（全文见下条消息）")


def test_an_update_with_a_long_text_is_cut_too(messenger, emulator):
    sent = messenger.send_to_person(SUN, report_card("短报告"), dedup_id="u-1")
    messenger.update_card({**sent.card_ref, "user_id": SUN}, report_card())
    assert emulator.dingtalk.card_view(sent.message_id, SUN)["body"].endswith("…（全文见私信）")


def test_a_card_within_limits_needs_nothing_after_it(messenger):
    assert messenger.fit(report_card("短报告")).rest == ()
    assert messenger.fit(Card("notice", {"text": "已收到"})).rest == ()


def test_twelve_units_with_long_names_are_each_reachable_by_a_button(messenger, emulator):
    card = reassign_card()
    fitted = messenger.fit(card)
    sent = [messenger.send_to_person(SUN, card, dedup_id="r-1")]
    sent += [messenger.send_to_person(SUN, more, dedup_id=f"r-1|{n}") for n, more in enumerate(fitted.rest)]
    views = [emulator.dingtalk.card_view(s.message_id, SUN) for s in sent]
    assert all(not v["problems"] for v in views) and len(views) > 1
    assert [b["text"] for v in views for b in v["buttons"]] == UNITS
    assert [b["params"]["u"] for v in views for b in v["buttons"]] == [f"u-{n}" for n in range(12)]
    assert {b["params"]["case"] for v in views for b in v["buttons"]} == {"YQ-2026-0001"}
    assert views[1]["title"] == f"退回待改派 YQ-2026-0001（续 2/{len(views)}）"
    assert len({s.message_id for s in sent}) == len(sent) and sent[0].message_id == track_id("r-1")
