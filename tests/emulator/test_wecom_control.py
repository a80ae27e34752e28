"""The JSON control endpoints under /_emulator/wecom/ (for the demo console and drills)."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.conftest_wecom import (  # noqa: F401
    DESK_CHAT, DESK_HOOK, api, bot, button_card, send_card, server, wecom)


@pytest.fixture
def control(server):
    session = requests.Session()
    session.trust_env = False
    base = server.url + "/_emulator/wecom"

    class Control:
        def get(self, path, **params):
            return session.get(base + path, params=params)

        def post(self, path, data=None):
            return session.post(base + path, json=data or {})

        def delete(self, path):
            return session.delete(base + path)

    return Control()


def test_the_directory_lists_people_and_groups(control, wecom):
    data = control.get("/directory").json()
    assert data["users"]["ligs"] == "李干事" and data["webhooks"] == {DESK_HOOK: "综合应急和新闻宣传科"}
    assert data["aibot_chats"] == {DESK_CHAT: "综合应急和新闻宣传科"} and data["app"] and data["aibot"]


def test_act_as_a_person_over_http_and_read_the_chat(control, wecom, bot):
    result = control.post("/act", {"userid": "ligs", "action": "text", "content": "帮助"}).json()
    assert result["answered"] and result["kind"] == "app" and len(result["attempts"]) == 1
    assert bot.received[0].error is None
    chat = control.get("/users/ligs/messages", all="1").json()
    assert chat[0]["content"] == {"content": "帮助"} and chat[0]["sender"] == "ligs"
    assert control.get("/users/ligs/messages").json() == []
    assert control.get("/deliveries").json()[0]["plaintext"] == result["plaintext"]


def test_mention_and_click_over_http(api, control, wecom, bot):
    control.post("/act", {"userid": "zhouks", "action": "mention", "chatid": DESK_CHAT, "content": "帮助"})
    assert control.get(f"/groups/{DESK_CHAT}/messages", all="1").json()[0]["sender"] == "zhouks"
    send_card(api, button_card())
    clicked = control.post("/act", {"userid": "ligs", "action": "click", "task_id": "case-42-ack",
                                    "key": "case.ack"}).json()
    assert clicked["response_code"] and clicked["key"] == "case.ack"
    assert control.get("/users/ligs/cards").json()[0]["task_id"] == "case-42-ack"


def test_an_impossible_act_is_a_400(control, wecom, bot):
    response = control.post("/act", {"userid": "ligs", "action": "click", "task_id": "none", "key": "x"})
    assert response.status_code == 400 and "ActError" in response.json()["error"]
    assert control.post("/act", {"userid": "ligs", "action": "dance"}).status_code == 400
    assert control.post("/act", {"action": "text"}).status_code == 400


def test_verify_over_http(control, wecom, bot):
    assert control.post("/verify", {"target": "aibot", "echo": "abc"}).json()["reply"] == "abc"


def test_faults_over_http(api, control, wecom):
    api.token()
    assert control.post("/faults", {"kind": "errcode", "value": 45009, "count": 1}).status_code == 200
    assert control.get("/faults").json()[0]["value"] == 45009
    text = {"touser": "ligs", "msgtype": "text", "agentid": 1000002, "text": {"content": "x"}}
    assert api.call("message/send", text)["errcode"] == 45009
    control.post("/faults", {"kind": "http", "value": 502})
    control.delete("/faults")
    assert control.get("/faults").json() == []
    assert control.post("/faults", {"kind": "bogus", "value": 1}).status_code == 400


def test_token_expiry_and_clock_over_http(api, control, wecom):
    token = api.token()
    text = {"touser": "ligs", "msgtype": "text", "agentid": 1000002, "text": {"content": "x"}}
    control.post("/tokens/expire")
    assert api.call("message/send", text, token=token)["errcode"] == 42001
    fresh = api.gettoken()["access_token"]
    control.post("/tokens/expire", {"mode": "revoke"})
    assert api.call("message/send", text, token=fresh)["errcode"] == 40014
    assert control.post("/clock/advance", {"seconds": 10}).json()["offset"] == 10


def test_records_and_reset_over_http(api, control, wecom):
    api.call("webhook/send", {"msgtype": "text", "text": {"content": "通知"}}, key=DESK_HOOK)
    records = control.get("/records").json()
    assert records["groups"][DESK_HOOK][0]["content"] == {"content": "通知"}
    assert "ligs" in records["users"]
    assert control.get("/calls").json()[-1]["path"] == "/cgi-bin/webhook/send"
    control.post("/reset")
    assert control.get("/records").json()["groups"] == {}
