"""The board's sign-in through WeCom and DingTalk: ``oauth_blueprint(settings, database)`` (docs/board.md §Sign-in).

``GET /board/login/wecom`` and ``/board/login/dingtalk`` send the browser to the identity provider with a random
``state``, kept with ``next`` in the short signed cookie ``yq_board_oauth`` (10 minutes; the CSRF guard of OAuth);
``GET /board/callback/<platform>`` checks the state, exchanges the code (oauth_wecom / oauth_dingtalk), maps the
platform's userid to the organisation's active person (``Organisation.by_platform_id``) and signs them in
(bot.board.session) before going on to ``next``. Every failure is a Chinese page, never a 500.

WeCom: web authorisation inside the WeCom client (User-Agent ``wxwork``), else the QR login. DingTalk: the QR
login, or (``?inapp=1`` or a DingTalk User-Agent) a page running the JSAPI's ``requestAuthCode``.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from urllib.parse import quote

from flask import Blueprint, make_response, redirect, render_template, request
from itsdangerous import BadSignature

from bot.board import oauth_dingtalk, oauth_wecom
from bot.board.oauth_http import SignInError
from bot.board.session import serializer, sign_in
from bot.board.state import safe_next
from bot.core.clock import utcnow
from bot.store.org_repo import read_organisation

log = logging.getLogger(__name__)

STATE_COOKIE = "yq_board_oauth"
STATE_LIFETIME = 600  # seconds between leaving for the identity provider and coming back
COOKIE_PATH = "/board"
NAMES = {"wecom": "企业微信", "dingtalk": "钉钉"}
_STATE_SALT = "yq-board-oauth-state"  # the session module's signer, apart from the session cookie


def oauth_blueprint(settings, database) -> Blueprint:
    """The four sign-in routes, for the app's settings and database."""
    secret = settings.get("BOARD_SECRET_KEY")
    if not secret:
        raise ValueError("the board's sign-in needs BOARD_SECRET_KEY")
    bp = Blueprint("board_oauth", __name__, template_folder="templates")

    @bp.get("/board/login/wecom")
    def login_wecom():
        if not oauth_wecom.configured(settings):
            return _not_configured("wecom")
        state, cookie = _new_state(secret, "wecom", request.args.get("next", ""))
        client = oauth_wecom.in_client(request.headers.get("User-Agent", ""))
        url = oauth_wecom.authorize_url(settings, _callback_url(settings, "wecom"), state, client)
        return _with_state(redirect(url), cookie, _secure(settings))

    @bp.get("/board/login/dingtalk")
    def login_dingtalk():
        if not oauth_dingtalk.configured(settings):
            return _not_configured("dingtalk")
        state, cookie = _new_state(secret, "dingtalk", request.args.get("next", ""))
        in_client = oauth_dingtalk.in_client(request.headers.get("User-Agent", ""))
        if request.args.get("inapp", "1" if in_client else "0") == "1":
            html = render_template("oauth_dingtalk_inapp.html", jsapi=oauth_dingtalk.jsapi_url(settings),
                                   corp_id=settings.get("DINGTALK_CORP_ID"),
                                   client_id=settings.get("DINGTALK_APP_KEY"),
                                   callback=f"/board/callback/dingtalk?inapp=1&state={state}",
                                   qr_login="/board/login/dingtalk?inapp=0&next="
                                   + quote(safe_next(request.args.get("next")), safe="/"))
            return _with_state(make_response(html), cookie, _secure(settings))
        url = oauth_dingtalk.authorize_url(settings, _callback_url(settings, "dingtalk"), state)
        return _with_state(redirect(url), cookie, _secure(settings))

    @bp.get("/board/callback/wecom")
    def callback_wecom():
        return _callback(settings, database, secret, "wecom", request.args.get("code", ""), oauth_wecom.user_id)

    @bp.get("/board/callback/dingtalk")
    def callback_dingtalk():
        code = request.args.get("authCode") or request.args.get("code") or ""
        in_app = request.args.get("inapp") == "1"
        exchange = oauth_dingtalk.user_id_in_app if in_app else oauth_dingtalk.user_id_from_qr
        return _callback(settings, database, secret, "dingtalk", code, exchange)

    return bp


