"""DingTalk sign-in for the board: the QR login link, the in-app free login, and the exchanges
(docs/board.md §Sign-in).

- Browser (登录第三方网站, QR): ``{DINGTALK_LOGIN_BASE}/oauth2/auth?redirect_uri=…&response_type=code&client_id=APPKEY
  &scope=openid&state=…&prompt=consent`` → ``redirect_uri?authCode=CODE&state=STATE`` (``code`` accepted too).
  Exchange: ``POST {API}/v1.0/oauth2/userAccessToken`` → the user's token; ``GET {API}/v1.0/contact/users/me``
  (header ``x-acs-dingtalk-access-token``) → ``unionId``; ``POST {OAPI}/topapi/user/getbyunionid`` → ``userid``.
- In the DingTalk client (企业内部应用免登): the page runs ``dd.runtime.permission.requestAuthCode({corpId})`` and
  sends the code to the callback with ``inapp=1``; ``POST {OAPI}/topapi/v2/user/getuserinfo`` → ``userid``.
The old API's access token is the app's (``GET {OAPI}/gettoken?appkey=&appsecret=``), cached here.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from bot.board.oauth_http import SignInError, base_url, call_json, errcode, with_app_token

PLATFORM = "钉钉"
NOT_IN_ORG = (60121, 60011)  # 找不到该用户 / 无权限获取该用户 (the unionId is nobody of this organisation)
UA_MARKS = ("dingtalk/", "dingtalk(")  # the client's product token in its User-Agent
JSAPI_DEFAULT = "https://g.alicdn.com/dingding/dingtalk-jsapi/3.0.25/dingtalk.open.js"


def configured(settings) -> bool:
    """Whether the app's key and secret are set."""
    return bool(settings.get("DINGTALK_APP_KEY") and settings.get("DINGTALK_APP_SECRET"))


def in_client(user_agent: str) -> bool:
    """Whether the page is open inside the DingTalk client: its User-Agent carries ``DingTalk/7.6.0`` (mobile,
    ``AliApp(DingTalk/…)``) or ``DingTalk(7.6.0)`` (desktop)."""
    agent = (user_agent or "").lower()
    return any(mark in agent for mark in UA_MARKS)


def authorize_url(settings, redirect_uri: str, state: str) -> str:
    """The QR login link."""
    query = urlencode({"redirect_uri": redirect_uri, "response_type": "code",
                       "client_id": settings.get("DINGTALK_APP_KEY"), "scope": "openid", "state": state,
                       "prompt": "consent"}, quote_via=quote)
    return f"{base_url(settings, 'DINGTALK_LOGIN_BASE')}/oauth2/auth?{query}"


def jsapi_url(settings) -> str:
    """Where the in-app page loads DingTalk's JSAPI from (DINGTALK_JSAPI_URL; the emulator serves a stand-in)."""
    return settings.get("DINGTALK_JSAPI_URL") or JSAPI_DEFAULT


def user_id_from_qr(settings, code: str) -> str | None:
    """The DingTalk userid behind a QR login's authCode; None when the person is not in the organisation."""
    api = base_url(settings, "DINGTALK_API_BASE")
    status, body = call_json("POST", f"{api}/v1.0/oauth2/userAccessToken", PLATFORM, json={
        "clientId": settings.get("DINGTALK_APP_KEY"), "clientSecret": settings.get("DINGTALK_APP_SECRET"),
        "code": code, "grantType": "authorization_code"})
    if status != 200 or not body.get("accessToken"):
        raise SignInError("登录凭证无效或已使用（只能使用一次），请重新登录。",
                          f"dingtalk userAccessToken: HTTP {status} {body.get('code', '')} {body.get('message', '')}")
    status, me = call_json("GET", f"{api}/v1.0/contact/users/me", PLATFORM,
                           headers={"x-acs-dingtalk-access-token": str(body["accessToken"])})
    if status != 200 or not me.get("unionId"):
        raise SignInError("钉钉未返回您的身份，请重新登录。",
                          f"dingtalk users/me: HTTP {status} {me.get('code', '')} {me.get('message', '')}")
    result = _oapi(settings, "/topapi/user/getbyunionid", {"unionid": str(me["unionId"])}, quiet=NOT_IN_ORG)
    found = (result or {}).get("userid")
    return str(found) if found else None


def user_id_in_app(settings, code: str) -> str | None:
    """The DingTalk userid behind an in-app free-login code (``requestAuthCode``)."""
    result = _oapi(settings, "/topapi/v2/user/getuserinfo", {"code": code}, invalid_code=True)
    found = (result or {}).get("userid")
    return str(found) if found else None


def _oapi(settings, path: str, payload: dict, quiet: tuple = (), invalid_code: bool = False) -> dict | None:
    """``result`` of an old-API call with the app's token; None for an errcode in ``quiet``."""
    oapi = base_url(settings, "DINGTALK_OAPI_BASE")
    key = ("dingtalk", oapi, settings.get("DINGTALK_APP_KEY"))
    body = with_app_token(key, lambda: _token(settings), lambda token: call_json(
        "POST", f"{oapi}{path}", PLATFORM, params={"access_token": token}, json=payload)[1])
    err = errcode(body)
    if err == 0:
        return body.get("result") if isinstance(body.get("result"), dict) else {}
    if err in quiet:
        return None
    if invalid_code:
        raise SignInError("登录凭证无效或已使用（有效期 5 分钟，只能使用一次），请重新登录。",
                          f"dingtalk {path}: errcode {err} {body.get('errmsg', '')}")
    raise SignInError(f"钉钉拒绝了登录（错误码 {err}），请重新登录或联系管理员。",
                      f"dingtalk {path}: errcode {err} {body.get('errmsg', '')}")


def _token(settings) -> tuple[str, int]:
    _, body = call_json("GET", f"{base_url(settings, 'DINGTALK_OAPI_BASE')}/gettoken", PLATFORM,
                        params={"appkey": settings.get("DINGTALK_APP_KEY"),
                                "appsecret": settings.get("DINGTALK_APP_SECRET")})
    if errcode(body) != 0 or not body.get("access_token"):
        raise SignInError("本系统的钉钉应用配置有误，暂时无法登录，请联系管理员。",
                          f"dingtalk gettoken: errcode {errcode(body)} {body.get('errmsg', '')}")
    return str(body["access_token"]), int(body.get("expires_in") or 7200)
