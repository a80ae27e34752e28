"""The board in a browser (issue 26): sign-in through the emulated WeCom and DingTalk identity providers, the
list's filters, a case page and its export, and the refusals of anonymous and expired sessions.

A light stack of its own: the emulators and the web app over real HTTP with the board on (BOARD_SECRET_KEY) and
the identity providers' bases pointed at the emulator, as ``yuqing demo`` does — no worker, the board being
read-only (cases are opened through POST /api/v1/cases, synchronously). Screenshots at phone width (390 px)
are kept under var/test-artifacts/<test>/.
"""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from bot import config
from bot.app import create_app
from bot.board.session import SESSION_COOKIE, sign_in
from bot.core.clock import utcnow
from bot.demo import DEMO_ENV
from bot.emulator import Directory, EmulatorServer
from bot.org.file import parse_org_file
from bot.store.org_repo import apply_organisation

SAMPLE_ORG = config.ROOT / "examples" / "org.yaml"
SECRET = "browser-test-board-secret-0123456789"
PHONE = {"width": 390, "height": 844}
CASES = [("网传某小区超市销售过期牛奶", "major"), ("网民反映某餐馆后厨卫生差", "general"),
         ("网传某药店无处方销售抗生素", "sensitive")]


class BoardStack:
    """Emulators + the web app (board on, identity providers = the emulator) over real HTTP."""

    def __init__(self, redis_url: str, database) -> None:
        env = {**DEMO_ENV, "REDIS_URL": redis_url, "DATABASE_URL": "sqlite://", "ORG_FILE": str(SAMPLE_ORG),
               "BOARD_SECRET_KEY": SECRET}
        self.emulator = EmulatorServer(env, Directory.from_org_file(SAMPLE_ORG, env)).start()
        self._web = make_server("127.0.0.1", 0, None, threaded=True)
        self.url = f"http://127.0.0.1:{self._web.server_port}"
        base = self.emulator.url
        env.update(PUBLIC_BASE_URL=self.url, WECOM_API_BASE=base, DINGTALK_API_BASE=base, DINGTALK_OAPI_BASE=base,
                   WECOM_OPEN_BASE=base, WECOM_LOGIN_BASE=base, DINGTALK_LOGIN_BASE=base,
                   DINGTALK_JSAPI_URL=f"{base}/dingtalk-jsapi.js", DINGTALK_CORP_ID=self.emulator.dingtalk.corp_id)
        self.emulator.set_bot_url(self.url)
        with database.session() as session:
            apply_organisation(session, parse_org_file(SAMPLE_ORG), utcnow())
        self._web.app = create_app(config.load(env), database=database)
        threading.Thread(target=self._web.serve_forever, name="board-web", daemon=True).start()
        self.numbers = [self.open_case(i, title, grade) for i, (title, grade) in enumerate(CASES)]

    def open_case(self, n: int, title: str, grade: str) -> str:
        token = DEMO_ENV["API_TOKENS"].split("=")[0]
        answer = requests.post(f"{self.url}/api/v1/cases", timeout=10, headers={"Authorization": f"Bearer {token}"},
                               json={"external_id": f"board-{n}", "title": title, "grade": grade})
        assert answer.status_code == 201, answer.text
        return answer.json()["number"]

    def stop(self) -> None:
        self._web.shutdown()
        self.emulator.stop()


@pytest.fixture
def board(redis_url, sqlite_database):
    running = BoardStack(redis_url, sqlite_database)
    yield running
    running.stop()


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(8000)
    yield context
    context.close()


