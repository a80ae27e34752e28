"""DingTalk as an identity provider: the browser login (``/oauth2/auth`` on login.dingtalk.com), the user
token and profile of the new API (``POST /v1.0/oauth2/userAccessToken``, ``GET /v1.0/contact/users/me``),
the old API's ``POST /topapi/user/getbyunionid`` and ``POST /topapi/v2/user/getuserinfo`` (in-app codes), and
a stand-in for the client's JSAPI (``/dingtalk-jsapi.js``: ``dd.runtime.permission.requestAuthCode``) — the
pages and the JSAPI routes are in ``oauth_login``.

Sources (docs/emulator-dingtalk.md, "Sign-in"): 登录第三方网站 (login.dingtalk.com/oauth2/auth: redirect_uri,
response_type=code, client_id = AppKey, scope openid [corpid], state, prompt=consent; the redirect carries
``authCode`` and ``state``); 获取用户token (clientId, clientSecret, code, grantType); 获取用户通讯录个人信息
(users/me, the user token in ``x-acs-dingtalk-access-token``); 根据unionid获取用户userid (result.userid,
contact_type); 企业内部应用免登 / 通过免登码获取用户信息 (result.userid, name, unionid, …; a code is valid
5 minutes and usable once — dingtalk-jsapi's typings); 40078 不存在的临时授权码 (the global error table).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass
from functools import partial

from flask import Blueprint, jsonify, request

from bot.emulator.dingtalk import gate
from bot.emulator.dingtalk.errors import ApiError, OapiError, request_id
from bot.emulator.redirects import is_trusted, places

__all__ = ["OAuthBook", "union_id", "api_routes", "oapi_routes", "CODE_TTL", "SCOPES"]

CODE_TTL = 300  # the JSAPI code: "5分钟有效，且只能使用一次"; the browser authCode's life is not documented
USER_TOKEN_TTL = 7200
SCOPES = {"openid", "corpid"}
UNKNOWN_CODE = OapiError(40078, "不存在的临时授权码")


def union_id(userid: str) -> str:
    """A person's unionId: stable, derived from the userid (DingTalk's are opaque strings like this one)."""
    digest = base64.b64encode(hashlib.sha256(f"dingtalk-union:{userid}".encode()).digest()).decode()
    return "".join(c for c in digest if c.isalnum())[:24] + "iEiE"


@dataclass
class Grant:
    """A code (browser or in-app) or a user token, for one person."""

    userid: str
    expires_at: float
    scope: str = "openid"
    used: bool = False


class OAuthBook:
    """Codes, user tokens and the person "in the client" (whose JSAPI asks for in-app codes).

    ``trusted_hosts``: ``None`` (default) accepts redirects to the host (and port) of the ``PUBLIC_BASE_URL`` the
    emulator was given and of its ``bot_url`` (DingTalk checks the registered 回调域名); a list replaces that.
    """

    def __init__(self, emu) -> None:
        self.emu = emu
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget every code and token; nobody in the client; default trusted hosts."""
        with self._lock:
            self.login_codes: dict[str, Grant] = {}
            self.inapp_codes: dict[str, Grant] = {}
            self.tokens: dict[str, Grant] = {}
            self.refresh_tokens: dict[str, Grant] = {}
        self.in_client: str | None = None
        self.trusted_hosts: list[str] | None = None

    def trusted(self, redirect_uri: str) -> bool:
        """Whether ``redirect_uri`` is an http(s) URL on a trusted host (an entry without a port: any port)."""
        allowed = places(self.trusted_hosts, self.emu.env.get("PUBLIC_BASE_URL", ""), self.emu.bot_url)
        return is_trusted(redirect_uri, allowed)

    def _issue(self, book: dict, userid: str, ttl: float, scope: str = "openid") -> str:
        value = secrets.token_hex(16)
        with self._lock:
            book[value] = Grant(userid, self.emu.now() + ttl, scope)
        return value

    def _take(self, book: dict, value: str) -> Grant | None:
        with self._lock:
            grant = book.get(value or "")
            if grant is None or grant.used or grant.expires_at <= self.emu.now():
                return None
            grant.used = True
            return grant

    def login_code(self, userid: str, scope: str) -> str:
        """A browser login's authCode for ``userid``."""
        return self._issue(self.login_codes, userid, CODE_TTL, scope)

    def inapp_code(self, userid: str) -> str:
        """An in-app (JSAPI requestAuthCode) code for ``userid``."""
        return self._issue(self.inapp_codes, userid, CODE_TTL)

    def take_inapp(self, code: str) -> Grant | None:
        """The in-app code's grant, used up; None when unknown, used or expired."""
        return self._take(self.inapp_codes, code)

    def user_token(self, body: dict) -> dict:
        """The answer of ``userAccessToken`` for an authorization_code or refresh_token grant."""
        grant_type = body.get("grantType")
        if grant_type == "authorization_code":
            if not body.get("code"):
                raise ApiError(400, "MissingCode", "code is mandatory for this action.")
            grant = self._take(self.login_codes, body["code"])
        elif grant_type == "refresh_token":
            if not body.get("refreshToken"):
                raise ApiError(400, "MissingRefreshToken", "refreshToken is mandatory for this action.")
            grant = self._take(self.refresh_tokens, body["refreshToken"])
        else:
            raise ApiError(400, "invalidParameter.grantType", "grantType须为authorization_code或refresh_token")
        if grant is None:
            raise ApiError(400, "invalidAuthCode" if grant_type == "authorization_code" else "invalidRefreshToken",
                           "不合法的临时授权码" if grant_type == "authorization_code" else "不合法的refreshToken")
        token = self._issue(self.tokens, grant.userid, USER_TOKEN_TTL, grant.scope)
        refresh = self._issue(self.refresh_tokens, grant.userid, 30 * 86400, grant.scope)
        answer = {"accessToken": token, "refreshToken": refresh, "expireIn": USER_TOKEN_TTL}
        if "corpid" in grant.scope.split():
            answer["corpId"] = self.emu.corp_id
        return answer

    def token_owner(self, token: str) -> str | None:
        """The userid a live user token belongs to, or None."""
        with self._lock:
            grant = self.tokens.get(token or "")
            return grant.userid if grant and grant.expires_at > self.emu.now() else None


