"""The emulated smart bot's long connection, spoken to with a bare WebSocket client (the frames
of the official SDK): subscribe, heartbeats, one connection per bot, aibot_send_msg to groups and
people, clicks attributed to the member, and card updates only within 5 s of the click."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from bot.emulator import EmulatorServer
from tests.emulator.conftest_wecom import DESK_CHAT, ENV, button_card, make_directory

BOT_ID, SECRET = "aibot-test", "aibot-secret"
WS_ENV = {**{k: v for k, v in ENV.items() if not k.startswith("WECOM_AIBOT")},
          "WECOM_AIBOT_ID": BOT_ID, "WECOM_AIBOT_SECRET": SECRET}


@pytest.fixture(scope="module")
def server():
    srv = EmulatorServer(WS_ENV, make_directory()).start()
    yield srv
    srv.stop()


@pytest.fixture
def wecom(server):
    emu = server.wecom
    emu.reset()
    emu.longconn.drop()
    return emu


class Client:
    """A bare client: send a frame, read the next one."""

    def __init__(self, url: str) -> None:
        self.ws = connect(url).__enter__()
        self.n = 0

    def call(self, cmd: str, body: dict | None = None, req_id: str = "") -> dict:
        self.n += 1
        frame = {"cmd": cmd, "headers": {"req_id": req_id or f"{cmd}_{self.n}"}}
        if body is not None:
            frame["body"] = body
        self.ws.send(json.dumps(frame))
        return self.recv()

    def recv(self) -> dict:
        return json.loads(self.ws.recv(timeout=5))

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def client(wecom):
    c = Client(wecom.ws_url)
    assert c.call("aibot_subscribe", {"bot_id": BOT_ID, "secret": SECRET})["errcode"] == 0
    yield c
    c.close()


def send(client: Client, chatid: str, body: dict) -> dict:
    return client.call("aibot_send_msg", {"chatid": chatid, **body})


def test_a_wrong_secret_is_refused_and_the_connection_closed(wecom):
    c = Client(wecom.ws_url)
    answer = c.call("aibot_subscribe", {"bot_id": BOT_ID, "secret": "nope"})
    assert answer["errcode"] != 0 and answer["headers"]["req_id"] == "aibot_subscribe_1"
    with pytest.raises(ConnectionClosed):
        c.recv()
    assert not wecom.longconn.connected


def test_nothing_but_subscribe_is_answered_before_it(wecom):
    c = Client(wecom.ws_url)
    assert c.call("ping")["errcode"] != 0
    c.close()


def test_pings_are_answered_with_their_req_id(client):
    assert client.call("ping", req_id="ping_123") == {"headers": {"req_id": "ping_123"}, "errcode": 0, "errmsg": "ok"}


def test_a_silent_connection_is_closed(wecom):
    wecom.longconn.heartbeat_timeout = 0.3
    try:
        c = Client(wecom.ws_url)
        c.call("aibot_subscribe", {"bot_id": BOT_ID, "secret": SECRET})
        with pytest.raises(ConnectionClosed):
            c.recv()
    finally:
        wecom.longconn.heartbeat_timeout = 70.0


def test_a_second_subscription_kicks_the_first(wecom, client):
    second = Client(wecom.ws_url)
    assert second.call("aibot_subscribe", {"bot_id": BOT_ID, "secret": SECRET})["errcode"] == 0
    kicked = client.recv()
    assert kicked["cmd"] == "aibot_event_callback" and kicked["body"]["event"]["eventtype"] == "disconnected_event"
    with pytest.raises(ConnectionClosed):
        client.recv()
    assert wecom.act_as("ligs").mention_bot(DESK_CHAT, "帮助").answered
    assert second.recv()["body"]["from"]["userid"] == "ligs"
    second.close()


def test_a_button_card_goes_into_a_group_and_every_member_holds_it(wecom, client):
    answer = send(client, DESK_CHAT, {"msgtype": "template_card", "template_card": button_card("t-group-1")})
    assert answer["errcode"] == 0
    (message,) = wecom.messages_for_group(DESK_CHAT)
    assert message["channel"] == "aibot_ws" and message["content"]["task_id"] == "t-group-1"
    for member in ("ligs", "zhouks", "qianfjz"):
        assert wecom.card_for_user(member, "t-group-1")["clickable"] == ["case.ack", "case.reject"]
    assert wecom.card_for_user("zhenggcs", "t-group-1") is None


def test_chatids_are_case_sensitive_and_unknown_ones_are_93006(client):
    assert send(client, DESK_CHAT.lower(), {"msgtype": "markdown", "markdown": {"content": "x"}})["errcode"] == 93006
    assert send(client, "wrNoSuchChat", {"msgtype": "markdown", "markdown": {"content": "x"}})["errcode"] == 93006


def test_text_is_refused_and_markdown_reaches_a_person(wecom, client):
    assert send(client, "ligs", {"msgtype": "text", "text": {"content": "x"}})["errcode"] == 40008
    assert send(client, "ligs", {"msgtype": "markdown", "markdown": {"content": "**你好**"}})["errcode"] == 0
    assert wecom.messages_for_user("ligs")[0]["content"]["content"] == "**你好**"


def test_a_reused_task_id_is_42014_or_under_the_switch_answered_ok_and_dropped(wecom, client):
    body = {"msgtype": "template_card", "template_card": button_card("t-once")}
    assert send(client, DESK_CHAT, body)["errcode"] == 0
    assert send(client, DESK_CHAT, body)["errcode"] == 42014
    wecom.task_id_reuse = "drop"
    assert send(client, DESK_CHAT, body)["errcode"] == 0
    assert len(wecom.messages_for_group(DESK_CHAT)) == 1 and wecom.dropped[0]["reason"] == "task_id reused"


def _click(wecom, client, userid: str, task_id: str, key: str = "case.ack") -> dict:
    assert wecom.act_as(userid).click(task_id, key).answered
    return client.recv()


def test_a_click_in_a_group_names_the_member_and_the_card_updates_for_everyone(wecom, client):
    send(client, DESK_CHAT, {"msgtype": "template_card", "template_card": button_card("t-click")})
    event = _click(wecom, client, "zhouks", "t-click")
    body = event["body"]
    assert event["cmd"] == "aibot_event_callback" and body["from"] == {"userid": "zhouks"}
    assert body["chatid"] == DESK_CHAT and body["chattype"] == "group" and "response_url" not in body
    assert body["event"]["template_card_event"] == {"card_type": "button_interaction", "event_key": "case.ack",
                                                     "task_id": "t-click"}
    done = {**button_card("t-click"), "replace_text": "已由 周科长 签收"}
    update = {"response_type": "update_template_card", "template_card": done}
    assert client.call("aibot_respond_update_msg", update, req_id=event["headers"]["req_id"])["errcode"] == 0
    assert wecom.messages_for_group(DESK_CHAT)[0]["content"]["replace_text"] == "已由 周科长 签收"
    assert wecom.card_for_user("ligs", "t-click")["clickable"] == []


def test_an_update_for_some_userids_leaves_the_others_and_the_group_as_they_were(wecom, client):
    send(client, DESK_CHAT, {"msgtype": "template_card", "template_card": button_card("t-some")})
    event = _click(wecom, client, "ligs", "t-some")
    update = {"response_type": "update_template_card", "userids": ["ligs"],
              "template_card": {**button_card("t-some"), "replace_text": "已签收"}}
    assert client.call("aibot_respond_update_msg", update, req_id=event["headers"]["req_id"])["errcode"] == 0
    assert wecom.card_for_user("ligs", "t-some")["clickable"] == []
    assert wecom.card_for_user("zhouks", "t-some")["clickable"] == ["case.ack", "case.reject"]
    assert "replace_text" not in wecom.messages_for_group(DESK_CHAT)[0]["content"]


def test_an_update_after_five_seconds_or_on_another_req_id_is_refused(wecom, client):
    send(client, DESK_CHAT, {"msgtype": "template_card", "template_card": button_card("t-late")})
    event = _click(wecom, client, "ligs", "t-late")
    update = {"response_type": "update_template_card", "template_card": button_card("t-late")}
    assert client.call("aibot_respond_update_msg", update, req_id="made-up")["errcode"] == 846605
    wecom.advance_time(5.5)
    assert client.call("aibot_respond_update_msg", update, req_id=event["headers"]["req_id"])["errcode"] == 846605


def test_without_a_connection_a_push_is_not_delivered(wecom):
    delivery = wecom.act_as("ligs").mention_bot(DESK_CHAT, "帮助")
    assert not delivery.answered and "no subscribed long connection" in delivery.attempts[0].error
