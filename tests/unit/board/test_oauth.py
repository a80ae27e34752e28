"""The board's WeCom / DingTalk sign-in (bot/board/oauth*.py) against a small fake of both identity providers.

The fake answers the calls of docs/board.md §Sign-in (gettoken, auth/getuserinfo; userAccessToken, users/me,
gettoken, getbyunionid, v2/user/getuserinfo) by replacing ``requests.request``; the routes run in a Flask app
with only the sign-in blueprint, over a SQLite database holding the sample organisation.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask

from bot import config
from bot.board import oauth_http
from bot.board.oauth import STATE_COOKIE, oauth_blueprint
from bot.board.session import SESSION_COOKIE, signed_in
from bot.core.board_links import export_link
from bot.core.clock import utcnow
from bot.core.errors import ConfigError
from bot.demo import DEMO_ENV
from bot.org.file import parse_org_file
from bot.store.org_repo import apply_organisation

ROOT = config.ROOT
SECRET = "unit-test-board-secret-key-0123456789"
IDP = "http://idp.test"
PUBLIC = "http://board.test"
ENV = {**DEMO_ENV, "BOARD_SECRET_KEY": SECRET, "PUBLIC_BASE_URL": PUBLIC, "WECOM_API_BASE": IDP,
       "WECOM_OPEN_BASE": IDP, "WECOM_LOGIN_BASE": IDP, "DINGTALK_API_BASE": IDP, "DINGTALK_OAPI_BASE": IDP,
       "DINGTALK_LOGIN_BASE": IDP, "DINGTALK_JSAPI_URL": f"{IDP}/dingtalk-jsapi.js", "DINGTALK_CORP_ID": "dingcorp"}


class Reply:
    def __init__(self, status: int, body) -> None:
        self.status_code, self._body = status, body

    def json(self):
        if isinstance(self._body, Exception):
            raise self._body
        return self._body


class FakeIdP:
    """Both platforms' sign-in APIs, with single-use codes and the apps' tokens."""

    def __init__(self) -> None:
        self.wecom_codes = {"c-li": "ligs", "c-stranger": "nobody", "c-outsider": None}
        self.dt_codes = {"a-sun": "union-0523", "a-stranger": "union-none"}
        self.inapp_codes = {"i-sun": "0523"}
        self.unions = {"union-0523": "0523"}
        self.user_tokens: dict[str, str] = {}
        self.stale_once = False
        self.down = False
        self.calls: list[str] = []

    def __call__(self, method, url, timeout=None, params=None, json=None, headers=None, **_):
        assert timeout == 5
        path = urlsplit(url).path
        self.calls.append(f"{method} {path}")
        if self.down:
            raise requests.ConnectionError("connection refused")
        params, json, headers = params or {}, json or {}, headers or {}
        if path == "/cgi-bin/gettoken":
            ok = params == {"corpid": DEMO_ENV["WECOM_CORP_ID"], "corpsecret": DEMO_ENV["WECOM_SECRET"]}
            return Reply(200, {"errcode": 0, "access_token": "wt", "expires_in": 7200} if ok else {"errcode": 40001})
        if path == "/cgi-bin/auth/getuserinfo":
            if self.stale_once:
                self.stale_once = False
                return Reply(200, {"errcode": 42001, "errmsg": "access_token expired"})
            if params.get("access_token") != "wt":
                return Reply(200, {"errcode": 40014, "errmsg": "invalid access_token"})
            if params.get("code") not in self.wecom_codes:
                return Reply(200, {"errcode": 40029, "errmsg": "invalid code"})
            userid = self.wecom_codes.pop(params["code"])
            return Reply(200, {"errcode": 0, "errmsg": "ok", "userid": userid, "user_ticket": "t"} if userid
                         else {"errcode": 0, "errmsg": "ok", "openid": "oOutsider"})
        if path == "/v1.0/oauth2/userAccessToken":
            if json.get("clientSecret") != DEMO_ENV["DINGTALK_APP_SECRET"] or json.get("code") not in self.dt_codes:
                return Reply(400, {"code": "invalidParameter", "message": "code 无效"})
            assert json["grantType"] == "authorization_code" and json["clientId"] == DEMO_ENV["DINGTALK_APP_KEY"]
            token = f"ut-{json['code']}"
            self.user_tokens[token] = self.dt_codes.pop(json["code"])
            return Reply(200, {"accessToken": token, "refreshToken": "r", "expireIn": 7200})
        if path == "/v1.0/contact/users/me":
            union = self.user_tokens.get(headers.get("x-acs-dingtalk-access-token", ""))
            return Reply(200, {"unionId": union, "nick": "某人"}) if union else Reply(401, {"code": "InvalidAuthentication"})
        if path == "/gettoken":
            return Reply(200, {"errcode": 0, "access_token": "dt", "expires_in": 7200})
        if path == "/topapi/user/getbyunionid":
            userid = self.unions.get(json.get("unionid"))
            return Reply(200, {"errcode": 0, "result": {"userid": userid}} if userid
                         else {"errcode": 60121, "errmsg": "找不到该用户"})
        if path == "/topapi/v2/user/getuserinfo":
            userid = self.inapp_codes.pop(json.get("code"), None)
            return Reply(200, {"errcode": 0, "result": {"userid": userid, "name": "孙科长"}} if userid
                         else {"errcode": 40078, "errmsg": "不存在的临时授权码"})
        return Reply(404, ValueError("not JSON"))


@pytest.fixture
def idp(monkeypatch):
    fake = FakeIdP()
    oauth_http.TOKENS.clear()
    monkeypatch.setattr(oauth_http.requests, "request", fake)
    yield fake
    oauth_http.TOKENS.clear()


def _client(sqlite_database, env):
    settings = config.load(env)
    with sqlite_database.session() as session:
        apply_organisation(session, parse_org_file(ROOT / "examples" / "org.yaml"), utcnow())
    app = Flask("board-oauth-test")
    app.register_blueprint(oauth_blueprint(settings, sqlite_database))
    return app.test_client()


@pytest.fixture
def client(sqlite_database):
    return _client(sqlite_database, ENV)


def _start(client, platform: str, next_path: str = "/board", **headers) -> dict:
    answer = client.get(f"/board/login/{platform}", query_string={"next": next_path}, headers=headers)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert client.get_cookie(STATE_COOKIE, path="/board") is not None
    location = answer.headers["Location"]
    return {"url": location, "query": {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}}


def _person(client) -> tuple[str, str] | None:
    cookie = client.get_cookie(SESSION_COOKIE, path="/board")
    if cookie is None:
        return None

    class Request:
        cookies = {SESSION_COOKIE: cookie.value}

    found = signed_in(Request, SECRET, utcnow())
    return (found.person_id, found.via) if found else None


def test_wecom_qr_login_link_outside_the_client(client, idp):
    link = _start(client, "wecom")
    assert link["url"].startswith(f"{IDP}/wwlogin/sso/login?")
    assert link["query"] == {"login_type": "CorpApp", "appid": DEMO_ENV["WECOM_CORP_ID"],
                             "agentid": DEMO_ENV["WECOM_AGENT_ID"], "redirect_uri": f"{PUBLIC}/board/callback/wecom",
                             "state": link["query"]["state"]}
    assert link["query"]["state"].isalnum() and len(link["query"]["state"]) <= 128


def test_wecom_web_authorisation_inside_the_client(client, idp):
    ua = "Mozilla/5.0 (iPhone) AppleWebKit/605 MicroMessenger/8.0 wxwork/4.1.22 ColorScheme/Light"
    link = _start(client, "wecom", **{"User-Agent": ua})
    assert link["url"].startswith(f"{IDP}/connect/oauth2/authorize?") and link["url"].endswith("#wechat_redirect")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link["url"].split("#")[0]).query).items()}
    assert query["appid"] == DEMO_ENV["WECOM_CORP_ID"] and query["agentid"] == DEMO_ENV["WECOM_AGENT_ID"]
    assert query["response_type"] == "code" and query["scope"] == "snsapi_base"
    assert query["redirect_uri"] == f"{PUBLIC}/board/callback/wecom"


def test_wecom_callback_signs_in_and_goes_to_next(client, idp):
    state = _start(client, "wecom", "/board/cases/YQ-2026-0001")["query"]["state"]
    answer = client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state})
    assert answer.status_code == 302 and answer.headers["Location"] == "/board/cases/YQ-2026-0001"
    assert _person(client) == ("p-li", "wecom")
    assert client.get_cookie(STATE_COOKIE, path="/board") is None  # the state is spent
    assert idp.calls == ["GET /cgi-bin/gettoken", "GET /cgi-bin/auth/getuserinfo"]


def test_a_download_links_token_survives_the_round_trip(client, idp):
    """The chat's download link (bot.core.board_links) comes back whole after WeCom's and DingTalk's sign-in."""
    full = export_link(PUBLIC, SECRET, "YQ-2026-0001", utcnow())
    path = full[len(PUBLIC):]
    assert "?t=" in path and "." in path
    state = _start(client, "wecom", path)["query"]["state"]
    answer = client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state})
    assert answer.status_code == 302 and answer.headers["Location"] == path
    client.delete_cookie(SESSION_COOKIE, path="/board")
    html = client.get("/board/login/dingtalk", query_string={"next": path, "inapp": "1"}).get_data(as_text=True)
    state = html.split("/board/callback/dingtalk?inapp=1\\u0026state=")[1].split('"')[0]
    answer = client.get("/board/callback/dingtalk", query_string={"code": "i-sun", "inapp": "1", "state": state})
    assert answer.status_code == 302 and answer.headers["Location"] == path
    qr = _start(client, "dingtalk", path)["query"]["state"]
    answer = client.get("/board/callback/dingtalk", query_string={"authCode": "a-sun", "state": qr})
    assert answer.status_code == 302 and answer.headers["Location"] == path


