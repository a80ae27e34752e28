"""DingTalkMessenger against the emulator: cards, markdown, batching, replies, updates."""

from __future__ import annotations

import pytest

from bot.core.card import Button, Card
from bot.core.errors import AlreadySent, ConfigError, PlatformError
from bot.core.event import Event
from bot.platforms.dingtalk.outbound import track_id
from bot.platforms.dingtalk.signing import now_ms

DESK, SUN, LI = "cidDesk0001==", "0523", "0524"
CARD = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": ""},
            (Button("确认收到", "demo.confirm", {"n": 1}, "primary"),))
NOTICE = Card("notice", {"text": "已收到"})


def group_event(webhook="", expires=0):
    reply = {"conversation_type": "2", "session_webhook": webhook, "session_expires_ms": expires}
    return Event("dingtalk", "mention", SUN, DESK, "group", "msg-1", "now", text="帮助", reply=reply)


def test_a_card_into_a_group_is_an_interactive_card_with_our_callback_route(messenger, emulator):
    sent = messenger.send_to_group({"dingtalk_open_conversation_id": DESK}, CARD, dedup_id="case-1/warn")
    dt = emulator.dingtalk
    card = dt.card(sent.message_id)
    assert card.spaces == [("IM_GROUP", DESK)] and card.callback_type == "HTTP"
    assert card.route_key == "yuqing-card" and sent.card_ref == {"card_id": sent.message_id}
    assert dt.card_view(sent.message_id, LI)["buttons"][0]["action_id"] == "demo.confirm"


def test_a_retried_card_send_never_shows_the_card_twice(messenger, emulator):
    first = messenger.send_to_group({"dingtalk_open_conversation_id": DESK}, CARD, dedup_id="outbox-7")
    with pytest.raises(AlreadySent) as again:  # DingTalk's param.cardAlreadyExist: the worker decides
        messenger.send_to_group({"dingtalk_open_conversation_id": DESK}, CARD, dedup_id="outbox-7")
    assert first.message_id == again.value.message_id == track_id("outbox-7") and len(track_id("x")) <= 64
    assert again.value.card_ref == first.card_ref == {"card_id": track_id("outbox-7")}
    assert len(emulator.dingtalk.messages_for_group(DESK)) == 1


def test_a_card_to_a_person_goes_into_the_robot_chat_and_updates_in_place(messenger, emulator):
    sent = messenger.send_to_person(SUN, CARD, dedup_id="p-1")
    assert emulator.dingtalk.card(sent.message_id).spaces == [("IM_ROBOT", SUN)]
    done = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": "已由 孙科长 确认"})
    messenger.update_card(sent.card_ref, done)
    view = emulator.dingtalk.card_view(sent.message_id, SUN)
    assert view["status"] == "已由 孙科长 确认" and view["buttons"] == [] and view["color"] == "green"


