"""The connector and the messenger's long-connection side against the emulator's real WebSocket
server and this test's Redis: events in, cards out, updates within the window, the lease, reconnection."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from bot.core.card import Button, Card
from bot.core.errors import AlreadySent, PlatformError
from bot.emulator import Directory, EmulatorServer
from bot.platforms.wecom import wsframes
from bot.platforms.wecom.connector import Connector, backoff
from bot.platforms.wecom.outbound import WeComMessenger
from bot.platforms.wecom.relay import ConnectorLease, Relay
from tests.integration.stack import wait_for
from tests.unit.platforms.wecom.conftest import CHAT, ENV, HOOK, TEMPLATES

WS = {"WECOM_AIBOT_ID": "aibot-unit", "WECOM_AIBOT_SECRET": "aibot-unit-secret"}
CARD = Card("demo_card", {"title": "测试卡片", "body": "点击", "status": ""},
            (Button("确认收到", "demo.confirm", {"n": "1"}, "primary"),))
DONE = Card("demo_card", {"title": "测试卡片", "body": "点击", "status": "已由 冯干事 确认"})


@pytest.fixture(scope="module")
def server():
    env = {**{k: v for k, v in ENV.items() if not k.startswith("WECOM_AIBOT")}, **WS}
    directory = Directory(wecom_users={"zhouks": "周科长", "fenggs": "冯干事", "ligs": "李干事"},
                          wecom_hooks={HOOK: "食品生产安全监督管理科"}, wecom_aibot_chats={CHAT: "食品生产安全监督管理科"},
                          group_members={HOOK: ["zhouks", "fenggs"], CHAT: ["zhouks", "fenggs"]})
    srv = EmulatorServer(env, directory).start()
    yield srv
    srv.stop()


@pytest.fixture
def wecom(server):
    server.wecom.reset()
    server.wecom.longconn.drop()
    return server.wecom


def _config(server) -> dict:
    return {**ENV, **WS, "WECOM_API_BASE": server.url, "WECOM_AIBOT_WS_URL": server.wecom.ws_url}


class Running:
    """A connector in a thread, collecting the events it reads."""

    def __init__(self, server, redis_client, name: str) -> None:
        self.events: list = []
        self.connector = Connector(_config(server), redis_client, self.events.append, lease=1.0, heartbeat=0.5,
                                   name=name)
        self.thread = threading.Thread(target=self.connector.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.connector.stop.set()
        self.thread.join(timeout=10)


@pytest.fixture
def connector(server, wecom, redis_client):
    running = Running(server, redis_client, "first")
    wait_for(lambda: wecom.longconn.connected, what="the connector to subscribe")
    yield running
    running.stop()


@pytest.fixture
def messenger(server, redis_client):
    return WeComMessenger(_config(server), redis=redis_client, templates_dir=TEMPLATES, timeout=5)


def test_group_mentions_and_clicks_become_events_of_the_long_connection(wecom, connector, messenger):
    wecom.act_as("zhouks").mention_bot(CHAT, "测试卡片")
    (mention,) = wait_for(lambda: connector.events, what="the mention")
    assert (mention.channel, mention.kind, mention.chat_type, mention.chat_id) == ("wecom_aibot_ws", "mention", "group", CHAT)
    assert mention.dedup_key.startswith("aibot-msg:") and mention.reply["req_id"].startswith("aibot_msg_callback")
    sent = messenger.reply(mention, CARD)
    task_id = sent.card_ref["card_id"]
    wecom.act_as("fenggs").click(task_id, "demo.confirm?n=1")
    click = wait_for(lambda: connector.events[1:], what="the click")[0]
    assert (click.kind, click.user_id, click.action, click.params, click.card_id) == (
        "click", "fenggs", "demo.confirm", {"n": "1"}, task_id)


def test_a_unit_group_gets_a_button_card_and_a_click_updates_it_in_place(wecom, connector, messenger):
    sent = messenger.send_to_group({"wecom_webhook_key": HOOK, "wecom_aibot_chatid": CHAT}, CARD, dedup_id="row-1")
    (message,) = wecom.messages_for_group(CHAT)
    assert message["content"]["card_type"] == "button_interaction" and wecom.messages_for_group(HOOK) == []
    wecom.act_as("fenggs").click(sent.card_ref["card_id"], "demo.confirm?n=1")
    click = wait_for(lambda: connector.events, what="the click")[0]
    messenger.update_card({"card_id": click.card_id, **click.reply}, DONE, event=click)
    shown = wecom.messages_for_group(CHAT)
    assert len(shown) == 1 and shown[0]["content"]["replace_text"] == "已由 冯干事 确认"


def test_after_the_window_a_fresh_card_goes_into_the_group(wecom, connector, messenger):
    sent = messenger.send_to_group({"wecom_aibot_chatid": CHAT}, CARD, dedup_id="row-2")
    wecom.act_as("fenggs").click(sent.card_ref["card_id"], "demo.confirm?n=1")
    click = wait_for(lambda: connector.events, what="the click")[0]
    late = replace(click, reply={**click.reply, "received": time.time() - 10})
    messenger.update_card({"card_id": late.card_id, **late.reply}, DONE, event=late)
    first, fresh = wecom.messages_for_group(CHAT)  # a fresh settled card: a text_notice showing the outcome
    assert first["content"]["card_type"] == "button_interaction"
    assert fresh["content"]["card_type"] == "text_notice" and fresh["content"]["main_title"]["desc"] == "已由 冯干事 确认"
    assert "replace_text" not in fresh["content"] and fresh["content"]["card_action"]["url"] == ENV["PUBLIC_BASE_URL"]


def test_a_resent_row_shows_its_card_once(wecom, connector, messenger):
    """WeCom refuses the resent card's task_id (42014): the messenger says it was sent already, with its card."""
    sent = messenger.send_to_group({"wecom_aibot_chatid": CHAT}, CARD, dedup_id="row-3")
    with pytest.raises(AlreadySent) as again:
        messenger.send_to_group({"wecom_aibot_chatid": CHAT}, CARD, dedup_id="row-3")
    assert again.value.code == 42014 and again.value.card_ref == sent.card_ref
    assert len(wecom.messages_for_group(CHAT)) == 1


