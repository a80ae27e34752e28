"""Work notifications (old API) and replies through the robot's sessionWebhook."""

from __future__ import annotations

import requests

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import DESK, ENV, LI, SUN, WU, ZHAO, oapi

SEND = "/topapi/message/corpconversation/asyncsend_v2"
RESULT = "/topapi/message/corpconversation/getsendresult"


def notice(users="0523,0524", **over):
    body = {"agent_id": int(ENV["DINGTALK_AGENT_ID"]), "userid_list": users,
            "msg": {"msgtype": "markdown", "markdown": {"title": "提醒", "text": "## 请于 17:00 前报送"}}}
    return {**body, **over}


def test_a_work_notice_reaches_each_person(server, dt, token):
    body = oapi(server, SEND, token, notice())
    assert body["errcode"] == 0 and body["task_id"] and body["request_id"]
    for person in (SUN, LI):
        [msg] = dt.messages_for_user(person)
        assert msg.channel == "work_notice" and msg.content["title"] == "提醒"
    assert dt.messages_for_group(DESK) == []


def test_a_form_encoded_notice_with_msg_as_json_string_is_accepted(server, dt, token):
    form = {"agent_id": ENV["DINGTALK_AGENT_ID"], "userid_list": ZHAO,
            "msg": '{"msgtype":"text","text":{"content":"请提交日报"}}'}
    resp = requests.post(f"{server.url}{SEND}", params={"access_token": token}, data=form).json()
    assert resp["errcode"] == 0
    assert dt.messages_for_user(ZHAO)[0].content == {"content": "请提交日报"}


def test_more_than_100_people_is_refused(server, dt, token):
    body = oapi(server, SEND, token, notice(",".join([SUN] * 101)))
    assert body["errcode"] == 40035 and dt.messages_for_user(SUN) == []


def test_a_notice_needs_agent_recipients_and_a_valid_msg(server, token):
    assert oapi(server, SEND, token, notice(agent_id=None))["errcode"] == 40035
    assert oapi(server, SEND, token, notice(agent_id=42))["errcode"] == 40035
    assert oapi(server, SEND, token, notice(users=""))["errcode"] == 40035
    assert oapi(server, SEND, token, notice(users=[SUN]))["errcode"] == 40035
    assert oapi(server, SEND, token, notice(msg={"msgtype": "markdown", "markdown": {"title": "t"}}))["errcode"] \
        == 40035
    assert oapi(server, SEND, token, notice(msg={"msgtype": "poem"}))["errcode"] == 40035
    big = {"msgtype": "text", "text": {"content": "长" * 700}}
    assert oapi(server, SEND, token, notice(msg=big))["errcode"] == 40035


def test_the_same_content_twice_a_day_is_accepted_but_not_delivered(server, dt, token):
    first = oapi(server, SEND, token, notice(SUN))
    second = oapi(server, SEND, token, notice(SUN))
    assert second["errcode"] == 0 and len(dt.messages_for_user(SUN)) == 1
    result = oapi(server, RESULT, token, {"agent_id": ENV["DINGTALK_AGENT_ID"], "task_id": second["task_id"]})
    assert result["send_result"]["forbidden_user_id_list"] == [SUN]
    first_result = oapi(server, RESULT, token, {"agent_id": ENV["DINGTALK_AGENT_ID"], "task_id": first["task_id"]})
    assert first_result["send_result"]["forbidden_user_id_list"] == []


def test_unknown_people_are_accepted_and_reported_invalid(server, dt, token):
    sent = oapi(server, SEND, token, notice(f"{WU},9999"))
    assert sent["errcode"] == 0 and len(dt.messages_for_user(WU)) == 1
    result = oapi(server, RESULT, token, {"agent_id": ENV["DINGTALK_AGENT_ID"], "task_id": sent["task_id"]})
    assert result["send_result"]["invalid_user_id_list"] == ["9999"]


def test_send_result_of_an_unknown_task_is_refused(server, token):
    assert oapi(server, RESULT, token, {"agent_id": ENV["DINGTALK_AGENT_ID"], "task_id": 1})["errcode"] == 40035


def test_a_session_webhook_reply_lands_in_the_group_with_mentions(server, dt, receiver):
    delivery = dt.say_in_group(SUN, DESK, "帮助")
    hook = delivery.payload["sessionWebhook"]
    assert hook.startswith(server.url + "/robot/sendBySession?session=")
    reply = {"msgtype": "text", "text": {"content": "@0523 可用命令：签收、报送"}, "at": {"atUserIds": [SUN]}}
    assert requests.post(hook, json=reply).json() == {"errcode": 0, "errmsg": "ok"}
    [msg] = dt.messages_for_group(DESK)
    assert msg.channel == "session_webhook" and msg.at_user_ids == [SUN]
    assert msg.content["content"].startswith("@0523")


def test_a_session_webhook_of_a_1to1_chat_replies_to_that_person(server, dt, receiver):
    hook = dt.say_to_bot(LI, "帮助").payload["sessionWebhook"]
    requests.post(hook, json={"msgtype": "markdown", "markdown": {"title": "帮助", "text": "**命令**"}})
    assert [m.msgtype for m in dt.messages_for_user(LI)] == ["markdown"]


def test_an_expired_or_unknown_session_answers_300001(server, dt, receiver):
    delivery = dt.say_to_bot(LI, "帮助")
    hook, expires = delivery.payload["sessionWebhook"], delivery.payload["sessionWebhookExpiredTime"]
    assert expires - delivery.payload["createAt"] == 90 * 60 * 1000
    dt.now = lambda: expires / 1000 + 1
    reply = {"msgtype": "text", "text": {"content": "迟到的回复"}}
    assert requests.post(hook, json=reply).json()["errcode"] == 300001
    assert requests.post(f"{server.url}/robot/sendBySession?session=nope", json=reply).json()["errcode"] == 300001
    assert dt.messages_for_user(LI) == []


def test_a_session_webhook_refuses_what_it_cannot_show(server, dt, receiver):
    hook = dt.say_to_bot(LI, "帮助").payload["sessionWebhook"]
    assert requests.post(hook, json={"msgtype": "image", "image": {"picURL": "x"}}).json()["errcode"] == 400105
    assert requests.post(hook, json={"msgtype": "text", "text": {}}).json()["errcode"] == 40035
    assert requests.post(hook, data="not json").json()["errcode"] == 40035
    assert dt.messages_for_user(LI) == []
