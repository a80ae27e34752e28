"""Acting as people who write to the robot: real signed callbacks, and redelivery when unanswered."""

from __future__ import annotations

import pytest

from bot.emulator.dingtalk import EmulatorUsageError
from bot.emulator.dingtalk.signing import robot_sign

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import DESK, ENV, FOOD, LI, SUN, WU


def test_robot_sign_matches_the_documented_vector():
    assert robot_sign("1577262236757", "this is a secret") == "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="


def test_a_group_at_message_arrives_signed_with_the_documented_fields(dt, receiver):
    delivery = dt.say_in_group(SUN, DESK, "帮助")
    [got] = receiver.of("/dingtalk/robot")
    assert got["verified"] and delivery.answered and len(delivery.attempts) == 1
    body = got["body"]
    assert body["msgtype"] == "text" and body["text"]["content"] == " 帮助"
    assert body["conversationType"] == "2" and body["conversationId"] == DESK
    assert body["conversationTitle"] == "综合应急和新闻宣传科"
    assert body["senderStaffId"] == SUN and body["senderNick"] == "孙科长"
    assert body["isInAtList"] is True and body["atUsers"][0]["dingtalkId"] == body["chatbotUserId"]
    assert body["robotCode"] == ENV["DINGTALK_ROBOT_CODE"] and body["msgId"] == delivery.key
    assert body["sessionWebhookExpiredTime"] - body["createAt"] == 5_400_000


def test_a_1to1_message_has_no_title_nor_mentions(dt, receiver):
    dt.say_to_bot(WU, "https://weibo.com/123 某超市过期食品")
    body = receiver.of("/dingtalk/robot")[0]["body"]
    assert body["conversationType"] == "1" and body["text"]["content"] == "https://weibo.com/123 某超市过期食品"
    assert "conversationTitle" not in body and "atUsers" not in body and body["conversationId"].startswith("cid")
    again = dt.say_to_bot(WU, "帮助").payload
    assert again["conversationId"] == body["conversationId"] and again["msgId"] != body["msgId"]


def test_rich_text_is_sent_as_rich_text(dt, receiver):
    dt.say_to_bot(LI, "链接如下", msgtype="richText")
    body = receiver.of("/dingtalk/robot")[0]["body"]
    assert body["msgtype"] == "richText" and body["content"]["richText"] == [{"text": "链接如下"}]


def test_a_group_message_without_mention_never_reaches_the_bot(dt, receiver):
    assert dt.say_in_group(LI, FOOD, "大家好", at_bot=False) is None
    assert receiver.of("/dingtalk/robot") == []
    assert [m.content["text"] for m in dt.messages_for_group(FOOD, include_inbound=True)] == ["大家好"]


def test_people_outside_the_org_or_the_group_cannot_write(dt, receiver):
    with pytest.raises(EmulatorUsageError):
        dt.say_to_bot("9999", "hi")
    with pytest.raises(EmulatorUsageError):
        dt.say_in_group(WU, DESK, "hi")
    assert receiver.received == []


def test_an_unanswered_message_is_redelivered_once_with_the_same_body(dt, receiver):
    receiver.delay = 0.4
    dt.robot_timeout = 0.2
    delivery = dt.say_in_group(SUN, DESK, "签收 YQ-2026-0042")
    assert dt.wait_idle(5)
    got = receiver.of("/dingtalk/robot")
    assert len(got) == 2 and all(g["verified"] for g in got)
    assert got[0]["body"] == got[1]["body"]
    assert [a.status for a in delivery.attempts] == [None, None] and not delivery.answered and delivery.done


def test_a_message_answered_with_an_error_is_redelivered_and_then_answered(dt, receiver):
    receiver.status = 500
    delivery = dt.say_to_bot(LI, "帮助")
    receiver.status = 200
    assert dt.wait_idle(5)
    assert [a.status for a in delivery.attempts] == [500, 200] and delivery.answered
    assert len(receiver.of("/dingtalk/robot")) == 2


def test_a_message_answered_in_time_is_not_redelivered(dt, receiver):
    delivery = dt.say_to_bot(LI, "帮助")
    assert dt.wait_idle(5)
    assert len(delivery.attempts) == 1 and len(receiver.of("/dingtalk/robot")) == 1


def test_redelivery_can_be_counted_differently(dt, receiver):
    receiver.status = 503
    dt.robot_max_attempts = 3
    delivery = dt.say_to_bot(LI, "帮助")
    assert dt.wait_idle(5)
    assert [a.status for a in delivery.attempts] == [503, 503, 503]


def test_a_reply_in_the_http_response_is_shown_in_the_chat(dt, receiver):
    receiver.robot_reply = {"msgtype": "markdown", "markdown": {"title": "帮助", "text": "**签收** 案件号"}}
    dt.say_in_group(SUN, DESK, "帮助")
    [msg] = dt.messages_for_group(DESK)
    assert msg.channel == "sync_reply" and msg.content["text"] == "**签收** 案件号"


def test_an_empty_reply_shows_nothing(dt, receiver):
    receiver.robot_reply = {"msgtype": "empty"}
    dt.say_to_bot(LI, "帮助")
    assert dt.messages_for_user(LI) == []


def test_a_test_can_send_a_wrong_sign_or_a_stale_timestamp_on_purpose(dt, receiver):
    import time
    dt.env["DINGTALK_APP_SECRET"] = "not-the-bots-secret"
    dt.say_to_bot(LI, "伪造")
    dt.env["DINGTALK_APP_SECRET"] = ENV["DINGTALK_APP_SECRET"]
    dt.now = lambda: time.time() - 3700
    dt.say_to_bot(LI, "过期")
    assert [g["verified"] for g in receiver.of("/dingtalk/robot")] == [False, False]


def test_someone_the_bot_does_not_know_can_be_added_to_the_emulators_directory(dt, receiver):
    dt.directory.dingtalk_users["9999"] = "陌生人"
    dt.directory.group_members[DESK].append("9999")
    try:
        dt.say_in_group("9999", DESK, "你好")
        assert receiver.of("/dingtalk/robot")[0]["body"]["senderStaffId"] == "9999"
    finally:
        dt.directory.group_members[DESK].remove("9999")
        del dt.directory.dingtalk_users["9999"]