def test_wecom_sign_in_filter_open_and_export(board, phone, artifacts):
    from docx import Document

    page = phone.new_page()
    page.goto(f"{board.url}/board")
    assert "/board/login" in page.url  # anonymous: the sign-in page first
    page.get_by_role("link", name="企业微信登录").click()
    page.wait_for_url(f"{board.emulator.url}/wwlogin/sso/login**")  # a browser, not the client: the QR login
    page.get_by_text("请使用企业微信扫码").wait_for()
    page.get_by_role("button", name="模拟扫码：李干事").click()
    page.wait_for_url(f"{board.url}/board")
    page.get_by_text("李干事").first.wait_for()
    for number in board.numbers:
        page.get_by_text(number).first.wait_for()
    page.screenshot(path=str(artifacts / "board-list-390.png"), full_page=True)

    page.select_option("select[name=grade]", label="重大舆情")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**grade=**")
    major, general, _ = board.numbers
    page.get_by_text(major).first.wait_for()
    assert page.get_by_text(general).count() == 0

    page.get_by_role("link", name=major).first.click()
    page.wait_for_url(f"{board.url}/board/cases/{major}")
    page.get_by_text(CASES[0][0]).first.wait_for()
    page.screenshot(path=str(artifacts / "board-case-390.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Word（.docx）").click()
    saved = artifacts / f"{major}.docx"
    download.value.save_as(str(saved))
    text = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
    assert major in text


def test_dingtalk_sign_in(board, phone, artifacts):
    page = phone.new_page()
    page.goto(f"{board.url}/board/login")
    page.get_by_role("link", name="钉钉登录").click()
    page.wait_for_url(f"{board.emulator.url}/oauth2/auth**")
    page.get_by_role("button", name="模拟扫码：孙科长").click()
    page.wait_for_url(f"{board.url}/board")
    page.get_by_text("孙科长").first.wait_for()
    page.screenshot(path=str(artifacts / "board-dingtalk-390.png"), full_page=True)


def test_anonymous_is_sent_to_sign_in(board, phone):
    page = phone.new_page()
    major = board.numbers[0]
    page.goto(f"{board.url}/board/cases/{major}")
    assert page.url.startswith(f"{board.url}/board/login?next=")
    assert major in requests.utils.unquote(page.url)
    page.get_by_role("link", name="企业微信登录").wait_for()


def test_an_expired_session_is_sent_to_sign_in(board, phone):
    stale = Response()
    sign_in(stale, SECRET, "p-li", "wecom", utcnow() - timedelta(hours=13), secure=False)
    cookie = SimpleCookie(stale.headers["Set-Cookie"])[SESSION_COOKIE].value
    phone.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "domain": "127.0.0.1", "path": "/board"}])
    page = phone.new_page()
    page.goto(f"{board.url}/board")
    assert page.url.startswith(f"{board.url}/board/login")
    page.get_by_role("link", name="钉钉登录").wait_for()
    fresh = Response()
    sign_in(fresh, SECRET, "p-li", "wecom", utcnow(), secure=False)
    phone.add_cookies([{"name": SESSION_COOKIE, "value": SimpleCookie(fresh.headers["Set-Cookie"])[SESSION_COOKIE].value,
                        "domain": "127.0.0.1", "path": "/board"}])
    page.goto(f"{board.url}/board")
    assert page.url == f"{board.url}/board"  # the same cookie, signed now, is accepted


def test_dingtalk_free_login_inside_the_client(board, phone):
    """The H5 page in the DingTalk client: the JSAPI (the emulator's stand-in) gives a code for the person signed in
    to the client, the page hands it to the callback, and the board signs them in — no button to press."""
    answer = requests.post(f"{board.emulator.url}/_emulator/dingtalk/oauth/in_client", json={"user": "0523"}, timeout=5)
    assert answer.status_code == 200, answer.text
    page = phone.new_page()
    page.goto(f"{board.url}/board/login/dingtalk?inapp=1&next=/board/cases/{board.numbers[0]}")
    page.wait_for_url(f"{board.url}/board/cases/{board.numbers[0]}")
    page.get_by_text("孙科长").first.wait_for()


def test_a_unit_member_is_refused_another_units_confidential_case(board, phone, sqlite_database, artifacts):
    """沈干事 (药品安全监督管理科's liaison) signs in with WeCom and asks for a 涉密 case his unit has no part in:
    the list does not show it, its page is refused saying why, and the refusal is on the case's timeline."""
    from sqlalchemy import select

    from bot.store.cases import CaseRow
    from bot.store.timeline import TimelineRow

    token = DEMO_ENV["API_TOKENS"].split("=")[0]
    answer = requests.post(f"{board.url}/api/v1/cases", timeout=10, headers={"Authorization": f"Bearer {token}"},
                           json={"external_id": "board-secret", "title": "涉密：某食品企业举报材料外泄",
                                 "grade": "major", "confidential": True})
    assert answer.status_code == 201, answer.text
    secret = answer.json()["number"]
    page = phone.new_page()
    page.goto(f"{board.url}/board/login/wecom")
    page.get_by_role("button", name="模拟扫码：沈干事").click()
    page.wait_for_url(f"{board.url}/board")
    page.get_by_text("沈干事").first.wait_for()
    assert page.get_by_text(secret).count() == 0 and page.get_by_text("材料外泄").count() == 0
    shown = page.goto(f"{board.url}/board/cases/{secret}")
    assert shown.status == 403
    page.get_by_text(f"{secret} 为涉密案件，您不在知悉范围内，无法查看。").wait_for()
    assert page.get_by_text("材料外泄").count() == 0
    page.screenshot(path=str(artifacts / "board-refused-390.png"), full_page=True)
    with sqlite_database.session() as session:
        case_id = session.scalar(select(CaseRow.id).where(CaseRow.number == secret))
        last = session.scalars(select(TimelineRow).where(TimelineRow.case_id == case_id)
                               .order_by(TimelineRow.seq.desc())).first()
    assert (last.action, last.actor) == ("case.view_refused", "p-shen")