def _callback(settings, database, secret: str, platform: str, code: str, exchange):
    """Check the state, exchange ``code`` (``exchange(settings, code)`` gives the platform's userid) and sign the
    person in."""
    name = NAMES[platform]
    kept = _read_state(secret, request.cookies.get(STATE_COOKIE, ""))
    given = request.args.get("state", "")
    if kept is None or kept["p"] != platform or not given or not hmac.compare_digest(kept["s"], given):
        log.warning("board sign-in via %s refused: state missing, expired or not this browser's", platform)
        return _page("登录请求已失效", "登录请求已过期或不是从本页面发起的，请重新登录。", 400)
    if request.args.get("error") or not code:
        return _page("未完成授权", f"您没有在{name}中确认登录，请重新登录。", 400, clear=True)
    try:
        user = exchange(settings, code)
    except SignInError as exc:
        log.warning("board sign-in via %s failed: %s", platform, exc.detail)
        return _page("登录失败", exc.message, 502, clear=True)
    with database.session() as session:
        org = read_organisation(session)
    person = org.by_platform_id(platform, user) if user else None
    if person is None:
        log.warning("board sign-in via %s refused: %s user %r is no active person of the organisation",
                    platform, platform, user)
        who = f"（{name}账号 {user}）" if user else ""
        return _page("无法登录", f"您不在本系统的人员名单中{who}，请联系舆情工作台。", 403, clear=True)
    response = redirect(kept["n"])
    sign_in(response, secret, person.id, platform, utcnow(), _secure(settings))
    response.delete_cookie(STATE_COOKIE, path=COOKIE_PATH)
    log.info("board sign-in: %s via %s", person.id, platform)
    return response


def _callback_url(settings, platform: str) -> str:
    """The redirect_uri: on PUBLIC_BASE_URL, whose host is the apps' trusted domain (可信域名 / 回调域名)."""
    return f"{settings.get('PUBLIC_BASE_URL').rstrip('/')}/board/callback/{platform}"


def _new_state(secret: str, platform: str, next_path: str) -> tuple[str, str]:
    """A fresh state (letters and digits, as WeCom asks) and the signed cookie value that keeps it."""
    state = secrets.token_hex(16)
    data = {"s": state, "p": platform, "n": safe_next(next_path), "e": int(time.time()) + STATE_LIFETIME}
    return state, serializer(secret, _STATE_SALT).dumps(data)


def _read_state(secret: str, cookie: str) -> dict | None:
    """The kept state, or None when the cookie is missing, forged or older than STATE_LIFETIME."""
    try:
        data = serializer(secret, _STATE_SALT).loads(cookie)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("s", "p", "n")):
        return None
    if not isinstance(data.get("e"), int) or data["e"] < time.time():
        return None
    data["n"] = safe_next(data["n"])
    return data


def _secure(settings) -> bool:
    """Whether cookies are Secure: the request came over https, or the board's public address is https (behind a
    TLS-terminating proxy the request itself is plain http)."""
    return request.is_secure or settings.get("PUBLIC_BASE_URL").lower().startswith("https://")


def _with_state(response, cookie: str, secure: bool):
    response.set_cookie(STATE_COOKIE, cookie, max_age=STATE_LIFETIME, path=COOKIE_PATH, httponly=True,
                        samesite="Lax", secure=secure)
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_configured(platform: str):
    name = NAMES[platform]
    return _page(f"{name}登录未开通", f"本系统未配置{name}应用，请使用其他方式登录。", 404)


def _page(title: str, message: str, status: int, clear: bool = False):
    response = make_response(render_template("oauth_message.html", title=title, message=message), status)
    response.headers["Cache-Control"] = "no-store"
    if clear:
        response.delete_cookie(STATE_COOKIE, path=COOKIE_PATH)
    return response
