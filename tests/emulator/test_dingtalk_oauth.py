"""The DingTalk emulator as an identity provider: the browser login (authCode), userAccessToken, users/me and
getbyunionid; the in-app free login (the JSAPI stand-in's code, topapi/v2/user/getuserinfo)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.emulator.dingtalk import DingTalkEmulator
from bot.emulator.dingtalk.oauth import union_id
from bot.emulator.server import create_emulator_app
from bot.emulator.wecom import WeComEmulator
from tests.emulator.conftest_dingtalk import ENV, LI, SUN, WU, make_directory

BOARD = "http://board.example:8080"
CALLBACK = f"{BOARD}/board/callback/dingtalk"
KEY, SECRET = ENV["DINGTALK_APP_KEY"], ENV["DINGTALK_APP_SECRET"]


class Clock:
    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def emu(clock):
    dt = DingTalkEmulator({**ENV, "PUBLIC_BASE_URL": BOARD}, make_directory())
    dt.now = clock
    return dt


@pytest.fixture
def client(emu):
    return create_emulator_app(WeComEmulator({}, make_directory()), emu).test_client()


def login(**overrides) -> dict:
    query = {"redirect_uri": CALLBACK, "response_type": "code", "client_id": KEY, "scope": "openid",
             "state": "st42", "prompt": "consent"}
    return {k: v for k, v in {**query, **overrides}.items() if v is not None}


def auth_code(client, who=SUN, **overrides) -> str:
    response = client.post("/oauth2/auth", query_string=login(**overrides), data={"userid": who})
    assert response.status_code == 302, response.get_data(as_text=True)
    return parse_qs(urlsplit(response.headers["Location"]).query)["authCode"][0]


def user_token(client, code, secret=SECRET, **extra):
    body = {"clientId": KEY, "clientSecret": secret, "code": code, "grantType": "authorization_code", **extra}
    return client.post("/v1.0/oauth2/userAccessToken", json=body)


def app_token(client) -> str:
    return client.get("/gettoken", query_string={"appkey": KEY, "appsecret": SECRET}).json["access_token"]


def test_login_page_lists_the_people_with_simulated_scans(client):
    page = client.get("/oauth2/auth", query_string=login())
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "钉钉登录" in text and 'class="qr"' in text
    for userid, name in make_directory().dingtalk_users.items():
        assert f"模拟扫码：{name}" in text and f'value="{userid}"' in text


def test_a_scan_redirects_with_auth_code_and_state(client):
    response = client.get("/oauth2/auth", query_string={**login(), "as": SUN})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    assert query["state"] == ["st42"] and query["authCode"][0] and "code" not in query


def test_the_whole_browser_login_names_the_person(client):
    answer = user_token(client, auth_code(client, SUN))
    assert answer.status_code == 200
    assert set(answer.json) == {"accessToken", "refreshToken", "expireIn"} and answer.json["expireIn"] == 7200
    me = client.get("/v1.0/contact/users/me", headers={"x-acs-dingtalk-access-token": answer.json["accessToken"]})
    assert me.status_code == 200 and me.json["nick"] == "孙科长" and me.json["unionId"] == union_id(SUN)
    found = client.post("/topapi/user/getbyunionid", query_string={"access_token": app_token(client)},
                        json={"unionid": me.json["unionId"]}).json
    assert found["errcode"] == 0 and found["result"] == {"contact_type": 0, "userid": SUN}


def test_corpid_scope_returns_the_corp_id(client, emu):
    answer = user_token(client, auth_code(client, LI, scope="openid corpid"))
    assert answer.json["corpId"] == emu.corp_id


def test_union_ids_are_stable_and_distinct():
    assert union_id(SUN) == union_id(SUN) != union_id(LI)


def test_a_wrong_client_secret_is_refused(client):
    code = auth_code(client)
    answer = user_token(client, code, secret="wrong")
    assert answer.status_code == 400 and answer.json["code"] == "invalidClientIdOrSecret"
    assert user_token(client, code).status_code == 200  # the refusal did not use the code up


def test_a_code_is_single_use(client):
    code = auth_code(client)
    assert user_token(client, code).status_code == 200
    again = user_token(client, code)
    assert again.status_code == 400 and again.json["code"] == "invalidAuthCode" and again.json["requestid"]


def test_a_code_expires(client, clock):
    code, later = auth_code(client), auth_code(client)
    clock.t += 299
    assert user_token(client, code).status_code == 200
    clock.t += 2
    assert user_token(client, later).json["code"] == "invalidAuthCode"


@pytest.mark.parametrize("body,code", [
    ({"clientSecret": SECRET, "code": "x", "grantType": "authorization_code"}, "MissingclientId"),
    ({"clientId": KEY, "clientSecret": SECRET, "grantType": "authorization_code"}, "MissingCode"),
    ({"clientId": KEY, "clientSecret": SECRET, "code": "x", "grantType": "password"}, "invalidParameter.grantType"),
])
def test_malformed_token_requests(client, body, code):
    answer = client.post("/v1.0/oauth2/userAccessToken", json=body)
    assert answer.status_code == 400 and answer.json["code"] == code


def test_a_refresh_token_gives_a_new_user_token_once(client):
    first = user_token(client, auth_code(client, WU)).json
    body = {"clientId": KEY, "clientSecret": SECRET, "refreshToken": first["refreshToken"],
            "grantType": "refresh_token"}
    second = client.post("/v1.0/oauth2/userAccessToken", json=body)
    assert second.status_code == 200 and second.json["accessToken"] != first["accessToken"]
    assert client.post("/v1.0/oauth2/userAccessToken", json=body).json["code"] == "invalidRefreshToken"


def test_users_me_needs_a_live_user_token(client, clock):
    token = user_token(client, auth_code(client)).json["accessToken"]
    missing = client.get("/v1.0/contact/users/me")
    assert missing.status_code == 400 and missing.json["code"] == "AuthenticationFailed.MissingParameter"
    app = client.get("/v1.0/contact/users/me", headers={"x-acs-dingtalk-access-token": app_token(client)})
    assert app.status_code == 400 and app.json["code"] == "InvalidAuthentication"  # the app's token is not a user's
    clock.t += 7201
    late = client.get("/v1.0/contact/users/me", headers={"x-acs-dingtalk-access-token": token})
    assert late.json["code"] == "InvalidAuthentication"


def test_getbyunionid_refusals(client):
    token = app_token(client)
    unknown = client.post("/topapi/user/getbyunionid", query_string={"access_token": token},
                          json={"unionid": "nobodyiEiE"}).json
    assert unknown["errcode"] == 60121
    assert client.post("/topapi/user/getbyunionid", query_string={"access_token": token},
                       json={}).json["errcode"] == 40035
    assert client.post("/topapi/user/getbyunionid", json={"unionid": union_id(SUN)}).json["errcode"] == 88


@pytest.mark.parametrize("query,text", [
    (login(client_id="dingsomeoneelse"), "client_id"),
    (login(redirect_uri="https://evil.example.com/board/callback/dingtalk"), "回调域名"),
    (login(redirect_uri="http://board.example:9090/cb"), "回调域名"),
    (login(redirect_uri=None), "redirect_uri"),
    (login(response_type="token"), "response_type"),
    (login(scope="snsapi_login"), "scope"),
])
def test_login_refusals(client, query, text):
    page = client.post("/oauth2/auth", query_string=query, data={"userid": SUN})
    assert page.status_code == 400 and text in page.get_data(as_text=True)


def test_the_jsapi_stand_in_script(client):
    script = client.get("/dingtalk-jsapi.js?user=0523")
    text = script.get_data(as_text=True)
    assert script.mimetype == "application/javascript"
    assert "requestAuthCode" in text and '"0523"' in text and "/_emulator/dingtalk/oauth/authcode" in text


def test_in_app_login_for_the_person_in_the_client(client, emu):
    assert client.post("/_emulator/dingtalk/oauth/in_client", json={"user": LI}).json == {"in_client": LI}
    asked = client.get("/_emulator/dingtalk/oauth/authcode", query_string={"corpId": emu.corp_id})
    assert asked.status_code == 200 and asked.headers["Access-Control-Allow-Origin"] == "*"
    token = app_token(client)
    info = client.post("/topapi/v2/user/getuserinfo", query_string={"access_token": token},
                       json={"code": asked.json["code"]}).json
    assert info["errcode"] == 0
    assert info["result"]["userid"] == LI and info["result"]["name"] == "李干事"
    assert info["result"]["unionid"] == union_id(LI)
    again = client.post("/topapi/v2/user/getuserinfo", query_string={"access_token": token},
                        json={"code": asked.json["code"]}).json
    assert again["errcode"] == 40078 and again["errmsg"] == "不存在的临时授权码"


def test_the_script_parameter_names_the_person(client, emu):
    code = client.get("/_emulator/dingtalk/oauth/authcode", query_string={"corpId": emu.corp_id, "user": WU}).json
    info = client.post("/topapi/v2/user/getuserinfo", query_string={"access_token": app_token(client)},
                       json={"code": code["code"]}).json
    assert info["result"]["userid"] == WU


def test_in_app_codes_expire_and_need_the_right_corp_and_a_person(client, emu, clock):
    token = app_token(client)
    nobody = client.get("/_emulator/dingtalk/oauth/authcode", query_string={"corpId": emu.corp_id})
    assert nobody.status_code == 400 and nobody.json["errorMessage"]
    wrong = client.get("/_emulator/dingtalk/oauth/authcode", query_string={"corpId": "dingother", "user": SUN})
    assert wrong.status_code == 400 and "corpId" in wrong.json["errorMessage"]
    code = client.get("/_emulator/dingtalk/oauth/authcode", query_string={"corpId": emu.corp_id, "user": SUN}).json
    clock.t += 301  # the app's token (7200 s) is still live; the code (300 s) is not
    late = client.post("/topapi/v2/user/getuserinfo", query_string={"access_token": token}, json=code)
    assert late.json["errcode"] == 40078
    assert client.post("/topapi/v2/user/getuserinfo", query_string={"access_token": app_token(client)},
                       json={}).json["errcode"] == 40035


def test_in_client_control_refuses_strangers_and_reset_forgets(client, emu):
    assert client.post("/_emulator/dingtalk/oauth/in_client", json={"user": "stranger"}).status_code == 400
    client.post("/_emulator/dingtalk/oauth/in_client", json={"user": SUN})
    code = auth_code(client)
    emu.reset()
    assert emu.oauth.in_client is None
    assert user_token(client, code).json["code"] == "invalidAuthCode"


def test_faults_apply_to_the_sign_in_api(client, emu):
    code = auth_code(client)
    emu.inject("server_error", family="api", count=1, path="/v1.0/oauth2/userAccessToken", status=503)
    assert user_token(client, code).status_code == 503
    assert user_token(client, code).status_code == 200