def test_a_code_is_single_use(client, idp):
    state = _start(client, "wecom")["query"]["state"]
    assert client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state}).status_code == 302
    client.delete_cookie(SESSION_COOKIE, path="/board")
    state = _start(client, "wecom")["query"]["state"]
    answer = client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state})
    assert answer.status_code == 502 and "登录凭证无效或已使用" in answer.get_data(as_text=True)
    assert _person(client) is None


@pytest.mark.parametrize("mangle", ["other-state", "", None])
def test_the_state_must_be_this_browsers(client, idp, mangle):
    _start(client, "wecom")
    if mangle is None:
        client.delete_cookie(STATE_COOKIE, path="/board")
        mangle = "whatever"
    answer = client.get("/board/callback/wecom", query_string={"code": "c-li", "state": mangle})
    assert answer.status_code == 400 and "登录请求已失效" in answer.get_data(as_text=True)
    assert _person(client) is None and idp.calls == []  # the code is not even exchanged


def test_a_state_of_another_platform_or_forged_is_refused(client, idp):
    state = _start(client, "dingtalk")["query"]["state"]
    assert client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state}).status_code == 400
    client.set_cookie(STATE_COOKIE, "eyJzIjoiYSJ9.deadbeef", path="/board")
    assert client.get("/board/callback/wecom", query_string={"code": "c-li", "state": "a"}).status_code == 400


