"""WeCom callbacks that must be refused (4xx, nothing enqueued, nothing sent), retries that must
have one effect, and authentic events that get 200 but no answer."""

from __future__ import annotations

import time

import redis
import requests

from bot.demo import DEMO_ENV
from bot.emulator.wecom import callbacks
from bot.emulator.wecom.crypto import CallbackCipher
from tests.integration.stack import wait_for

CORP = DEMO_ENV["WECOM_CORP_ID"]
AGENT = DEMO_ENV["WECOM_AGENT_ID"]


def _app_callback(userid: str, content: str, *, token: str = DEMO_ENV["WECOM_TOKEN"], corp: str = CORP,
                  skew: int = 0) -> callbacks.SealedCallback:
    """An app text callback built with the emulator's own sealing (optionally with wrong parts)."""
    now = int(time.time()) + skew
    cipher = CallbackCipher(token, DEMO_ENV["WECOM_AES_KEY"], corp)
    fields = [("MsgType", "text"), ("Content", content), ("MsgId", int(callbacks.app_message_id()))]
    return callbacks.seal_app(cipher, callbacks.app_xml(corp, AGENT, userid, now, fields), corp, AGENT, now)


def _post(stack, path: str, sealed: callbacks.SealedCallback, body: bytes | None = None) -> requests.Response:
    return requests.post(sealed.url(stack.url + path), data=sealed.body if body is None else body,
                         headers={"Content-Type": sealed.content_type}, timeout=10)


def _nothing_accepted(stack) -> None:
    conn = redis.Redis.from_url(stack.settings.redis_url)
    assert conn.keys("yq:dedup:*") == []
    assert stack.emulator.wecom.messages_for_user("zhouks") == []
    assert [c for c in stack.emulator.wecom.api_calls if c["path"] != "/cgi-bin/gettoken"] == []


def test_url_verification_answers_the_plain_echo(stack):
    wecom = stack.emulator.wecom
    for target in ("app", "aibot"):
        done = wecom.verify_url(target, echo="echo-1234567890")
        assert done.status == 200 and done.reply == b"echo-1234567890"


def test_wrong_signature_wrong_corp_stale_time_and_hostile_xml_are_refused(stack):
    assert _post(stack, "/wecom/callback", _app_callback("zhouks", "帮助", token="not-our-token")).status_code == 403
    assert _post(stack, "/wecom/callback", _app_callback("zhouks", "帮助", corp="wwsomeoneelse0000")).status_code == 403
    assert _post(stack, "/wecom/callback", _app_callback("zhouks", "帮助", skew=-600)).status_code == 403
    assert _post(stack, "/wecom/callback", _app_callback("zhouks", "帮助", skew=+600)).status_code == 403
    sealed = _app_callback("zhouks", "帮助")
    bomb = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b"<xml><ToUserName>&b;</ToUserName><Encrypt>x</Encrypt></xml>")
    assert _post(stack, "/wecom/callback", sealed, bomb).status_code == 400
    external = b'<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>'
    assert _post(stack, "/wecom/callback", sealed, external).status_code == 400
    assert _post(stack, "/wecom/callback", sealed, b"<xml><Encrypt>unclosed").status_code == 400
    assert _post(stack, "/wecom/aibot", sealed, b"{not json").status_code == 400
    _nothing_accepted(stack)


def test_a_stale_callback_from_the_emulator_is_refused_on_every_attempt(stack):
    wecom = stack.emulator.wecom
    wecom.actor.timestamp_skew = -400
    done = wecom.act_as("zhouks").send_text("帮助")
    assert [a.status for a in done.attempts] == [403] * wecom.callback_attempts
    _nothing_accepted(stack)


def test_an_oversized_body_is_refused_with_413(stack):
    sealed = _app_callback("zhouks", "帮助")
    body = b"<xml><Encrypt>" + b"A" * (stack.settings.max_body_bytes + 10) + b"</Encrypt></xml>"
    assert _post(stack, "/wecom/callback", sealed, body).status_code == 413
    _nothing_accepted(stack)


def test_a_retried_callback_has_one_effect(stack):
    wecom = stack.emulator.wecom
    sealed = _app_callback("zhouks", "帮助")
    first, again = _post(stack, "/wecom/callback", sealed), _post(stack, "/wecom/callback", sealed)
    assert (first.status_code, first.text, again.status_code) == (200, "", 200)
    wait_for(lambda: wecom.messages_for_user("zhouks"), what="the first answer")
    wecom.act_as("zhouks").send_text("测试卡片")  # the worker takes jobs in order: once this is answered,
    wait_for(lambda: len(wecom.messages_for_user("zhouks")) >= 2, what="the second answer")  # the retry was too
    assert [m["msgtype"] for m in wecom.messages_for_user("zhouks")] == ["markdown", "template_card"]


def test_a_retried_smart_bot_callback_has_one_effect(stack):
    wecom = stack.emulator.wecom
    url = f"{wecom.base_url}/cgi-bin/aibot/response?response_code=" + wecom.response_urls.issue(
        userid="zhouks", chatid="wrFood0001", chattype="group")
    payload = callbacks.aibot_text(aibot_id="aibot-emulator", userid="zhouks", content="@舆情助手 帮助",
                                   response_url=url, chatid="wrFood0001")
    cipher = CallbackCipher(DEMO_ENV["WECOM_AIBOT_TOKEN"], DEMO_ENV["WECOM_AIBOT_AES_KEY"], "")
    sealed = callbacks.seal_aibot(cipher, payload, int(time.time()))
    assert [_post(stack, "/wecom/aibot", sealed).status_code for _ in range(3)] == [200, 200, 200]
    wait_for(lambda: wecom.messages_for_group("wrFood0001"), what="the answer in the group")
    wecom.act_as("zhouks").mention_bot("wrFood0001", "测试卡片")
    wait_for(lambda: len(wecom.messages_for_group("wrFood0001")) >= 2, what="the second answer")
    assert len(wecom.messages_for_group("wrFood0001")) == 2
    assert [c["outcome"] for c in wecom.api_calls if "aibot" in c["path"]] == [0, 0]


def test_an_unknown_person_gets_200_and_is_told_to_register_once(stack):
    wecom = stack.emulator.wecom
    wecom.directory.wecom_users["stranger01"] = "陌生人"  # a WeCom member; the org file does not know them
    assert wecom.act_as("stranger01").send_text("帮助").status == 200
    wecom.act_as("zhouks").send_text("帮助")  # answered after the stranger's event was handled
    wait_for(lambda: wecom.messages_for_user("zhouks"), what="the known person's answer")
    told = wait_for(lambda: wecom.messages_for_user("stranger01"), what="the stranger's answer\n" + stack.worker_log())
    assert len(told) == 1 and "您尚未登记，请联系管理员" in str(told[0]["content"])
    assert [c for c in wecom.api_calls if c["outcome"] != 0] == []
    assert "unknown person" in stack.worker_log()
