"""Acting as people: real encrypted, signed callbacks to the self-built app, checked by a
receiver that decrypts them with wechatpy; URL verification; WeCom's retries."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ElementTree

import pytest

from bot.emulator.wecom import ActError
from tests.emulator.conftest_wecom import (  # noqa: F401
    CORP_ID, api, bot, button_card, send_card, server, wecom)


def fields(xml: str) -> dict:
    return {child.tag: child.text for child in ElementTree.fromstring(xml)}


def test_a_text_arrives_encrypted_and_signed_as_wecom_sends_it(wecom, bot):
    result = wecom.act_as("ligs").send_text("帮助 <&> ]]> end")
    (got,) = bot.received
    assert got.error is None and got.method == "POST" and got.path == "/wecom/callback"
    envelope = fields(got.body.decode())
    assert envelope["ToUserName"] == CORP_ID and envelope["AgentID"] == "1000002" and envelope["Encrypt"]
    message = fields(got.plaintext)
    assert message["ToUserName"] == CORP_ID and message["FromUserName"] == "ligs"
    assert message["MsgType"] == "text" and message["Content"] == "帮助 <&> ]]> end"
    assert message["AgentID"] == "1000002" and message["MsgId"] == result.info["msgid"]
    assert int(message["MsgId"]) < 2**63 and message["CreateTime"].isdigit()
    assert result.answered and len(result.attempts) == 1
    assert wecom.chat_with_user("ligs")[0]["sender"] == "ligs"
    assert wecom.messages_for_user("ligs") == []


def test_a_link_message_carries_title_description_url_and_picture(wecom, bot):
    wecom.act_as("zhouks").send_link("某商场食品问题", "https://weibo.example/1", "网友爆料", "https://img/1.png")
    message = fields(bot.received[0].plaintext)
    assert message["MsgType"] == "link" and message["Title"] == "某商场食品问题"
    assert message["Url"] == "https://weibo.example/1" and message["Description"] == "网友爆料"
    assert message["PicUrl"] == "https://img/1.png" and message["MsgId"]


def test_url_verification_of_the_app_and_the_smart_bot(wecom, bot):
    app = wecom.verify_url("app", echo="1616140317555161061")
    aibot = wecom.verify_url("aibot", echo="echo-aibot")
    assert [r.method for r in bot.received] == ["GET", "GET"]
    assert all(r.error is None for r in bot.received)
    assert app.reply == b"1616140317555161061" and aibot.reply == b"echo-aibot"


def test_a_bot_answering_after_the_timeout_gets_the_same_body_three_times(wecom, bot):
    bot.delays = [2.0, 2.0, 2.0]
    result = wecom.act_as("ligs").send_text("签收 YQ-2026-0042")
    assert len(bot.received) == 3 and not result.answered
    assert len({(r.body, tuple(sorted(r.query.items()))) for r in bot.received}) == 1
    assert [a.status for a in result.attempts] == [None, None, None]
    assert all(a.error for a in result.attempts)


def test_a_retry_stops_at_the_first_200(wecom, bot):
    bot.delays = [2.0]
    result = wecom.act_as("ligs").send_text("签收")
    assert len(bot.received) == 2 and result.answered
    assert [a.status for a in result.attempts] == [None, 200]


def test_a_non_200_answer_is_retried(wecom, bot):
    bot.status = 500
    result = wecom.act_as("ligs").send_text("签收")
    assert [a.status for a in result.attempts] == [500, 500, 500]


def test_retries_follow_the_configured_attempts(wecom, bot):
    wecom.callback_attempts = 1
    bot.status = 503
    assert len(wecom.act_as("ligs").send_text("x").attempts) == 1


def test_a_click_sends_template_card_event_with_a_fresh_single_use_response_code(api, wecom, bot):
    sent = send_card(api, button_card())
    result = wecom.act_as("ligs").click("case-42-ack", "case.ack")
    event = fields(bot.received[0].plaintext)
    assert event["MsgType"] == "event" and event["Event"] == "template_card_event"
    assert event["EventKey"] == "case.ack" and event["TaskId"] == "case-42-ack"
    assert event["CardType"] == "button_interaction" and event["FromUserName"] == "ligs"
    code = event["ResponseCode"]
    assert code == result.info["response_code"] and code != sent["response_code"]
    update = {"userids": ["ligs"], "agentid": 1000002, "response_code": code, "button": {"replace_name": "已签收"}}
    assert api.call("message/update_template_card", update)["errcode"] == 0
    assert api.call("message/update_template_card", update)["errcode"] == 42022
    assert wecom.card_for_user("ligs", "case-42-ack")["greyed"] == "已签收"


def test_two_clicks_get_two_different_response_codes(api, wecom, bot):
    send_card(api, button_card())
    wecom.act_as("ligs").click("case-42-ack", "case.ack")
    wecom.act_as("ligs").click("case-42-ack", "case.reject")
    codes = {fields(r.plaintext)["ResponseCode"] for r in bot.received}
    assert len(codes) == 2


def test_clicking_a_card_one_does_not_hold_or_a_missing_button_raises(api, wecom, bot):
    send_card(api, button_card())
    with pytest.raises(ActError):
        wecom.act_as("zhouks").click("case-42-ack", "case.ack")
    with pytest.raises(ActError):
        wecom.act_as("ligs").click("case-42-ack", "case.delete")
    with pytest.raises(ActError):
        wecom.act_as("ligs").click("no-such-task", "case.ack")
    assert bot.received == []


def test_a_greyed_card_cannot_be_clicked_again(api, wecom, bot):
    code = send_card(api, button_card())["response_code"]
    api.call("message/update_template_card", {"userids": ["ligs"], "agentid": 1000002, "response_code": code,
                                               "button": {"replace_name": "已签收"}})
    with pytest.raises(ActError):
        wecom.act_as("ligs").click("case-42-ack", "case.ack")


def test_a_passive_update_button_reply_greys_the_clicked_card(api, wecom, bot):
    send_card(api, button_card())
    reply = ("<xml><ToUserName><![CDATA[ligs]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"
             "<CreateTime>1</CreateTime><MsgType><![CDATA[update_button]]></MsgType>"
             "<Button><ReplaceName><![CDATA[已同意]]></ReplaceName></Button></xml>") % CORP_ID
    bot.reply = lambda got: bot.app.encrypt_message(reply, "123456").encode()
    result = wecom.act_as("ligs").click("case-42-ack", "case.ack")
    assert result.info["passive_reply"] == "update_button"
    assert wecom.card_for_user("ligs", "case-42-ack")["greyed"] == "已同意"
    update = {"userids": ["ligs"], "agentid": 1000002, "response_code": result.info["response_code"],
              "button": {"replace_name": "再改"}}
    assert api.call("message/update_template_card", update)["errcode"] == 42022


def test_a_passive_text_reply_is_shown_to_the_person(wecom, bot):
    reply = ("<xml><ToUserName><![CDATA[ligs]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"
             "<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[收到]]></Content></xml>"
             ) % CORP_ID
    bot.reply = lambda got: bot.app.encrypt_message(reply, "654321").encode()
    wecom.act_as("ligs").send_text("帮助")
    assert wecom.messages_for_user("ligs")[0]["content"] == {"content": "收到"}


def test_a_badly_signed_passive_reply_is_not_applied(wecom, bot):
    bot.reply = lambda got: b"<xml><Encrypt>abc</Encrypt><MsgSignature>0</MsgSignature></xml>"
    result = wecom.act_as("ligs").send_text("帮助")
    assert "passive_reply_error" in result.info and wecom.messages_for_user("ligs") == []


def test_timestamp_skew_lets_tests_send_stale_callbacks(wecom, bot):
    wecom.actor.timestamp_skew = -3600
    wecom.act_as("ligs").send_text("旧消息")
    got = bot.received[0]
    assert abs(int(got.query["timestamp"]) - (time.time() - 3600)) < 5
    assert got.error is None and fields(got.plaintext)["CreateTime"] == got.query["timestamp"]


def test_without_bot_url_acting_raises(wecom, server):
    server.wecom.bot_url = ""
    with pytest.raises(ActError):
        wecom.act_as("ligs").send_text("x")


@pytest.mark.parametrize(("answer", "noted"), [(b"", False), (b"success", True)])
def test_an_empty_answer_is_no_reply_and_success_is_not_wecoms(wecom, bot, answer, noted):
    """90238: "直接返回200（即以空串为返回包）"; ``success`` is no documented WeCom answer (the emulator notes it)."""
    bot.reply = lambda got: answer
    result = wecom.act_as("ligs").send_text("帮助")
    assert result.answered and ("passive_reply_error" in result.info) == noted
    assert wecom.messages_for_user("ligs") == []
