"""Access tokens of both API families, and the errors a bot sees for a missing, bad or expired one."""

from __future__ import annotations

import requests

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import ENV, api, oapi

NOTICE = {"agent_id": ENV["DINGTALK_AGENT_ID"], "userid_list": "0523",
          "msg": {"msgtype": "text", "text": {"content": "请提交日报"}}}
SEND = {"robotCode": ENV["DINGTALK_ROBOT_CODE"], "openConversationId": "cidDESKxxxx==",
        "msgKey": "sampleText", "msgParam": '{"content": "hi"}'}


def _gettoken(server, key=ENV["DINGTALK_APP_KEY"], secret=ENV["DINGTALK_APP_SECRET"]):
    return requests.get(f"{server.url}/gettoken", params={"appkey": key, "appsecret": secret}).json()


def test_old_token_is_issued_for_the_configured_app(server):
    body = _gettoken(server)
    assert body["errcode"] == 0 and body["expires_in"] == 7200 and body["access_token"]


def test_old_token_with_a_wrong_secret_is_refused_with_http_200(server):
    resp = requests.get(f"{server.url}/gettoken", params={"appkey": ENV["DINGTALK_APP_KEY"], "appsecret": "x"})
    assert resp.status_code == 200 and resp.json()["errcode"] == 40096


def test_old_token_without_credentials_is_a_missing_parameter(server):
    assert requests.get(f"{server.url}/gettoken").json()["errcode"] == 40035


def test_new_token_is_the_same_while_valid_and_works_on_both_families(server, token):
    again = requests.post(f"{server.url}/v1.0/oauth2/accessToken",
                          json={"appKey": ENV["DINGTALK_APP_KEY"], "appSecret": ENV["DINGTALK_APP_SECRET"]})
    assert again.json() == {"accessToken": token, "expireIn": 7200}
    assert oapi(server, "/topapi/message/corpconversation/asyncsend_v2", token, NOTICE)["errcode"] == 0


def test_new_token_with_bad_credentials_is_400_invalid_client(server):
    resp = requests.post(f"{server.url}/v1.0/oauth2/accessToken",
                         json={"appKey": ENV["DINGTALK_APP_KEY"], "appSecret": "wrong"})
    assert resp.status_code == 400
    assert resp.json()["code"] == "invalidClientIdOrSecret" and resp.json()["requestid"]


def test_new_token_without_app_key_names_the_missing_field(server):
    resp = requests.post(f"{server.url}/v1.0/oauth2/accessToken", json={"appSecret": "x"})
    assert resp.status_code == 400 and resp.json()["code"] == "MissingappKey"


def test_old_api_without_token_answers_88_40000(server):
    body = oapi(server, "/topapi/message/corpconversation/asyncsend_v2", None, NOTICE)
    assert (body["errcode"], body["sub_code"]) == (88, "40000")


def test_old_api_ignores_the_new_header(server, token):
    resp = requests.post(f"{server.url}/topapi/message/corpconversation/asyncsend_v2", json=NOTICE,
                         headers={"x-acs-dingtalk-access-token": token}).json()
    assert (resp["errcode"], resp["sub_code"]) == (88, "40000")


def test_old_api_with_unknown_token_answers_88_40014(server):
    body = oapi(server, "/topapi/message/corpconversation/asyncsend_v2", "forged", NOTICE)
    assert (body["errcode"], body["sub_code"], body["sub_msg"]) == (88, "40014", "不合法的access_token")


def test_new_api_without_header_is_missing_parameter_even_with_bearer(server, token):
    resp = requests.post(f"{server.url}/v1.0/robot/groupMessages/send", json=SEND,
                         headers={"Authorization": f"Bearer {token}"}, params={"access_token": token})
    assert resp.status_code == 400 and resp.json()["code"] == "AuthenticationFailed.MissingParameter"


def test_new_api_with_unknown_token_is_invalid_authentication(server):
    resp = api(server, "POST", "/v1.0/robot/groupMessages/send", "forged", SEND)
    assert resp.status_code == 400 and resp.json()["code"] == "InvalidAuthentication"


def test_expired_tokens_are_refused_on_both_families_and_a_new_one_is_issued(server, dt, token):
    assert dt.expire_tokens() == 1
    assert api(server, "POST", "/v1.0/robot/groupMessages/send", token, SEND).json()["code"] == \
        "InvalidAuthentication"
    assert oapi(server, "/topapi/message/corpconversation/asyncsend_v2", token, NOTICE)["sub_code"] == "40014"
    fresh = _gettoken(server)["access_token"]
    assert fresh != token
    assert api(server, "POST", "/v1.0/robot/groupMessages/send", fresh, SEND).status_code == 200


def test_tokens_expire_after_two_hours_of_the_emulator_clock(server, dt, token):
    start = dt.now()
    dt.now = lambda: start + 7201
    assert api(server, "POST", "/v1.0/robot/groupMessages/send", token, SEND).json()["code"] == \
        "InvalidAuthentication"


def test_new_token_without_app_secret_names_the_missing_field(server):
    resp = requests.post(f"{server.url}/v1.0/oauth2/accessToken", json={"appKey": ENV["DINGTALK_APP_KEY"]})
    assert resp.status_code == 400 and resp.json()["code"] == "MissingappSecret"
