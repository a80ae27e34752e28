"""WeCom sign-in for the board: the two authorisation links and the code exchange (docs/board.md §Sign-in).

- In the WeCom client (User-Agent with ``wxwork``), web authorisation (网页授权登录):
  ``{WECOM_OPEN_BASE}/connect/oauth2/authorize?appid=CORPID&redirect_uri=…&response_type=code&scope=snsapi_base
  &state=…&agentid=AGENTID#wechat_redirect``.
- In any other browser, the WeCom Web login (企业微信Web登录, QR code):
  ``{WECOM_LOGIN_BASE}/wwlogin/sso/login?login_type=CorpApp&appid=CORPID&agentid=AGENTID&redirect_uri=…&state=…``.
- Both come back as ``redirect_uri?code=CODE&state=STATE``; the server exchanges the code with
  ``GET {WECOM_API_BASE}/cgi-bin/auth/getuserinfo?access_token=…&code=…`` for ``userid`` (a member) or
  ``openid`` (not a member). The code is single-use and valid five minutes (errcode 40029 otherwise).
The access token is the self-built app's (``gettoken`` with WECOM_CORP_ID / WECOM_SECRET), cached here.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from bot.board.oauth_http import SignInError, base_url, call_json, errcode, with_app_token

PLATFORM = "企业微信"
INVALID_CODE = 40029  # 不合法的oauth_code
UA_MARK = "wxwork/"  # the WeCom client's product token in its User-Agent (wxwork/4.1.22)


def configured(settings) -> bool:
    """Whether the self-built app's credentials are set (the sign-in needs the corp id, agent id and secret)."""
    return all(settings.get(name) for name in ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET"))


def in_client(user_agent: str) -> bool:
    """Whether the page is open inside the WeCom client (its User-Agent carries ``wxwork/<version>``)."""
    return UA_MARK in (user_agent or "").lower()


def authorize_url(settings, redirect_uri: str, state: str, client: bool) -> str:
    """The link that starts the sign-in: web authorisation inside the client, else the QR login."""
    if client:
        query = urlencode({"appid": settings.get("WECOM_CORP_ID"), "redirect_uri": redirect_uri,
                           "response_type": "code", "scope": "snsapi_base", "state": state,
                           "agentid": settings.get("WECOM_AGENT_ID")}, quote_via=quote)
        return f"{base_url(settings, 'WECOM_OPEN_BASE')}/connect/oauth2/authorize?{query}#wechat_redirect"
    query = urlencode({"login_type": "CorpApp", "appid": settings.get("WECOM_CORP_ID"),
                       "agentid": settings.get("WECOM_AGENT_ID"), "redirect_uri": redirect_uri, "state": state},
                      quote_via=quote)
    return f"{base_url(settings, 'WECOM_LOGIN_BASE')}/wwlogin/sso/login?{query}"


def user_id(settings, code: str) -> str | None:
    """The WeCom userid the code was issued for; None when the visitor is not a member (``openid`` only).
    Raises SignInError for an invalid or used code and for any failure of the platform."""
    key = ("wecom", base_url(settings, "WECOM_API_BASE"), settings.get("WECOM_CORP_ID"))
    body = with_app_token(key, lambda: _token(settings), lambda token: call_json(
        "GET", f"{base_url(settings, 'WECOM_API_BASE')}/cgi-bin/auth/getuserinfo", PLATFORM,
        params={"access_token": token, "code": code})[1])
    err = errcode(body)
    if err == INVALID_CODE:
        raise SignInError("登录凭证无效或已使用（有效期 5 分钟，只能使用一次），请重新登录。",
                          f"wecom getuserinfo: errcode 40029 {body.get('errmsg', '')}")
    if err != 0:
        raise SignInError(f"企业微信拒绝了登录（错误码 {err}），请重新登录或联系管理员。",
                          f"wecom getuserinfo: errcode {err} {body.get('errmsg', '')}")
    found = body.get("userid") or body.get("UserId")  # the older user/getuserinfo spelled it UserId
    return str(found) if found else None


def _token(settings) -> tuple[str, int]:
    _, body = call_json("GET", f"{base_url(settings, 'WECOM_API_BASE')}/cgi-bin/gettoken", PLATFORM,
                        params={"corpid": settings.get("WECOM_CORP_ID"), "corpsecret": settings.get("WECOM_SECRET")})
    err = errcode(body)
    if err != 0 or not body.get("access_token"):
        raise SignInError("本系统的企业微信应用配置有误，暂时无法登录，请联系管理员。",
                          f"wecom gettoken: errcode {err} {body.get('errmsg', '')}")
    return str(body["access_token"]), int(body.get("expires_in") or 7200)
