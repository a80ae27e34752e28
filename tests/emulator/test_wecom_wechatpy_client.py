"""wechatpy's WeCom client (what the bot's adapter builds on) against the emulator: it must be
understood as WeCom understands it, raw JSON bytes without Content-Type included."""

from __future__ import annotations

import pytest
from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import APILimitedException, WeChatClientException

from tests.emulator.conftest_wecom import CORP_ID, ENV, button_card, server, wecom  # noqa: F401


@pytest.fixture
def client(server, wecom):
    base = server.url + "/cgi-bin/"

    class EmulatedClient(WeChatClient):
        API_BASE_URL = base

        def fetch_access_token(self):
            return self._fetch_access_token(url=base + "gettoken",
                                            params={"corpid": self.corp_id, "corpsecret": self.secret})

    return EmulatedClient(CORP_ID, ENV["WECOM_SECRET"])


def test_send_text_and_markdown_through_wechatpy(client, wecom):
    assert client.message.send_text(1000002, "ligs", "你好")["errcode"] == 0
    client.message.send_markdown(1000002, ["ligs", "zhouks"], "**急**")
    assert [m["msgtype"] for m in wecom.messages_for_user("ligs")] == ["text", "markdown"]
    assert wecom.messages_for_user("zhouks")[0]["content"] == {"content": "**急**"}


def test_a_card_and_its_update_through_wechatpy_post(client, wecom):
    sent = client.message.send(1000002, "ligs", msg={"msgtype": "template_card", "template_card": button_card()})
    answer = client.post("message/update_template_card", data={
        "userids": ["ligs"], "agentid": 1000002, "response_code": sent["response_code"],
        "button": {"replace_name": "已签收"}})
    assert answer["errcode"] == 0
    assert wecom.card_for_user("ligs", "case-42-ack")["greyed"] == "已签收"


def test_wechatpy_refetches_the_token_once_after_an_injected_40014(client, wecom):
    client.message.send_text(1000002, "ligs", "first")
    wecom.inject_fault("errcode", 40014, count=1, path="message/send")
    client.message.send_text(1000002, "ligs", "second")
    assert len(wecom.messages_for_user("ligs")) == 2
    gettokens = [c for c in wecom.api_calls if c["path"].endswith("/gettoken")]
    assert len(gettokens) == 2


def test_45009_reaches_wechatpy_as_api_limited(client, wecom):
    wecom.inject_fault("errcode", 45009, count=1, path="message/send")
    with pytest.raises(APILimitedException):
        client.message.send_text(1000002, "ligs", "x")


def test_81013_reaches_wechatpy_as_a_client_error(client):
    with pytest.raises(WeChatClientException) as caught:
        client.message.send_text(1000002, "ghost", "x")
    assert caught.value.errcode == 81013
