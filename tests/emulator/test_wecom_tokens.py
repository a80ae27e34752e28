"""gettoken and the access-token checks of the emulated WeCom API."""

from __future__ import annotations

from tests.emulator.conftest_wecom import api, server, wecom  # noqa: F401

TEXT = {"touser": "ligs", "msgtype": "text", "agentid": 1000002, "text": {"content": "hi"}}


def test_gettoken_returns_the_same_token_while_it_is_valid(api):
    first, second = api.gettoken(), api.gettoken()
    assert first["errcode"] == 0 and first["expires_in"] == 7200
    assert second["access_token"] == first["access_token"]
    assert second["expires_in"] <= 7200


def test_gettoken_refuses_a_wrong_secret_with_40001(api):
    answer = api.gettoken(secret="wrong")
    assert answer["errcode"] == 40001
    assert "more info at https://open.work.weixin.qq.com/devtool/query?e=40001" in answer["errmsg"]


def test_gettoken_refuses_a_wrong_or_missing_corpid(api):
    assert api.gettoken(corpid="ww-other")["errcode"] == 40013
    assert api.gettoken(corpid="")["errcode"] == 41002
    assert api.gettoken(secret="")["errcode"] == 41004


def test_a_call_without_token_is_41001_and_with_a_bad_one_40014(api):
    assert api.call("message/send", TEXT, token="")["errcode"] == 41001
    assert api.call("message/send", TEXT, token="not-a-token")["errcode"] == 40014


def test_an_expired_token_answers_42001_and_gettoken_then_gives_a_new_one(api, wecom):
    old = api.token()
    wecom.expire_tokens()
    assert api.call("message/send", TEXT, token=old)["errcode"] == 42001
    fresh = api.gettoken()["access_token"]
    assert fresh != old
    assert api.call("message/send", TEXT, token=fresh)["errcode"] == 0


def test_a_revoked_token_answers_40014(api, wecom):
    old = api.token()
    wecom.revoke_tokens()
    assert api.call("message/send", TEXT, token=old)["errcode"] == 40014


def test_tokens_expire_after_7200_seconds_of_emulated_time(api, wecom):
    token = api.token()
    wecom.advance_time(7199)
    assert api.call("message/send", TEXT, token=token)["errcode"] == 0
    wecom.advance_time(2)
    assert api.call("message/send", TEXT, token=token)["errcode"] == 42001
    assert wecom.tokens.issued == 1


def test_every_api_call_is_logged_with_its_outcome(api, wecom):
    api.call("message/send", TEXT, token="bad")
    assert wecom.api_calls[-1]["path"] == "/cgi-bin/message/send"
    assert wecom.api_calls[-1]["outcome"] == 40014
