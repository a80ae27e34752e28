"""Robot messages through the new API: into groups and 1:1, with the platform's checks."""

from __future__ import annotations

import json

import pytest

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import DESK, ENV, LI, SUN, WU, ZHAO, api

GROUP = "/v1.0/robot/groupMessages/send"
BATCH = "/v1.0/robot/oToMessages/batchSend"


def _group(**over):
    body = {"robotCode": ENV["DINGTALK_ROBOT_CODE"], "openConversationId": DESK, "msgKey": "sampleMarkdown",
            "msgParam": json.dumps({"title": "预警", "text": "## 舆情预警\n- YQ-2026-0042"})}
    return {**body, **over}


def _batch(users, **over):
    body = {"robotCode": ENV["DINGTALK_ROBOT_CODE"], "userIds": users, "msgKey": "sampleText",
            "msgParam": json.dumps({"content": "请签收"})}
    return {**body, **over}


def test_markdown_to_a_group_is_seen_in_that_group_only(server, dt, token):
    resp = api(server, "POST", GROUP, token, _group())
    assert resp.status_code == 200 and resp.json()["processQueryKey"]
    [msg] = dt.messages_for_group(DESK)
    assert msg.msgtype == "sampleMarkdown" and msg.content["text"].startswith("## 舆情预警")
    assert dt.messages_for_user(SUN) == []


@pytest.mark.parametrize("over, code", [
    ({"openConversationId": "cidNOSUCH=="}, "invalid.openConversationId"),
    ({"openConversationId": ""}, "miss.openConversationId"),
    ({"robotCode": ""}, "invalidParameter.robotCode.missing"),
    ({"robotCode": "dingotherrobot"}, "invalidParameter.robotCode.notExsit"),
    ({"msgKey": ""}, "invalidParameter.msgKey.empty"),
    ({"msgKey": "sampleCard"}, "invalidParameter.msgKey.invalid"),
    ({"msgParam": "{not json"}, "invalidParameter.msgParam.invalid"),
    ({"msgParam": {"title": "t", "text": "x"}}, "invalidParameter.msgParam.invalid"),
    ({"msgParam": json.dumps({"title": "t", "text": "x" * 15001})}, "invalidParameter.msgParam.tooLong"),
    ({"msgParam": json.dumps({"text": "x"})}, "miss.param.markdownTotitle"),
    ({"msgParam": json.dumps({"title": "t"})}, "miss.param.markdownTotext"),
])
def test_a_bad_group_message_is_refused_with_the_documented_code(server, dt, token, over, code):
    resp = api(server, "POST", GROUP, token, _group(**over))
    assert resp.status_code == 400
    assert resp.json()["code"] == code and resp.json()["message"] and resp.json()["requestid"]
    assert dt.messages_for_group(DESK) == []


def test_a_body_that_is_not_json_is_refused(server, token):
    import requests
    resp = requests.post(f"{server.url}{GROUP}", data="robotCode=x",
                         headers={"x-acs-dingtalk-access-token": token})
    assert resp.status_code == 400 and resp.json()["code"] == "invalidParameter.msgBody.invalid"


def test_batch_send_reaches_each_known_person_and_lists_the_unknown(server, dt, token):
    resp = api(server, "POST", BATCH, token, _batch([SUN, LI, "9999"]))
    assert resp.status_code == 200
    assert resp.json()["invalidStaffIdList"] == ["9999"] and resp.json()["flowControlledStaffIdList"] == []
    assert [m.content["content"] for m in dt.messages_for_user(SUN)] == ["请签收"]
    assert len(dt.messages_for_user(LI)) == 1 and dt.messages_for_user(WU) == []


def test_batch_send_takes_at_most_20_people(server, dt, token):
    assert api(server, "POST", BATCH, token, _batch([SUN] * 20)).status_code == 200
    resp = api(server, "POST", BATCH, token, _batch([ZHAO] * 21))
    assert resp.status_code == 400 and resp.json()["code"] == "invalidParameter.userIds.overMax"
    assert dt.messages_for_user(ZHAO) == []


def test_batch_send_without_people_is_refused(server, token):
    resp = api(server, "POST", BATCH, token, _batch([]))
    assert resp.status_code == 400 and resp.json()["code"] == "invalidParameter.userIds.empty"


def test_batch_send_checks_the_message_too(server, token):
    resp = api(server, "POST", BATCH, token, _batch([SUN], msgParam=json.dumps({"text": "no content"})))
    assert resp.status_code == 400 and resp.json()["code"] == "miss.param.contentOfText"