def test_a_wrong_chatid_is_a_permanent_error_naming_the_setting(connector, messenger):
    with pytest.raises(PlatformError) as err:
        messenger.send_to_group({"wecom_aibot_chatid": CHAT.lower()}, CARD)
    assert err.value.code == 93006 and not err.value.retryable and "aibot_chatid" in str(err.value)


def test_without_a_connector_a_send_is_retryable(wecom, messenger):
    with pytest.raises(PlatformError) as err:
        messenger.send_to_group({"wecom_aibot_chatid": CHAT}, CARD)
    assert err.value.retryable and "wecom-connect" in str(err.value)


def test_a_dropped_connection_comes_back_and_heartbeats_flow(wecom, connector):
    wait_for(lambda: any(f.get("cmd") == "ping" for f in wecom.longconn.frames), what="a ping")
    opened = wecom.longconn.sessions_opened
    wecom.longconn.drop()
    wait_for(lambda: wecom.longconn.connected and wecom.longconn.sessions_opened == opened + 1, timeout=10,
             what="the reconnection")


def test_a_second_connector_waits_and_takes_over_when_the_first_stops(server, wecom, connector, redis_client):
    second = Running(server, redis_client, "second")
    try:
        time.sleep(1.5)
        assert ConnectorLease(redis_client, WS["WECOM_AIBOT_ID"], "x", 1).current() == "first"
        opened = wecom.longconn.sessions_opened
        connector.stop()
        wait_for(lambda: wecom.longconn.sessions_opened == opened + 1 and wecom.longconn.connected, timeout=10,
                 what="the takeover")
        assert ConnectorLease(redis_client, WS["WECOM_AIBOT_ID"], "x", 1).current() == "second"
    finally:
        second.stop()


def test_the_lease_is_exclusive_and_released_only_by_its_holder(redis_client):
    one, two = (ConnectorLease(redis_client, "bot", name, 5) for name in ("one", "two"))
    assert one.acquire() and not two.acquire()
    assert not two.renew() and one.renew()
    two.release()
    assert one.current() == "one"
    one.release()
    assert two.acquire()


def test_a_request_nobody_picked_up_in_time_is_never_sent(redis_client):
    relay = Relay(redis_client, "bot")
    redis_client.lpush(relay.requests, '{"id": "x", "cmd": "aibot_send_msg", "body": {}, "expires": 1}')
    assert relay.next(timeout=1) is None


def test_frames_other_than_messages_and_card_clicks_are_not_events():
    kick = {"cmd": "aibot_event_callback", "headers": {"req_id": "r"},
            "body": {"msgid": "m", "msgtype": "event", "event": {"eventtype": "disconnected_event"}}}
    assert wsframes.is_kick(kick) and wsframes.to_event(kick, "", 0) is None
    assert wsframes.to_event({"headers": {"req_id": "r"}, "errcode": 0}, "", 0) is None
    assert [backoff(n) for n in (1, 2, 3, 6, 9)] == [1, 2, 4, 30, 30]


def test_an_update_wecom_refuses_846605_becomes_a_fresh_card(wecom, connector, messenger):
    """The smart bot's "this req_id can no longer be used" (846605, gaps-addendum §1.2): a fresh card instead."""
    sent = messenger.send_to_group({"wecom_aibot_chatid": CHAT}, CARD, dedup_id="row-846605")
    wecom.act_as("fenggs").click(sent.card_ref["card_id"], "demo.confirm?n=1")
    click = wait_for(lambda: connector.events, what="the click")[0]
    wecom.longconn.messaging.update_window = -1.0  # WeCom refuses every update: 846605
    try:
        messenger.update_card({"card_id": click.card_id, **click.reply}, DONE, event=click)
    finally:
        wecom.longconn.messaging.update_window = 5.0
    assert any(f.get("cmd") == "aibot_respond_update_msg" for f in wecom.longconn.frames)
    first, fresh = wecom.messages_for_group(CHAT)
    assert first["content"]["card_type"] == "button_interaction" and fresh["content"]["card_type"] == "text_notice"
