"""The WeCom emulator as an identity provider: the web-authorisation and QR-login pages, the redirect with
``code`` and ``state``, and ``cgi-bin/auth/getuserinfo`` (single-use codes, 5 minutes, members and not)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.emulator.dingtalk import DingTalkEmulator
from bot.emulator.server import create_emulator_app
from bot.emulator.wecom import WeComEmulator
from tests.emulator.conftest_wecom import CORP_ID, ENV, make_directory

BOARD = "https://board.example.gov.cn"
CALLBACK = f"{BOARD}/board/callback/wecom?next=%2Fboard"


@pytest.fixture
def emu():
    return WeComEmulator({**ENV, "PUBLIC_BASE_URL": BOARD}, make_directory())


@pytest.fixture
def client(emu):
    app = create_emulator_app(emu, DingTalkEmulator({}, make_directory()))
    return app.test_client()


def authorize(**overrides) -> dict:
    query = {"appid": CORP_ID, "redirect_uri": CALLBACK, "response_type": "code", "scope": "snsapi_base",
             "state": "s1234", "agentid": ENV["WECOM_AGENT_ID"]}
    return {k: v for k, v in {**query, **overrides}.items() if v is not None}


def sso(**overrides) -> dict:
    query = {"login_type": "CorpApp", "appid": CORP_ID, "agentid": ENV["WECOM_AGENT_ID"],
             "redirect_uri": CALLBACK, "state": "s1234"}
    return {k: v for k, v in {**query, **overrides}.items() if v is not None}


def landed(response) -> dict:
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location.startswith(f"{BOARD}/board/callback/wecom?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


def token(client) -> str:
    return client.get("/cgi-bin/gettoken", query_string={"corpid": CORP_ID,
                                                          "corpsecret": ENV["WECOM_SECRET"]}).json["access_token"]


def exchange(client, code, access_token=None) -> dict:
    params = {"access_token": access_token if access_token is not None else token(client)}
    if code is not None:
        params["code"] = code
    return client.get("/cgi-bin/auth/getuserinfo", query_string=params).json


def test_web_authorisation_page_lists_the_people(client):
    page = client.get("/connect/oauth2/authorize", query_string=authorize())
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "企业微信登录" in text
    for userid, name in make_directory().wecom_users.items():
        assert name in text and f'value="{userid}"' in text
    assert 'method="post"' in text


def test_qr_login_page_offers_simulated_scans(client):
    text = client.get("/wwlogin/sso/login", query_string=sso()).get_data(as_text=True)
    assert "请使用企业微信扫码" in text and 'class="qr"' in text
    assert "模拟扫码：李干事" in text and "模拟扫码：周科长" in text


@pytest.mark.parametrize("path,query", [("/connect/oauth2/authorize", authorize()), ("/wwlogin/sso/login", sso())])
def test_a_click_redirects_with_code_and_state_and_the_code_names_the_member(client, path, query):
    answer = landed(client.post(path, query_string=query, data={"userid": "ligs"}))
    assert answer["next"] == "/board" and answer["state"] == "s1234" and answer["code"]
    assert exchange(client, answer["code"]) == {"errcode": 0, "errmsg": "ok", "userid": "ligs"}


def test_as_parameter_signs_in_without_a_browser(client):
    answer = landed(client.get("/connect/oauth2/authorize", query_string={**authorize(), "as": "zhouks"}))
    assert exchange(client, answer["code"])["userid"] == "zhouks"


def test_the_state_comes_back_even_when_empty(client):
    answer = landed(client.get("/connect/oauth2/authorize", query_string={**authorize(state=None), "as": "ligs"}))
    assert answer["state"] == ""


def test_a_code_is_single_use(client):
    code = landed(client.get("/wwlogin/sso/login", query_string={**sso(), "as": "ligs"}))["code"]
    assert exchange(client, code)["userid"] == "ligs"
    again = exchange(client, code)
    assert again["errcode"] == 40029 and again["errmsg"].startswith("invalid code")


def test_a_code_expires_after_five_minutes_of_the_emulators_clock(client, emu):
    first = landed(client.get("/wwlogin/sso/login", query_string={**sso(), "as": "ligs"}))["code"]
    second = landed(client.get("/wwlogin/sso/login", query_string={**sso(), "as": "ligs"}))["code"]
    access_token = token(client)
    emu.advance_time(299)
    assert exchange(client, first, access_token)["userid"] == "ligs"
    emu.advance_time(2)
    assert exchange(client, second, access_token)["errcode"] == 40029


def test_an_unknown_or_missing_code(client):
    assert exchange(client, "no-such-code")["errcode"] == 40029
    assert exchange(client, None)["errcode"] == 41008


def test_the_token_is_checked_as_on_every_call(client, emu):
    code = landed(client.get("/wwlogin/sso/login", query_string={**sso(), "as": "ligs"}))["code"]
    assert exchange(client, code, access_token="")["errcode"] == 41001
    assert exchange(client, code, access_token="forged")["errcode"] == 40014
    access_token = token(client)
    emu.expire_tokens()
    assert exchange(client, code, access_token)["errcode"] == 42001
    assert exchange(client, code)["userid"] == "ligs"  # refusals did not use the code up


def test_a_non_member_gets_an_openid(client, emu):
    answer = landed(client.post("/connect/oauth2/authorize", query_string=authorize(), data={"userid": "@outsider"}))
    body = exchange(client, answer["code"])
    assert body["errcode"] == 0 and body["openid"] and "userid" not in body


def test_privateinfo_scope_gives_a_user_ticket(client):
    answer = landed(client.get("/connect/oauth2/authorize",
                               query_string={**authorize(scope="snsapi_privateinfo"), "as": "ligs"}))
    body = exchange(client, answer["code"])
    assert body["userid"] == "ligs" and body["user_ticket"] and body["expires_in"] == 1800


@pytest.mark.parametrize("query,errcode,text", [
    (authorize(appid="wwsomeoneelse"), 40013, "CorpID"),
    (authorize(agentid="999"), 40056, "agentid"),
    (authorize(response_type="token"), 40058, "response_type"),
    (authorize(scope="snsapi_login"), 40058, "scope"),
    (authorize(scope="snsapi_privateinfo", agentid=None), 41011, "agentid"),
    (authorize(redirect_uri=None), 40058, "redirect_uri"),
    (authorize(redirect_uri="https://evil.example.com/board/callback/wecom"), 50001, "可信域名"),
    (authorize(redirect_uri="javascript:alert(1)"), 50001, "可信域名"),
    (authorize(state="x" * 129), 40058, "state"),
])
def test_web_authorisation_refusals_show_wecoms_error_page(client, query, errcode, text):
    page = client.get("/connect/oauth2/authorize", query_string={**query, "as": "ligs"})
    body = page.get_data(as_text=True)
    assert page.status_code == 400
    assert f'data-errcode="{errcode}"' in body and f"错误码：{errcode}" in body and text in body


@pytest.mark.parametrize("query,errcode", [
    (sso(login_type="ServiceApp"), 40058),
    (sso(appid="wwsomeoneelse"), 40013),
    (sso(agentid=None), 41011),
    (sso(agentid="999"), 40056),
    (sso(redirect_uri="http://board.example.gov.cn.evil.com/cb"), 50001),
])
def test_qr_login_refusals(client, query, errcode):
    page = client.post("/wwlogin/sso/login", query_string=query, data={"userid": "ligs"})
    assert page.status_code == 400 and f'data-errcode="{errcode}"' in page.get_data(as_text=True)


def test_an_unknown_person_cannot_be_picked(client):
    page = client.get("/wwlogin/sso/login", query_string={**sso(), "as": "nobody"})
    assert page.status_code == 400


def test_trusted_domains_follow_bot_url_and_an_explicit_list(client, emu):
    local = "http://127.0.0.1:8765/board/callback/wecom"
    assert client.get("/wwlogin/sso/login", query_string=sso(redirect_uri=local)).status_code == 400
    emu.bot_url = "http://127.0.0.1:8765"
    assert client.get("/wwlogin/sso/login", query_string=sso(redirect_uri=local)).status_code == 200
    assert client.get("/wwlogin/sso/login",
                      query_string=sso(redirect_uri="http://127.0.0.1:9999/cb")).status_code == 400  # port differs
    emu.oauth.trusted_domains = ["intranet.example"]
    assert client.get("/wwlogin/sso/login",
                      query_string=sso(redirect_uri="http://intranet.example:81/cb")).status_code == 200
    assert client.get("/wwlogin/sso/login", query_string=sso(redirect_uri=local)).status_code == 400


def test_a_code_for_a_domain_no_longer_trusted_gets_50001(client, emu):
    code = landed(client.get("/wwlogin/sso/login", query_string={**sso(), "as": "ligs"}))["code"]
    emu.oauth.trusted_domains = ["elsewhere.example"]
    assert exchange(client, code)["errcode"] == 50001


def test_faults_apply_to_the_exchange(client, emu):
    code = landed(client.get("/wwlogin/sso/login", query_string={**sso(), "as": "ligs"}))["code"]
    access_token = token(client)
    emu.inject_fault("errcode", 45009, count=1, path="auth/getuserinfo")
    assert exchange(client, code, access_token)["errcode"] == 45009
    assert exchange(client, code, access_token)["userid"] == "ligs"
    assert any(c["path"] == "/cgi-bin/auth/getuserinfo" for c in emu.api_calls)


def test_reset_forgets_codes_and_the_domain_list(client, emu):
    code = landed(client.get("/wwlogin/sso/login", query_string={**sso(), "as": "ligs"}))["code"]
    emu.oauth.trusted_domains = []
    emu.reset()
    assert emu.oauth.trusted_domains is None
    assert exchange(client, code)["errcode"] == 40029