def test_one_card_into_a_group_and_robot_chats_is_one_instance_everyone_sees_updated(messenger, emulator):
    sent = messenger.send_card_to_spaces([f"IM_GROUP.{DESK}", f"IM_ROBOT.{SUN}"], CARD, dedup_id="w-1")
    assert emulator.dingtalk.card(sent.message_id).spaces == [("IM_GROUP", DESK), ("IM_ROBOT", SUN)]
    assert sent.card_ref == {"card_id": sent.message_id}
    messenger.update_card(sent.card_ref, Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": "已确认"}))
    assert emulator.dingtalk.card_view(sent.message_id, SUN)["status"] == "已确认"


def test_markdown_to_a_group_and_to_people_in_batches_of_twenty(messenger, emulator):
    messenger.send_to_group({"dingtalk_open_conversation_id": DESK}, NOTICE)
    [msg] = emulator.dingtalk.messages_for_group(DESK)
    assert (msg.channel, msg.msgtype, msg.content["text"]) == ("robot_group", "sampleMarkdown", "已收到")  # no 舆情助手 heading
    people = sorted(emulator.dingtalk.directory.dingtalk_users) * 2  # more than one batch
    sent = messenger.send_to_people(people[:45], NOTICE)
    assert len(sent) == 3
    assert all(emulator.dingtalk.messages_for_user(u) for u in people[:20])


def test_work_notifications_go_in_batches_of_a_hundred(messenger, emulator):
    people = [SUN, LI] + [f"9{n:03d}" for n in range(150)]
    assert len(messenger.notify(people, NOTICE)) == 2
    [msg] = emulator.dingtalk.messages_for_user(SUN)
    assert msg.channel == "work_notice" and msg.content["title"] == "已收到"  # the preview is the text


def test_work_notifications_need_an_agent_id(config, redis_client):
    from bot.config import ROOT
    from bot.platforms.dingtalk.outbound import DingTalkMessenger

    bare = DingTalkMessenger({**config, "DINGTALK_AGENT_ID": ""}, redis=redis_client, templates_dir=ROOT / "templates")
    with pytest.raises(ConfigError):
        bare.notify([SUN], NOTICE)


def test_a_reply_uses_the_session_webhook_while_it_is_valid(messenger, emulator):
    dt = emulator.dingtalk
    dt.robot_max_attempts = 1
    emulator.set_bot_url("http://127.0.0.1:9")  # no bot here: we only want the sessionWebhook it hands out
    payload = dt.say_in_group(SUN, DESK, "帮助").payload
    messenger.reply(group_event(payload["sessionWebhook"], payload["sessionWebhookExpiredTime"]), NOTICE)
    [msg] = dt.messages_for_group(DESK)
    assert msg.channel == "session_webhook" and msg.msgtype == "markdown"


def test_a_reply_falls_back_to_the_openapi_when_the_session_is_gone_or_expired(messenger, emulator):
    gone = f"{emulator.url}/robot/sendBySession?session=nosuchsession"
    messenger.reply(group_event(gone, now_ms() + 3600_000), NOTICE)
    messenger.reply(group_event(gone, now_ms() - 1), NOTICE)
    one_to_one = Event("dingtalk", "text", LI, "cidoto==", "single", "msg-2", "now", text="x")
    messenger.reply(one_to_one, NOTICE)
    assert [m.channel for m in emulator.dingtalk.messages_for_group(DESK)] == ["robot_group", "robot_group"]
    assert [m.channel for m in emulator.dingtalk.messages_for_user(LI)] == ["robot_oto"]


def test_a_card_reply_is_delivered_once_per_event(messenger, emulator):
    first = messenger.reply(group_event(), CARD)
    with pytest.raises(AlreadySent) as again:
        messenger.reply(group_event(), CARD)
    assert first.message_id == again.value.message_id
    assert len(emulator.dingtalk.messages_for_group(DESK)) == 1


def test_a_group_without_a_dingtalk_chat_is_a_clear_error(messenger):
    with pytest.raises(PlatformError, match="open_conversation_id"):
        messenger.send_to_group({"wecom_webhook_key": "x"}, NOTICE)


def test_an_answer_to_a_click_goes_to_the_person_who_clicked_not_the_group(messenger, emulator):
    click = Event("dingtalk", "click", LI, DESK, "group", "card:1:yq1:0524:x", "now", action="x", card_id="yq1")
    messenger.reply(click, NOTICE)
    assert emulator.dingtalk.messages_for_group(DESK) == []
    [msg] = emulator.dingtalk.messages_for_user(LI)
    assert msg.channel == "robot_oto" and "已收到" in msg.content["text"]


def test_two_different_cards_answering_one_event_are_both_delivered(messenger, emulator):
    other = Card("demo_card", {"title": "另一张", "body": "b", "status": ""}, CARD.buttons)
    assert messenger.reply(group_event(), CARD).message_id != messenger.reply(group_event(), other).message_id
    assert len(emulator.dingtalk.messages_for_group(DESK)) == 2


def test_markdown_to_someone_dingtalk_does_not_know_is_a_permanent_error(messenger, emulator):
    with pytest.raises(PlatformError) as err:
        messenger.send_to_person("no-such-user", NOTICE)
    assert not err.value.retryable and "no-such-user" in str(err.value)
    assert len(messenger.send_to_people([SUN, "no-such-user"], NOTICE)) == 1
    assert len(emulator.dingtalk.messages_for_user(SUN)) == 1
