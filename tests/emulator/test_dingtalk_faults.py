"""Injected faults: throttling, 5xx and slowness, for a number of calls or until cleared."""

from __future__ import annotations

import json
import time

import requests

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import DESK, ENV, api, oapi

GROUP = "/v1.0/robot/groupMessages/send"
NOTICE = "/topapi/message/corpconversation/asyncsend_v2"
SEND = {"robotCode": ENV["DINGTALK_ROBOT_CODE"], "openConversationId": DESK, "msgKey": "sampleText",
        "msgParam": json.dumps({"content": "hi"})}
WORK = {"agent_id": ENV["DINGTALK_AGENT_ID"], "userid_list": "0523",
        "msg": {"msgtype": "text", "text": {"content": "提醒"}}}


def test_new_api_throttling_is_403_for_the_given_count_then_clears(server, dt, token):
    dt.inject("throttle", family="api", count=2)
    for _ in range(2):
        resp = api(server, "POST", GROUP, token, SEND)
        assert resp.status_code == 403 and resp.json()["code"] == "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"
    assert api(server, "POST", GROUP, token, SEND).status_code == 200
    assert len(dt.messages_for_group(DESK)) == 1


def test_old_api_throttling_is_errcode_90018_until_cleared(server, dt, token):
    dt.inject("throttle", family="oapi")
    for _ in range(3):
        assert oapi(server, NOTICE, token, WORK)["errcode"] == 90018
    assert api(server, "POST", GROUP, token, SEND).status_code == 200  # the other family is untouched
    dt.faults.clear()
    assert oapi(server, NOTICE, token, {**WORK, "msg": {"msgtype": "text", "text": {"content": "再次"}}})["errcode"] == 0


def test_a_fault_can_target_one_path(server, dt, token):
    dt.inject("throttle", family="api", path="/v1.0/card/")
    assert api(server, "POST", GROUP, token, SEND).status_code == 200
    resp = api(server, "POST", "/v1.0/card/instances/createAndDeliver", token, {})
    assert resp.status_code == 403


def test_server_errors_use_each_familys_shape(server, dt, token):
    dt.inject("server_error", count=2, status=503)
    resp = api(server, "POST", GROUP, token, SEND)
    assert resp.status_code == 503 and resp.json()["code"] and resp.json()["requestid"]
    old = requests.post(f"{server.url}{NOTICE}", params={"access_token": token}, json=WORK)
    assert old.status_code == 503 and old.json()["errcode"] == -1
    assert api(server, "POST", GROUP, token, SEND).status_code == 200


def test_slowness_delays_the_answer_but_not_the_result(server, dt, token):
    dt.inject("slow", family="api", count=1, seconds=0.3)
    started = time.monotonic()
    assert api(server, "POST", GROUP, token, SEND).status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    api(server, "POST", GROUP, token, SEND)
    assert time.monotonic() - started < 0.3


def test_the_token_endpoint_can_be_throttled_too(server, dt):
    dt.inject("throttle", family="oapi", path="/gettoken", count=1)
    params = {"appkey": ENV["DINGTALK_APP_KEY"], "appsecret": ENV["DINGTALK_APP_SECRET"]}
    assert requests.get(f"{server.url}/gettoken", params=params).json()["errcode"] == 90018
    assert requests.get(f"{server.url}/gettoken", params=params).json()["errcode"] == 0


def test_faults_are_controlled_over_http(server, dt, token):
    ctl = f"{server.url}/_emulator/dingtalk"
    fault = requests.post(f"{ctl}/faults", json={"kind": "throttle", "family": "api", "count": 5}).json()
    assert fault["remaining"] == 5
    assert api(server, "POST", GROUP, token, SEND).status_code == 403
    assert requests.get(f"{ctl}/faults").json()[0]["remaining"] == 4
    requests.delete(f"{ctl}/faults")
    assert api(server, "POST", GROUP, token, SEND).status_code == 200
    assert requests.post(f"{ctl}/faults", json={"kind": "meteor"}).status_code == 400


def test_tokens_are_expired_over_http(server, token):
    resp = requests.post(f"{server.url}/_emulator/dingtalk/tokens/expire").json()
    assert resp == {"expired": 1}
    assert api(server, "POST", GROUP, token, SEND).json()["code"] == "InvalidAuthentication"


def test_a_fault_can_last_for_a_while_of_the_emulator_clock(server, dt, token):
    dt.inject("throttle", family="api", duration=60)
    assert api(server, "POST", GROUP, token, SEND).status_code == 403
    start = time.time()
    dt.now = lambda: start + 61
    assert dt.faults.active() == []
    resp = requests.post(f"{server.url}/v1.0/oauth2/accessToken",
                         json={"appKey": ENV["DINGTALK_APP_KEY"], "appSecret": ENV["DINGTALK_APP_SECRET"]})
    assert api(server, "POST", GROUP, resp.json()["accessToken"], SEND).status_code == 200


def test_a_qps_limit_throttles_calls_beyond_it_within_one_second(server, dt, token):
    dt.qps_limit = 2
    frozen = time.time()
    dt.now = lambda: frozen
    statuses = [api(server, "POST", GROUP, token, SEND).status_code for _ in range(3)]
    assert statuses == [200, 200, 403]
    assert oapi(server, NOTICE, token, WORK)["errcode"] == 0  # another API has its own count
    dt.now = lambda: frozen + 1
    assert api(server, "POST", GROUP, token, SEND).status_code == 200
    dt.qps_limit = None
