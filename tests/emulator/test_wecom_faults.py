"""Injected faults: 45009, 45033, HTTP 5xx and slowness, for a count of calls or until cleared."""

from __future__ import annotations

import time

import pytest
import requests

from tests.emulator.conftest_wecom import api, server, wecom  # noqa: F401

TEXT = {"touser": "ligs", "msgtype": "text", "agentid": 1000002, "text": {"content": "hi"}}


def test_45009_for_two_calls_then_normal_and_nothing_delivered_meanwhile(api, wecom):
    api.token()
    wecom.inject_fault("errcode", 45009, count=2)
    answers = [api.call("message/send", TEXT)["errcode"] for _ in range(3)]
    assert answers == [45009, 45009, 0]
    assert len(wecom.messages_for_user("ligs")) == 1


def test_45033_until_cleared(api, wecom):
    api.token()
    wecom.inject_fault("errcode", 45033)
    assert [api.call("message/send", TEXT)["errcode"] for _ in range(4)] == [45033] * 4
    wecom.clear_faults()
    assert api.call("message/send", TEXT)["errcode"] == 0


def test_http_5xx_with_no_json(api, wecom):
    api.token()
    wecom.inject_fault("http", 503, count=1)
    response = api.post("message/send", TEXT)
    assert response.status_code == 503
    assert api.post("message/send", TEXT).status_code == 200


def test_a_fault_can_be_limited_to_one_path(api, wecom):
    api.token()
    wecom.inject_fault("errcode", 45009, path="webhook/send")
    assert api.call("message/send", TEXT)["errcode"] == 0
    notice = {"msgtype": "text", "text": {"content": "x"}}
    assert api.call("webhook/send", notice, key="hook-desk-0001")["errcode"] == 45009


def test_gettoken_is_subject_to_faults_too(api, wecom):
    wecom.inject_fault("errcode", -1, count=1)
    assert api.gettoken()["errcode"] == -1
    assert api.gettoken()["errcode"] == 0


def test_slowness_delays_the_answer(api, wecom):
    api.token()
    wecom.inject_fault("delay", 0.3, count=1)
    started = time.monotonic()
    assert api.call("message/send", TEXT)["errcode"] == 0
    assert time.monotonic() - started >= 0.3
    wecom.inject_fault("delay", 0.5, count=1, path="gettoken")
    with pytest.raises(requests.Timeout):
        api.session.get(api.base + "gettoken", params={"corpid": "x"}, timeout=0.1)


def test_bad_fault_requests_are_refused(wecom):
    with pytest.raises(ValueError):
        wecom.inject_fault("explode", 1)
    with pytest.raises(ValueError):
        wecom.inject_fault("http", 200)


def test_a_lost_answer_serves_the_call_then_answers_the_status(api, wecom):
    """``lost``: the message is delivered but the caller sees a 5xx — the outcome a retry must cope with."""
    api.token()
    wecom.inject_fault("lost", 502, count=1, path="message/send")
    assert api.post("message/send", TEXT).status_code == 502
    assert len(wecom.messages_for_user("ligs")) == 1
    assert api.post("message/send", TEXT).status_code == 200 and len(wecom.messages_for_user("ligs")) == 2
    with pytest.raises(ValueError):
        wecom.inject_fault("lost", 200)


def test_the_switches_are_set_over_http_and_reset(wecom):
    session = requests.Session()
    session.trust_env = False
    url = wecom.base_url + "/_emulator/wecom/switches"
    assert session.post(url, json={}).json() == {"task_id_reuse": "refuse", "used_code": 42022}
    assert session.post(url, json={"task_id_reuse": "drop", "used_code": 60140}).json() == {
        "task_id_reuse": "drop", "used_code": 60140}
    assert wecom.response_urls.used_code == 60140
    wecom.reset()
    assert (wecom.task_id_reuse, wecom.response_codes.used_code) == ("refuse", 42022)
