"""WeCom as an identity provider: web authorisation inside the WeCom client
(``/connect/oauth2/authorize``), the QR Web login in a browser (``/wwlogin/sso/login``), and the code
exchange ``GET /cgi-bin/auth/getuserinfo``.

Written from the official pages (sources in docs/emulator-wecom.md, "Sign-in"):
* 构造网页授权链接 (developer.work.weixin.qq.com/document/path/96441, 91022): appid = CorpID, redirect_uri,
  response_type=code, scope snsapi_base | snsapi_privateinfo, state, agentid; the person lands on
  ``redirect_uri?code=CODE&state=STATE``;
* 企业微信Web登录 (98171): login_type CorpApp, appid, agentid, redirect_uri, state, lang;
* 获取访问用户身份 / 获取用户登录身份 (91023, 98177): a code is single-use and expires after 5 minutes
  (40029 "invalid code"); a member answers ``userid``, a non-member ``openid``; the redirect's domain must be
  the app's trusted domain (可信域名), else 50001.

The emulator has no person "in the client": its pages list the directory's people as buttons (a POST form), and
``?as=USERID`` on the GET answers at once, for tests without a browser.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Blueprint, Response, redirect, request

from bot.emulator.wecom import errcodes, oauth_pages
from bot.emulator.redirects import is_trusted, places, sent_back
from bot.emulator.wecom.errcodes import WeComError

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator

CODE_TTL = 300  # "code只能使用一次，5分钟未被使用自动过期"
USER_TICKET_TTL = 1800
SCOPES = ("snsapi_base", "snsapi_privateinfo")
STATE_MAX = 128  # "长度不可超过128个字节"
OUTSIDER = "@outsider"  # the page's button (and ?as=) for someone who is not a member of the org



@dataclass
class LoginCode:
    """One code handed to a browser: who signed in, how, and until when it may be exchanged."""

    userid: str  # "" for a non-member
    openid: str
    scope: str
    flow: str  # "oauth2" (inside the client) or "sso" (QR login)
    redirect_uri: str
    expires_at: float
    used: bool = False


class OAuthState:
    """The codes issued by the sign-in pages and the trusted domains redirects may go to.

    ``trusted_domains``: ``None`` (default) trusts the host (and port, when given) of the ``PUBLIC_BASE_URL``
    the emulator was given and of its ``bot_url``; a list replaces that (entries ``host`` or ``host:port``).
    """

    def __init__(self, emu: WeComEmulator) -> None:
        self.emu = emu
        self.trusted_domains: list[str] | None = None
        self.codes: dict[str, LoginCode] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget every code; trust the default domains again."""
        with self._lock:
            self.codes.clear()
        self.trusted_domains = None

    # --- the trusted domain (可信域名) -------------------------------------------------------
    def trusted(self, redirect_uri: str) -> bool:
        """Whether ``redirect_uri`` is an http(s) URL on a trusted domain (an entry without a port: any port)."""
        allowed = places(self.trusted_domains, self.emu.env.get("PUBLIC_BASE_URL", ""), self.emu.bot_url)
        return is_trusted(redirect_uri, allowed)

    # --- codes --------------------------------------------------------------------------
    def issue(self, who: str, scope: str, flow: str, redirect_uri: str) -> str:
        """A fresh code for ``who`` (a userid of the directory, or OUTSIDER)."""
        code = secrets.token_urlsafe(32)
        member = who != OUTSIDER
        entry = LoginCode(who if member else "", "" if member else openid_for(code), scope, flow, redirect_uri,
                          self.emu.clock.now() + CODE_TTL)
        with self._lock:
            self.codes[code] = entry
        return code

    def take(self, code: str | None) -> LoginCode:
        """The code's entry, now used up; raises WeComError 41008 (none) or 40029 (unknown, used, expired)."""
        if not code:
            raise WeComError(errcodes.MISSING_OAUTH_CODE)
        with self._lock:
            entry = self.codes.get(code)
            if entry is None or entry.used or entry.expires_at <= self.emu.clock.now():
                raise WeComError(errcodes.INVALID_OAUTH_CODE)
            entry.used = True
        if not self.trusted(entry.redirect_uri):  # the trusted domains changed since the code was issued
            raise WeComError(errcodes.REDIRECT_URI_UNAUTHORIZED)
        return entry

    def getuserinfo(self, code: str | None) -> dict:
        """The answer of ``cgi-bin/auth/getuserinfo`` (the token already checked)."""
        entry = self.take(code)
        if not entry.userid:
            return {"errcode": 0, "errmsg": "ok", "openid": entry.openid}
        answer = {"errcode": 0, "errmsg": "ok", "userid": entry.userid}
        if entry.scope == "snsapi_privateinfo" and entry.flow == "oauth2":
            answer.update(user_ticket=secrets.token_urlsafe(48), expires_in=USER_TICKET_TTL)
        return answer


