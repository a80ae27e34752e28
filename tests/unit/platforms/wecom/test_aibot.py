"""The smart bot's callback: group @-mentions, 1:1 text, card clicks, response_url kept as the reply handle."""

from __future__ import annotations

import json

import pytest

from bot.core.errors import PayloadError, SignatureError
from bot.platforms.base import RawRequest
from bot.platforms.wecom.aibot import AibotCallback
from tests.unit.platforms.wecom.sealing import CONFIG, NOW, aibot_request, verify_request

URL = "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC"


@pytest.fixture
def bot():
    return AibotCallback(CONFIG, now=lambda: NOW)


def text(chatid: str | None, content: str, msgid: str = "CAIQ16HMjQYY") -> dict:
    payload = {"msgid": msgid, "aibotid": "AIBOTID", "chattype": "group" if chatid else "single",
               "from": {"userid": "zhouks"}, "response_url": URL, "msgtype": "text", "text": {"content": content}}
    return {**payload, "chatid": chatid} if chatid else payload


def test_url_verification_uses_an_empty_receive_id(bot):
    answer = bot.handle(verify_request("echo-42", path="/wecom/aibot"))
    assert (answer.status, answer.body) == (200, "echo-42")


def test_a_group_mention_is_a_mention_event_in_that_group(bot):
    answer = bot.handle(aibot_request(text("wrFood0001", "@舆情助手 帮助")))
    assert (answer.status, answer.body) == (200, "")
    (event,) = answer.events
    assert (event.kind, event.chat_type, event.chat_id, event.user_id) == ("mention", "group", "wrFood0001", "zhouks")
    assert (event.channel, event.text, event.dedup_key) == ("wecom_aibot", "@舆情助手 帮助", "aibot-msg:CAIQ16HMjQYY")
    assert event.reply == {"channel": "wecom_aibot", "response_url": URL, "chat_type": "group"}
    assert URL not in json.dumps(event.raw)


def test_a_single_chat_text_is_a_text_event(bot):
    (event,) = bot.handle(aibot_request(text(None, "帮助"))).events
    assert (event.kind, event.chat_type, event.chat_id) == ("text", "single", "zhouks")


def test_a_card_click_carries_action_params_and_the_card(bot):
    payload = {"msgid": "m2", "create_time": NOW, "aibotid": "A", "from": {"userid": "zhouks"}, "chattype": "single",
               "response_url": URL, "msgtype": "event",
               "event": {"eventtype": "template_card_event", "template_card_event": {
                   "card_type": "button_interaction", "event_key": "demo.confirm?n=1", "task_id": "yq_t",
                   "selected_items": {"selected_item": {"question_key": "q1", "option_ids": {"option_id": ["o1"]}}}}}}
    (event,) = bot.handle(aibot_request(payload)).events
    assert (event.kind, event.action, event.card_id) == ("click", "demo.confirm", "yq_t")
    assert event.params["n"] == "1" and event.params["selected"][0]["question_key"] == "q1"
    assert event.reply["response_url"] == URL


@pytest.mark.parametrize("payload", [
    {"msgid": "m3", "from": {"userid": "zhouks"}, "msgtype": "event", "event": {"eventtype": "enter_chat"}},
    {"msgid": "m4", "from": {"userid": "zhouks"}, "msgtype": "stream", "stream": {"id": "s"}},
    {"msgid": "m5", "from": {"userid": "zhouks"}, "msgtype": "image", "image": {"url": "https://x"}},
])
def test_other_authentic_messages_are_answered_and_ignored(bot, payload):
    answer = bot.handle(aibot_request(payload))
    assert (answer.status, answer.events) == (200, [])


def test_bad_signature_or_stale_time_is_not_authentic(bot):
    with pytest.raises(SignatureError):
        bot.handle(aibot_request(text(None, "帮助"), token="not-ours"))
    with pytest.raises(SignatureError):
        bot.handle(aibot_request(text(None, "帮助"), timestamp=NOW - 301))


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"encrypt": 5}', b"{}"])
def test_a_malformed_body_is_refused(bot, body):
    with pytest.raises(PayloadError):
        bot.handle(RawRequest("POST", "/wecom/aibot", {"msg_signature": "x", "timestamp": str(NOW), "nonce": "1"},
                              {}, body))


def test_a_message_without_sender_is_malformed(bot):
    with pytest.raises(PayloadError):
        bot.handle(aibot_request({"msgid": "m6", "msgtype": "text", "text": {"content": "hi"}}))