def test_an_expired_state_is_refused(client, idp, monkeypatch):
    state = _start(client, "wecom")["query"]["state"]
    import bot.board.oauth as oauth

    later = oauth.time.time() + oauth.STATE_LIFETIME + 1
    monkeypatch.setattr(oauth.time, "time", lambda: later)
    assert client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state}).status_code == 400


@pytest.mark.parametrize("code, who", [("c-stranger", "（企业微信账号 nobody）"), ("c-outsider", "")])
def test_people_outside_the_organisation_are_refused(client, idp, code, who):
    state = _start(client, "wecom")["query"]["state"]
    answer = client.get("/board/callback/wecom", query_string={"code": code, "state": state})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 403 and f"您不在本系统的人员名单中{who}" in text
    assert _person(client) is None


def test_a_stale_access_token_is_renewed_once(client, idp):
    idp.stale_once = True
    state = _start(client, "wecom")["query"]["state"]
    assert client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state}).status_code == 302
    assert idp.calls == ["GET /cgi-bin/gettoken", "GET /cgi-bin/auth/getuserinfo",
                         "GET /cgi-bin/gettoken", "GET /cgi-bin/auth/getuserinfo"]


def test_an_unreachable_platform_is_a_page_not_a_500(client, idp):
    idp.down = True
    state = _start(client, "wecom")["query"]["state"]
    answer = client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state})
    assert answer.status_code == 502 and "暂时无法连接企业微信" in answer.get_data(as_text=True)