# --- the API routes (nested in the api / oapi blueprints: their faults, token checks and error shapes) ---------
def user_access_token(emu):
    """``POST /v1.0/oauth2/userAccessToken``: ``{clientId, clientSecret, code|refreshToken, grantType}``."""
    body = gate.json_body()
    if body is None:
        raise ApiError(400, "InvalidParameter", "body必须是JSON")
    for field in ("clientId", "clientSecret"):
        if not body.get(field):
            raise ApiError(400, f"Missing{field}", f"{field} is mandatory for this action.")
    if body["clientId"] != emu.app_key or body["clientSecret"] != emu.app_secret:
        raise ApiError(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
    return jsonify(emu.oauth.user_token(body))


def users_me(emu):
    """``GET /v1.0/contact/users/me``: the signed-in person's profile; the *user* token in the header."""
    token = request.headers.get("x-acs-dingtalk-access-token", "")
    if not token:
        raise ApiError(400, "AuthenticationFailed.MissingParameter", "缺少参数：x-acs-dingtalk-access-token")
    userid = emu.oauth.token_owner(token)
    if userid is None:
        raise ApiError(400, "InvalidAuthentication", "不合法的access_token")
    return jsonify(nick=emu.directory.dingtalk_users.get(userid, ""), unionId=union_id(userid),
                   openId=union_id(f"open:{userid}"), avatarUrl="", stateCode="86")


def getbyunionid(emu):
    """``POST /topapi/user/getbyunionid?access_token= {"unionid"}`` → ``result.userid`` (contact_type 0)."""
    gate.check_oapi_token(emu)
    unionid = (gate.json_body() or request.form.to_dict()).get("unionid")
    if not unionid:
        raise OapiError(40035, "缺少参数 unionid")
    userid = next((u for u in emu.directory.dingtalk_users if union_id(u) == unionid), None)
    if userid is None:
        raise OapiError(60121, "找不到该用户")
    return jsonify(errcode=0, errmsg="ok", result={"contact_type": 0, "userid": userid}, request_id=request_id())


def getuserinfo(emu):
    """``POST /topapi/v2/user/getuserinfo?access_token= {"code"}``: who an in-app code belongs to."""
    gate.check_oapi_token(emu)
    code = (gate.json_body() or request.form.to_dict()).get("code")
    if not code:
        raise OapiError(40035, "缺少参数 code")
    grant = emu.oauth.take_inapp(code)
    if grant is None:
        raise UNKNOWN_CODE
    userid = grant.userid
    result = {"userid": userid, "name": emu.directory.dingtalk_users.get(userid, ""), "unionid": union_id(userid),
              "associated_unionid": "", "device_id": hashlib.md5(userid.encode()).hexdigest(),  # noqa: S324
              "sys": False, "sys_level": 0}
    return jsonify(errcode=0, errmsg="ok", result=result, request_id=request_id())


def api_routes(emu) -> Blueprint:
    """Nested in the /v1.0 blueprint."""
    bp = Blueprint("dingtalk_oauth_api", __name__)
    bp.add_url_rule("/oauth2/userAccessToken", "user_access_token", partial(user_access_token, emu),
                    methods=["POST"])
    bp.add_url_rule("/contact/users/me", "users_me", partial(users_me, emu), methods=["GET"])
    return bp


def oapi_routes(emu) -> Blueprint:
    """Nested in the oapi blueprint."""
    bp = Blueprint("dingtalk_oauth_oapi", __name__)
    bp.add_url_rule("/topapi/user/getbyunionid", "getbyunionid", partial(getbyunionid, emu), methods=["POST"])
    bp.add_url_rule("/topapi/v2/user/getuserinfo", "getuserinfo", partial(getuserinfo, emu), methods=["POST"])
    return bp
