"""The smart bot in callback mode: encrypted JSON (ReceiveId ""), @-mentions in a group, 1:1
text, card clicks (never retried), and replies through the single-use response_url."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest
import requests

from bot.emulator.wecom import ActError

from tests.emulator.conftest_wecom import (  # noqa: F401
    DESK_CHAT, DESK_NAME, bot, button_card, server, wecom)


def reply_to(response_url: str, data: dict) -> dict:
    session = requests.Session()
    session.trust_env = False
    return session.post(response_url, data=json.dumps(data).encode()).json()


def aibot_envelope(bot, payload: dict) -> bytes:
    """A smart-bot passive reply, encrypted and signed with wechatpy."""
    xml = bot.aibot.encrypt_message(json.dumps(payload, ensure_ascii=False), "777", "1700000000")
    f = {c.tag: c.text for c in ElementTree.fromstring(xml)}
    return json.dumps({"encrypt": f["Encrypt"], "msgsignature": f["MsgSignature"],
                       "timestamp": int(f["TimeStamp"]), "nonce": f["Nonce"]}).encode()


def markdown(text: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": text}}


def test_a_group_mention_arrives_as_encrypted_json_with_chat_and_response_url(wecom, bot):
    result = wecom.act_as("zhouks").mention_bot(DESK_CHAT, "签收 YQ-2026-0042")
    (got,) = bot.received
    assert got.error is None and got.path == "/wecom/aibot"
    assert set(json.loads(got.body)) == {"encrypt"}
    payload = got.json()
    assert payload["chatid"] == DESK_CHAT and payload["chattype"] == "group"
    assert payload["from"] == {"userid": "zhouks"} and payload["msgtype"] == "text"
    assert payload["text"]["content"] == "@舆情助手 签收 YQ-2026-0042"
    assert payload["msgid"] == result.info["msgid"] and payload["aibotid"]
    assert payload["response_url"].startswith(wecom.base_url + "/cgi-bin/aibot/response?response_code=")
    assert wecom.chat_in_group(DESK_NAME)[0]["sender"] == "zhouks"


def test_a_reply_through_response_url_shows_in_the_group_once(wecom, bot):
    url = wecom.act_as("zhouks").mention_bot(DESK_CHAT, "帮助").info["response_url"]
    assert reply_to(url, markdown("**帮助**：签收 YQ-…")) == {"errcode": 0, "errmsg": "ok"}
    assert reply_to(url, markdown("again"))["errcode"] == 42022  # used (60140: expired)
    (message,) = wecom.messages_for_group(DESK_CHAT)
    assert message["sender"] == "aibot" and message["content"]["content"] == "**帮助**：签收 YQ-…"


def test_a_response_url_expires_after_an_hour(wecom, bot):
    url = wecom.act_as("zhouks").mention_bot(DESK_CHAT, "帮助").info["response_url"]
    wecom.advance_time(3601)
    assert reply_to(url, markdown("late"))["errcode"] == 60140


def test_response_url_refuses_cards_in_a_group_and_unknown_msgtypes(wecom, bot):
    url = wecom.act_as("zhouks").mention_bot(DESK_CHAT, "帮助").info["response_url"]
    assert reply_to(url, {"msgtype": "template_card", "template_card": button_card()})["errcode"] == 40008
    assert reply_to(url, {"msgtype": "text", "text": {"content": "x"}})["errcode"] == 40008
    assert reply_to(url, {"response_type": "update_template_card"})["errcode"] == 40008
    assert reply_to(url, markdown("still usable"))["errcode"] == 0


def test_a_one_to_one_message_has_no_chatid(wecom, bot):
    wecom.act_as("ligs").send_bot_text("帮助")
    payload = bot.received[0].json()
    assert payload["chattype"] == "single" and "chatid" not in payload
    assert payload["text"]["content"] == "帮助"


def test_a_card_sent_one_to_one_can_be_clicked_and_the_click_is_not_retried(wecom, bot):
    url = wecom.act_as("ligs").send_bot_text("待办").info["response_url"]
    assert reply_to(url, {"msgtype": "template_card", "template_card": button_card("bot-task-1")})["errcode"] == 0
    assert wecom.card_for_user("ligs", "bot-task-1")["channel"] == "aibot"
    bot.delays = [2.0]
    result = wecom.act_as("ligs").click("bot-task-1", "case.reject")
    assert len(bot.received) == 2 and len(result.attempts) == 1 and not result.answered
    event = bot.received[1].json()
    assert event["msgtype"] == "event" and event["from"] == {"userid": "ligs"}
    assert event["event"]["eventtype"] == "template_card_event"
    assert event["event"]["template_card_event"] == {"card_type": "button_interaction",
                                                     "event_key": "case.reject", "task_id": "bot-task-1"}
    assert event["response_url"] and event["create_time"]


def test_a_passive_update_template_card_reply_replaces_the_clicked_card(wecom, bot):
    url = wecom.act_as("ligs").send_bot_text("待办").info["response_url"]
    reply_to(url, {"msgtype": "template_card", "template_card": button_card("bot-task-2")})
    new = {**button_card("ignored"), "button_list": [{"text": "已签收", "key": "done", "style": 2}]}
    bot.reply = lambda got: aibot_envelope(bot, {"response_type": "update_template_card", "userids": ["ligs"],
                                                 "template_card": new})
    result = wecom.act_as("ligs").click("bot-task-2", "case.ack")
    assert result.info["passive_reply"] == "update_template_card"
    shown = wecom.card_for_user("ligs", "bot-task-2")
    assert shown["clickable"] == ["done"] and shown["card"]["task_id"] == "bot-task-2"


def test_a_passive_markdown_reply_to_a_mention_shows_in_the_group(wecom, bot):
    bot.reply = lambda got: aibot_envelope(bot, markdown("收到"))
    wecom.act_as("zhouks").mention_bot(DESK_CHAT, "帮助")
    assert wecom.messages_for_group(DESK_CHAT)[0]["content"] == {"content": "收到"}


def test_a_mention_is_retried_like_any_message(wecom, bot):
    bot.delays = [2.0]
    result = wecom.act_as("zhouks").mention_bot(DESK_CHAT, "帮助")
    assert len(result.attempts) == 2 and result.answered
    assert bot.received[0].body == bot.received[1].body


def test_markdown_over_20480_bytes_is_refused(wecom, bot):
    url = wecom.act_as("zhouks").mention_bot(DESK_CHAT, "帮助").info["response_url"]
    assert reply_to(url, markdown("m" * 20481))["errcode"] == 40058


@pytest.mark.parametrize("bad", ["", "nope"])
def test_an_unknown_response_code_is_60140(wecom, server, bad):
    assert reply_to(f"{server.url}/cgi-bin/aibot/response?response_code={bad}", markdown("x"))["errcode"] == 60140


def test_mentioning_the_bot_in_a_group_it_is_not_in_raises(wecom, bot):
    with pytest.raises(ActError):
        wecom.act_as("zhouks").mention_bot("wrUnknown", "帮助")
    assert bot.received == []


def test_a_mention_with_a_picture_is_a_mixed_message_and_the_adapter_keeps_both(wecom, bot):
    """100719/101027: text and picture in one @-message (``mixed``); the adapter reads it as a mention whose
    text is the text items and whose attachment is the picture (issue 18, item 9)."""
    from bot.platforms.wecom.aibot import to_event

    wecom.act_as("zhouks").mention_bot(DESK_CHAT, "续报 YQ-2026-0042 现场照片", picture=b"\xff\xd8\xff\xe0jpeg")
    payload = bot.received[0].json()
    assert payload["msgtype"] == "mixed" and "text" not in payload
    text_item, picture_item = payload["mixed"]["msg_item"]
    assert text_item == {"msgtype": "text", "text": {"content": "@舆情助手 续报 YQ-2026-0042 现场照片"}}
    session = requests.Session()
    session.trust_env = False
    assert session.get(picture_item["image"]["url"]).content == b"\xff\xd8\xff\xe0jpeg"
    event = to_event(payload, "2026-12-07T10:00:00+08:00", {"WECOM_SECRET": "s"})
    assert (event.kind, event.chat_id, event.text) == ("mention", DESK_CHAT, "@舆情助手 续报 YQ-2026-0042 现场照片")
    (picture,) = event.attachments
    assert picture["kind"] == "image" and picture["url"] == picture_item["image"]["url"] and picture["open"]
    assert "5 分钟" in picture["kept_note"]  # the desk is told how long WeCom keeps it