def test_a_refused_authorisation_is_a_page(client, idp):
    state = _start(client, "dingtalk")["query"]["state"]
    answer = client.get("/board/callback/dingtalk", query_string={"error": "access_denied", "state": state})
    assert answer.status_code == 400 and "您没有在钉钉中确认登录" in answer.get_data(as_text=True)


def test_next_never_leaves_the_board(client, idp):
    for bad in ("https://evil.example/board", "//evil.example/board", "/console", "/board\\@evil"):
        client.delete_cookie(SESSION_COOKIE, path="/board")
        state = _start(client, "wecom", bad)["query"]["state"]
        idp.wecom_codes["c-li"] = "ligs"
        answer = client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state})
        assert answer.headers["Location"] == "/board", bad


def test_dingtalk_qr_login(client, idp):
    link = _start(client, "dingtalk", "/board?grade=major")
    assert link["url"].startswith(f"{IDP}/oauth2/auth?")
    assert link["query"] == {"redirect_uri": f"{PUBLIC}/board/callback/dingtalk", "response_type": "code",
                             "client_id": DEMO_ENV["DINGTALK_APP_KEY"], "scope": "openid",
                             "state": link["query"]["state"], "prompt": "consent"}
    answer = client.get("/board/callback/dingtalk", query_string={"authCode": "a-sun", "state": link["query"]["state"]})
    assert answer.status_code == 302 and answer.headers["Location"] == "/board?grade=major"
    assert _person(client) == ("p-sun", "dingtalk")
    assert idp.calls == ["POST /v1.0/oauth2/userAccessToken", "GET /v1.0/contact/users/me", "GET /gettoken",
                         "POST /topapi/user/getbyunionid"]


def test_dingtalk_callback_takes_code_as_well_as_authcode(client, idp):
    state = _start(client, "dingtalk")["query"]["state"]
    assert client.get("/board/callback/dingtalk", query_string={"code": "a-sun", "state": state}).status_code == 302
    assert _person(client) == ("p-sun", "dingtalk")


def test_dingtalk_refusals(client, idp):
    state = _start(client, "dingtalk")["query"]["state"]
    answer = client.get("/board/callback/dingtalk", query_string={"authCode": "a-stranger", "state": state})
    assert answer.status_code == 403 and "您不在本系统的人员名单中" in answer.get_data(as_text=True)
    state = _start(client, "dingtalk")["query"]["state"]
    answer = client.get("/board/callback/dingtalk", query_string={"authCode": "a-sun-twice", "state": state})
    assert answer.status_code == 502 and "登录凭证无效或已使用" in answer.get_data(as_text=True)


@pytest.mark.parametrize("how", [{"inapp": "1"}, {"User-Agent": "Mozilla/5.0 AliApp(DingTalk/7.6.0) DingTalk(7.6.0)"}])
def test_dingtalk_in_app_page_runs_the_jsapi(client, idp, how):
    headers = {"User-Agent": how["User-Agent"]} if "User-Agent" in how else {}
    query = {"next": "/board/units/u-desk", **({"inapp": "1"} if "inapp" in how else {})}
    page = client.get("/board/login/dingtalk", query_string=query, headers=headers)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'<script src="{IDP}/dingtalk-jsapi.js">' in html
    assert "dd.runtime.permission.requestAuthCode" in html and '"dingcorp"' in html
    state = html.split("/board/callback/dingtalk?inapp=1\\u0026state=")[1].split('"')[0]
    answer = client.get("/board/callback/dingtalk", query_string={"code": "i-sun", "inapp": "1", "state": state})
    assert answer.status_code == 302 and answer.headers["Location"] == "/board/units/u-desk"
    assert _person(client) == ("p-sun", "dingtalk")
    assert idp.calls == ["GET /gettoken", "POST /topapi/v2/user/getuserinfo"]


