"""Parsing robot messages and card clicks into Events; what the routes answer."""

import json
import time

import pytest

from bot.core.errors import PayloadError, SignatureError
from bot.platforms.base import RawRequest
from bot.platforms.dingtalk.cardback import CardCallback, action_of
from bot.platforms.dingtalk.inbound import DEDUP_TTL, RobotCallback, message_text
from bot.platforms.dingtalk.signing import WINDOW_MS, card_sign, robot_sign

CONFIG = {"DINGTALK_APP_KEY": "dingkey", "DINGTALK_APP_SECRET": "secret", "DINGTALK_ROBOT_CODE": "dingkey",
          "DINGTALK_CARD_CALLBACK_SECRET": "cardsecret"}
GROUP = {  # the documented group @-message, trimmed
    "msgtype": "text", "text": {"content": " 你好 https://weibo.com/1/abc?x=1，请看"}, "msgId": "msg0xxxxx",
    "createAt": 1613630252678, "conversationType": "2", "conversationId": "cidjMOsz==",
    "conversationTitle": "机器人测试-TEST", "senderId": "$:LWCP_v1:$Ff09", "senderNick": "杨xx",
    "senderStaffId": "user123", "robotCode": "dingkey", "isInAtList": True,
    "atUsers": [{"dingtalkId": "$:LWCP_v1:$Cxxxxx"}],
    "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=c610",
    "sessionWebhookExpiredTime": 1613635652738}


def robot_request(body, secret="secret", ts=None, raw=None):
    ts = str(ts or int(time.time() * 1000))
    return RawRequest("POST", "/dingtalk/robot", {}, {"timestamp": ts, "sign": robot_sign(ts, secret)},
                      raw if raw is not None else json.dumps(body).encode(), "2026-11-29T00:00:00+00:00")


def test_a_group_mention_becomes_a_mention_event_with_its_link_and_reply_handle():
    answer = RobotCallback(CONFIG).handle(robot_request(GROUP))
    assert answer.status == 200 and json.loads(answer.body) == {"msgtype": "empty"}
    [ev] = answer.events
    assert (ev.platform, ev.channel, ev.kind, ev.chat_type) == ("dingtalk", "dingtalk_robot", "mention", "group")
    assert ev.user_id == "user123" and ev.chat_id == "cidjMOsz==" and ev.dedup_key == "msg0xxxxx"
    assert ev.text == "你好 https://weibo.com/1/abc?x=1，请看" and ev.url == "https://weibo.com/1/abc?x=1"
    assert ev.reply == {"conversation_type": "2", "session_webhook": GROUP["sessionWebhook"],
                        "session_expires_ms": 1613635652738}
    assert "sessionWebhook" not in ev.raw


def test_a_one_to_one_message_is_text_or_link():
    body = {**GROUP, "conversationType": "1", "text": {"content": "帮助"}}
    body.pop("atUsers"), body.pop("conversationTitle")
    [ev] = RobotCallback(CONFIG).handle(robot_request(body)).events
    assert (ev.kind, ev.chat_type, ev.text, ev.url) == ("text", "single", "帮助", "")
    body["text"] = {"content": "http://example.org/a"}
    [ev] = RobotCallback(CONFIG).handle(robot_request(body)).events
    assert (ev.kind, ev.url) == ("link", "http://example.org/a")


@pytest.mark.parametrize("body, text", [
    ({"msgtype": "richText", "content": {"richText": [{"text": "你好"}, {"downloadCode": "x", "type": "picture"},
                                                       {"text": " 世界"}]}}, "你好 世界"),
    ({"msgtype": "audio", "content": {"duration": 4000, "recognition": "钉钉，让进步发生"}}, "钉钉，让进步发生"),
    ({"msgtype": "text", "content": " 你好"}, "你好"),
    ({"msgtype": "picture", "content": {"downloadCode": "x"}}, ""),
])
def test_message_text_of_other_message_types(body, text):
    assert message_text(body) == text


@pytest.mark.parametrize("request_", [
    robot_request(GROUP, secret="wrong"),
    robot_request(GROUP, ts=int(time.time() * 1000) - WINDOW_MS - 5000),
    robot_request({**GROUP, "robotCode": "dingother"}),
])
def test_not_authentic_robot_requests_are_refused(request_):
    with pytest.raises(SignatureError):
        RobotCallback(CONFIG).handle(request_)


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", json.dumps({**GROUP, "msgId": ""}).encode(),
                                 "你好".encode("gbk")])
def test_malformed_robot_bodies_are_400(raw):
    with pytest.raises(PayloadError) as err:
        RobotCallback(CONFIG).handle(robot_request(None, raw=raw))
    assert err.value.status == 400


def test_dedup_lasts_longer_than_a_signature_can_be_replayed():
    assert DEDUP_TTL >= 2 * WINDOW_MS // 1000 + 60


def click_request(body, secret="cardsecret", ts=None):
    ts = str(ts or int(time.time() * 1000))
    headers = {"x-ddpaas-signature-timestamp": ts, "x-ddpaas-signature": card_sign(ts, secret)}
    return RawRequest("POST", "/dingtalk/card", {}, headers, json.dumps(body).encode(), "now"), ts


CLICK = {"type": "actionCallback", "outTrackId": "yq123", "corpId": "dingcorp", "userId": "user123",
         "userIdType": 1, "spaceType": "im", "spaceId": "cidjMOsz==", "extension": "{}",
         "content": json.dumps({"cardPrivateData": {"actionIds": ["case.grade#2"], "params": {"grade": "2"}}})}


def test_a_card_click_becomes_a_click_event_answered_at_once():
    request_, ts = click_request(CLICK)
    answer = CardCallback(CONFIG).handle(request_)
    assert answer.status == 200 and json.loads(answer.body) == {}
    [ev] = answer.events
    assert (ev.kind, ev.channel, ev.action, ev.params, ev.card_id) == ("click", "dingtalk_card", "case.grade",
                                                                       {"grade": "2"}, "yq123")
    assert (ev.user_id, ev.chat_id, ev.chat_type) == ("user123", "cidjMOsz==", "group")
    assert ev.dedup_key == f"card:{ts}:yq123:user123:case.grade#2"


def test_a_card_click_with_a_bad_signature_or_body_is_refused():
    request_, _ = click_request(CLICK, secret="wrong")
    with pytest.raises(SignatureError):
        CardCallback(CONFIG).handle(request_)
    for body in ({**CLICK, "content": "{"}, {**CLICK, "outTrackId": ""}, {**CLICK, "content": "{}"}):
        with pytest.raises(PayloadError):
            CardCallback(CONFIG).handle(click_request(body)[0])


def test_action_ids_map_back_to_action_keys():
    assert action_of("demo.confirm") == "demo.confirm" and action_of("case.grade#3") == "case.grade"
