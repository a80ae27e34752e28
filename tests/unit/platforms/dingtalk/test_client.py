"""Tokens and errors of both API families, against the emulator (and a counting fetcher for the lock)."""

from __future__ import annotations

import threading

import pytest

from bot.core import keys
from bot.core.errors import PlatformError
from bot.platforms.dingtalk.client import DingTalkClient
from bot.platforms.dingtalk.tokens import TokenCache

NOTICE = {"agent_id": 3000001, "userid_list": "0523", "msg": {"msgtype": "text", "text": {"content": "hi"}}}
ASYNCSEND = "/topapi/message/corpconversation/asyncsend_v2"
GROUP_SEND = {"robotCode": "dingdemoappkey", "openConversationId": "cidDesk0001==", "msgKey": "sampleText",
              "msgParam": '{"content": "hi"}'}


@pytest.fixture
def client(config, redis_client):
    return DingTalkClient(config, redis_client)


def test_tokens_of_both_families_are_cached_in_redis(client, redis_client, emulator):
    client.api("POST", "/v1.0/robot/groupMessages/send", GROUP_SEND)
    client.oapi(ASYNCSEND, NOTICE)
    for family in ("api", "oapi"):
        key = keys.token("dingtalk", f"dingdemoappkey:{family}")
        assert redis_client.get(key) and 0 < redis_client.ttl(key) <= 7200 - 300
    issued = emulator.dingtalk.tokens.issued
    client.api("POST", "/v1.0/robot/groupMessages/send", GROUP_SEND)
    assert emulator.dingtalk.tokens.issued == issued


def test_an_expired_token_is_refreshed_once_and_the_call_retried(client, emulator):
    client.api("POST", "/v1.0/robot/groupMessages/send", GROUP_SEND)
    client.oapi(ASYNCSEND, NOTICE)
    emulator.dingtalk.expire_tokens()  # old API now answers 88 / sub_code 40014, new API InvalidAuthentication
    client.oapi(ASYNCSEND, {**NOTICE, "msg": {"msgtype": "text", "text": {"content": "again"}}})
    client.api("POST", "/v1.0/robot/groupMessages/send", GROUP_SEND)
    assert len(emulator.dingtalk.messages_for_group("cidDesk0001==")) == 2


@pytest.mark.parametrize("family, call, code", [
    ("api", lambda c: c.api("POST", "/v1.0/robot/groupMessages/send", GROUP_SEND),
     "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"),
    ("oapi", lambda c: c.oapi(ASYNCSEND, NOTICE), 90018),
])
def test_throttling_is_retryable(client, emulator, family, call, code):
    call(client)  # token first, so the fault hits the call itself
    emulator.dingtalk.inject("throttle", family, count=1)
    with pytest.raises(PlatformError) as err:
        call(client)
    assert err.value.retryable and err.value.code == code


def test_server_errors_and_an_unreachable_server_are_retryable(client, config, emulator):
    client.oapi(ASYNCSEND, NOTICE)
    emulator.dingtalk.inject("server_error", "api", count=1, status=503)
    with pytest.raises(PlatformError) as err:
        client.api("POST", "/v1.0/robot/groupMessages/send", GROUP_SEND)
    assert err.value.retryable
    dead = DingTalkClient({**config, "DINGTALK_API_BASE": "http://127.0.0.1:9"}, None)
    with pytest.raises(PlatformError) as err:
        dead.api("POST", "/v1.0/robot/groupMessages/send", GROUP_SEND)
    assert err.value.retryable and "unreachable" in str(err.value)


def test_permanent_errors_say_what_the_operator_should_fix(client, config):
    with pytest.raises(PlatformError) as err:
        client.api("POST", "/v1.0/robot/groupMessages/send", {**GROUP_SEND, "robotCode": "dingwrong"})
    assert not err.value.retryable and "DINGTALK_ROBOT_CODE" in str(err.value)
    with pytest.raises(PlatformError) as err:
        client.oapi(ASYNCSEND, {**NOTICE, "msg": "not json"})
    assert not err.value.retryable and err.value.code == 40035
    wrong = DingTalkClient({**config, "DINGTALK_APP_SECRET": "wrong"}, None)
    for call in (lambda: wrong.oapi(ASYNCSEND, NOTICE), lambda: wrong.api("POST", "/v1.0/robot/x", {})):
        with pytest.raises(PlatformError) as err:
            call()
        assert not err.value.retryable and "DINGTALK_APP_SECRET" in str(err.value)


def test_one_refresher_at_a_time_and_a_refused_token_is_replaced_once(redis_client):
    calls = []
    gate = threading.Event()

    def fetch():
        gate.wait(2)
        calls.append(1)
        return f"token-{len(calls)}", 7200

    cache = TokenCache(redis_client, "app", {"api": fetch})
    got = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("api"))) for _ in range(8)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert calls == [1] and got == ["token-1"] * 8
    assert cache.get("api", stale="token-1") == "token-2"
    assert cache.get("api", stale="token-1") == "token-2" and len(calls) == 2


def test_without_redis_tokens_live_in_the_process():
    calls = []
    cache = TokenCache(None, "app", {"oapi": lambda: (calls.append(1) or f"t{len(calls)}", 7200)})
    assert cache.get("oapi") == cache.get("oapi") == "t1" and cache.get("oapi", stale="t1") == "t2"


@pytest.mark.parametrize("answer, code, retryable", [
    ({"errcode": 90018, "errmsg": "限流"}, 90018, True),
    ({"errcode": 90002, "errmsg": "全局限流"}, 90002, True),
    ({"errcode": -1, "errmsg": "系统繁忙"}, -1, True),
    ({"errcode": 88, "sub_code": "90018", "errmsg": "x"}, "88/90018", True),
    ({"errcode": 88, "sub_code": "60011", "sub_msg": "没有调用该接口的权限"}, "60011", False),
    ({"errcode": 60020, "errmsg": "访问ip不在白名单之中"}, 60020, False),
    ({"errcode": 300001, "errmsg": "session 不存在"}, 300001, False),
])
def test_old_api_errors_carried_in_a_200(answer, code, retryable):
    with pytest.raises(PlatformError) as err:
        DingTalkClient._oapi_checked("somewhere", answer)
    assert err.value.code == code and err.value.retryable is retryable
    assert DingTalkClient._oapi_checked("somewhere", {"errcode": 0, "task_id": 1}) == {"errcode": 0, "task_id": 1}