def test_dingtalk_in_app_code_refused(client, idp):
    html = client.get("/board/login/dingtalk?inapp=1").get_data(as_text=True)
    state = html.split("state=")[1].split('"')[0]
    answer = client.get("/board/callback/dingtalk", query_string={"code": "i-nobody", "inapp": "1", "state": state})
    assert answer.status_code == 502 and "登录凭证无效" in answer.get_data(as_text=True)


def test_a_platform_not_configured_says_so(sqlite_database, idp):
    env = {k: v for k, v in ENV.items() if not k.startswith("WECOM_")}
    client = _client(sqlite_database, env)
    answer = client.get("/board/login/wecom")
    assert answer.status_code == 404 and "本系统未配置企业微信应用" in answer.get_data(as_text=True)


def test_the_session_lasts_twelve_hours(client, idp):
    state = _start(client, "wecom")["query"]["state"]
    client.get("/board/callback/wecom", query_string={"code": "c-li", "state": state})
    cookie = client.get_cookie(SESSION_COOKIE, path="/board")
    assert cookie.http_only and cookie.same_site == "Lax"

    class Request:
        cookies = {SESSION_COOKIE: cookie.value}

    assert signed_in(Request, SECRET, utcnow() + timedelta(hours=11, minutes=59)) is not None
    assert signed_in(Request, SECRET, utcnow() + timedelta(hours=12, minutes=1)) is None


# --- settings (bot/config.py) ---

def test_board_settings_parse(monkeypatch):
    settings = config.load({**ENV, "BOARD_TOKENS": " tok-aaaaaaaa = p-li , tok-bbbbbbbb=p-sun,"})
    assert dict(settings.board_tokens) == {"tok-aaaaaaaa": "p-li", "tok-bbbbbbbb": "p-sun"}
    assert settings.describe()["BOARD_TOKENS"] == "***" and settings.describe()["BOARD_SECRET_KEY"] == "***"
    assert "tok-aaaaaaaa" not in repr(settings)
    defaults = config.load({k: v for k, v in DEMO_ENV.items()})
    assert defaults.get("WECOM_OPEN_BASE") == "https://open.weixin.qq.com"
    assert defaults.get("WECOM_LOGIN_BASE") == "https://login.work.weixin.qq.com"
    assert defaults.get("DINGTALK_LOGIN_BASE") == "https://login.dingtalk.com"
    assert defaults.board_tokens == {} and not defaults.get("BOARD_SECRET_KEY")


@pytest.mark.parametrize("env, words", [
    ({"BOARD_TOKENS": "tok-without-person"}, "token=person-id pairs"),
    ({"BOARD_TOKENS": "=p-li"}, "token=person-id pairs"),
    ({"BOARD_TOKENS": "t1x=p-li,t1x=p-sun"}, "one token twice"),
    ({"BOARD_TOKENS": "t1x=p-li", "BOARD_SECRET_KEY": ""}, "BOARD_SECRET_KEY is not"),
    ({"BOARD_SECRET_KEY": "short"}, "at least 16 characters"),
])
def test_board_settings_refuse_clearly(env, words):
    with pytest.raises(ConfigError, match=words):
        config.load({**ENV, **env})


def test_cookies_are_secure_behind_an_https_address(sqlite_database, idp):
    client = _client(sqlite_database, {**ENV, "PUBLIC_BASE_URL": "https://yuqing.example.gov.cn"})
    answer = client.get("/board/login/wecom")
    assert "Secure" in answer.headers["Set-Cookie"] and "HttpOnly" in answer.headers["Set-Cookie"]
    assert "redirect_uri=https%3A%2F%2Fyuqing.example.gov.cn%2Fboard%2Fcallback%2Fwecom" in answer.headers["Location"]
