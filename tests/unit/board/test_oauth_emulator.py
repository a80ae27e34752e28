"""The board's sign-in client against the emulators playing WeCom and DingTalk (the contract of docs/board.md
§Sign-in, without a browser): the board's links are accepted by the emulators' sign-in pages, a pick (``?as=``)
comes back with a code, and the board exchanges it for the right person. The browser tests
(tests/browser/test_board_signin.py) walk the same way by clicking."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask

from bot import config
from bot.board import oauth_http
from bot.board.oauth import oauth_blueprint
from bot.board.session import SESSION_COOKIE, signed_in
from bot.core.clock import utcnow
from bot.demo import DEMO_ENV
from bot.emulator import Directory, EmulatorServer
from bot.org.file import parse_org_file
from bot.store.org_repo import apply_organisation

SAMPLE_ORG = config.ROOT / "examples" / "org.yaml"
SECRET = "unit-test-board-secret-key-0123456789"
PUBLIC = "http://127.0.0.1:8765"  # the board's address: the emulators trust its host as the apps' domain


@pytest.fixture
def signin(sqlite_database):
    env = {**DEMO_ENV, "BOARD_SECRET_KEY": SECRET, "PUBLIC_BASE_URL": PUBLIC}
    emulator = EmulatorServer(env, Directory.from_org_file(SAMPLE_ORG, env)).start()
    emulator.set_bot_url(PUBLIC)
    base = emulator.url
    env.update(WECOM_API_BASE=base, DINGTALK_API_BASE=base, DINGTALK_OAPI_BASE=base, WECOM_OPEN_BASE=base,
               WECOM_LOGIN_BASE=base, DINGTALK_LOGIN_BASE=base, DINGTALK_CORP_ID=emulator.dingtalk.corp_id)
    with sqlite_database.session() as session:
        apply_organisation(session, parse_org_file(SAMPLE_ORG), utcnow())
    app = Flask("board-oauth-emulator-test")
    app.register_blueprint(oauth_blueprint(config.load(env), sqlite_database))
    oauth_http.TOKENS.clear()
    yield app.test_client(), emulator
    oauth_http.TOKENS.clear()
    emulator.stop()


def _sign_in(client, platform: str, who: str, **headers) -> tuple[int, str]:
    """Start at the board, pick ``who`` on the emulator's page, come back: (status, body or Location)."""
    start = client.get(f"/board/login/{platform}", query_string={"next": "/board/stats"}, headers=headers)
    assert start.status_code == 302
    back = requests.get(start.headers["Location"].split("#")[0], params={"as": who}, allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    landing = urlsplit(back.headers["Location"])
    assert f"{landing.scheme}://{landing.netloc}" == PUBLIC and landing.path == f"/board/callback/{platform}"
    answer = client.get(f"{landing.path}?{landing.query}")
    return answer.status_code, answer.headers.get("Location") or answer.get_data(as_text=True)


def _person(client):
    cookie = client.get_cookie(SESSION_COOKIE, path="/board")

    class Request:
        cookies = {SESSION_COOKIE: cookie.value} if cookie else {}

    found = signed_in(Request, SECRET, utcnow())
    return (found.person_id, found.via) if found else None


@pytest.mark.parametrize(("platform", "who", "person"), [("wecom", "ligs", "p-li"), ("dingtalk", "0523", "p-sun")])
def test_qr_login_through_the_emulator(signin, platform, who, person):
    client, _ = signin
    assert _sign_in(client, platform, who) == (302, "/board/stats")
    assert _person(client) == (person, platform)


def test_wecom_web_authorisation_through_the_emulator(signin):
    client, _ = signin
    status, where = _sign_in(client, "wecom", "zhouks", **{"User-Agent": "Mozilla/5.0 wxwork/4.1.22 MicroMessenger"})
    assert (status, where) == (302, "/board/stats") and _person(client) == ("p-zhou", "wecom")


def test_wecom_outsider_is_refused(signin):
    client, _ = signin
    status, body = _sign_in(client, "wecom", "@outsider")
    assert status == 403 and "您不在本系统的人员名单中" in body and _person(client) is None


def test_dingtalk_in_app_code_from_the_emulator(signin):
    client, emulator = signin
    page = client.get("/board/login/dingtalk?inapp=1").get_data(as_text=True)
    state = page.split("state=")[1].split('"')[0]
    corp = emulator.dingtalk.corp_id
    code = requests.get(f"{emulator.url}/_emulator/dingtalk/oauth/authcode", params={"corpId": corp, "user": "0524"},
                        timeout=5).json()["code"]
    answer = client.get("/board/callback/dingtalk", query_string={"code": code, "inapp": "1", "state": state})
    assert answer.status_code == 302 and _person(client) == ("p-li", "dingtalk")
    page = client.get("/board/login/dingtalk?inapp=1").get_data(as_text=True)  # the code is single-use
    state = page.split("state=")[1].split('"')[0]
    answer = client.get("/board/callback/dingtalk", query_string={"code": code, "inapp": "1", "state": state})
    assert answer.status_code == 502 and "登录凭证无效" in answer.get_data(as_text=True)