def openid_for(seed: str) -> str:
    """A non-member's openid (stable per code here: the emulator knows no WeChat users)."""
    return "o" + hashlib.sha256(seed.encode()).hexdigest()[:27]


class SignInRefused(Exception):
    """A sign-in request WeCom answers with its error page: ``code`` and the page's text."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code, self.text = code, text


def check_common(emu: WeComEmulator, args) -> None:
    """appid, redirect_uri and state, as both sign-in pages check them."""
    if args.get("appid", "") != emu.corp_id or not emu.corp_id:
        raise SignInRefused(errcodes.INVALID_CORPID, "invalid corpid：appid 须为企业的 CorpID")
    if not args.get("redirect_uri"):
        raise SignInRefused(errcodes.INVALID_PARAMETER, "缺少 redirect_uri 参数")
    if not emu.oauth.trusted(args["redirect_uri"]):
        raise SignInRefused(errcodes.REDIRECT_URI_UNAUTHORIZED, "redirect_uri 需使用应用可信域名")
    if len(args.get("state", "").encode()) > STATE_MAX:
        raise SignInRefused(errcodes.INVALID_PARAMETER, "state 长度不可超过128个字节")


def check_authorize(emu: WeComEmulator, args) -> None:
    """``/connect/oauth2/authorize``: response_type=code, a known scope, agentid (required for privateinfo)."""
    check_common(emu, args)
    if args.get("response_type") != "code":
        raise SignInRefused(errcodes.INVALID_PARAMETER, "response_type 固定为 code")
    if args.get("scope") not in SCOPES:
        raise SignInRefused(errcodes.INVALID_PARAMETER, "scope 须为 snsapi_base 或 snsapi_privateinfo")
    agentid = args.get("agentid", "")
    if args["scope"] == "snsapi_privateinfo" and not agentid:
        raise SignInRefused(errcodes.MISSING_AGENTID, "scope 为 snsapi_privateinfo 时 agentid 必填")
    if agentid and agentid != emu.agent_id:
        raise SignInRefused(errcodes.INVALID_AGENTID, "invalid agentid：无效的应用 agentid")


def check_sso(emu: WeComEmulator, args) -> None:
    """``/wwlogin/sso/login``: login_type CorpApp (the only kind a self-built app has) and its agentid."""
    if args.get("login_type") != "CorpApp":
        raise SignInRefused(errcodes.INVALID_PARAMETER, "login_type 须为 CorpApp（企业自建应用）")
    check_common(emu, args)
    if not args.get("agentid"):
        raise SignInRefused(errcodes.MISSING_AGENTID, "login_type=CorpApp 时 agentid 必填")
    if args["agentid"] != emu.agent_id:
        raise SignInRefused(errcodes.INVALID_AGENTID, "invalid agentid：无效的应用 agentid")


def pages_blueprint(emu: WeComEmulator) -> Blueprint:
    """The sign-in pages: ``/connect/oauth2/authorize`` and ``/wwlogin/sso/login`` (GET shows, POST picks)."""
    bp = Blueprint("wecom_oauth", __name__)

    def page(flow: str) -> Response:
        args = request.args.to_dict()
        try:
            (check_authorize if flow == "oauth2" else check_sso)(emu, args)
        except SignInRefused as err:
            return oauth_pages.error_page(err.code, err.text)
        who = request.form.get("userid") if request.method == "POST" else request.args.get("as")
        if who:
            if who != OUTSIDER and who not in emu.directory.wecom_users:
                return oauth_pages.error_page(errcodes.INVALID_PARAMETER, f"成员 {who} 不存在")
            code = emu.oauth.issue(who, args.get("scope", "snsapi_base"), flow, args["redirect_uri"])
            return redirect(sent_back(args["redirect_uri"], [("code", code), ("state", args.get("state", ""))]), 302)
        return oauth_pages.people_page(flow, sorted(emu.directory.wecom_users.items()), OUTSIDER)

    bp.add_url_rule("/connect/oauth2/authorize", "authorize", lambda: page("oauth2"), methods=["GET", "POST"])
    bp.add_url_rule("/wwlogin/sso/login", "sso_login", lambda: page("sso"), methods=["GET", "POST"])
    return bp


def add_api_routes(bp: Blueprint, emu: WeComEmulator, answer) -> None:
    """``GET /cgi-bin/auth/getuserinfo?access_token=&code=`` on the API blueprint (its faults and log apply):
    the token checked as for every call (41001/40014/42001), then the code (41008/40029/50001)."""
    def getuserinfo() -> Response:
        def run() -> dict:
            emu.tokens.check(request.args.get("access_token"))
            return emu.oauth.getuserinfo(request.args.get("code"))
        return answer(emu, run)

    bp.add_url_rule("/auth/getuserinfo", "auth_getuserinfo", getuserinfo, methods=["GET"])
