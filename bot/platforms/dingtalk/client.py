"""HTTP to DingTalk with ``requests``: both API families, their tokens and their error shapes.

Owns: the old API (``DINGTALK_OAPI_BASE``; token in ``?access_token=``; errors as HTTP 200 +
``errcode``), the new API (``DINGTALK_API_BASE``; token in ``x-acs-dingtalk-access-token``;
errors as 4xx/5xx + ``{code, message}``), the robot's sessionWebhook, and turning every failure
into ``PlatformError``: throttling, 5xx and network trouble are ``retryable``; a refused token is
replaced and the call retried once; anything else is permanent, with a message for the operator.
"""

from __future__ import annotations

import logging
from typing import Any, Mapping

import redis as redis_lib
import requests

from bot.core.errors import PlatformError
from bot.platforms.dingtalk.tokens import TokenCache

__all__ = ["DingTalkClient", "SESSION_GONE"]

log = logging.getLogger(__name__)

TIMEOUT = 10.0
SESSION_GONE = 300001
OAPI_TOKEN_CODES = {40014, 42001, 40001}
OAPI_RETRYABLE = {90018, 90002, -1}
API_THROTTLE = ("Forbidden.AccessDenied.QpsLimit", "Forbidden.AccessDenied.QpmLimit")
HINTS = {
    "60011": "the app lacks the permission for this API: grant it in the developer console (权限管理)",
    "60020": "this server's IP is not in the app's allow-list (服务器出口IP)",
    "40096": "DINGTALK_APP_KEY or DINGTALK_APP_SECRET is wrong",
    "40089": "DINGTALK_APP_KEY or DINGTALK_APP_SECRET is wrong",
    "90020": "the organisation's monthly API quota is used up",
    "invalidClientIdOrSecret": "DINGTALK_APP_KEY or DINGTALK_APP_SECRET is wrong",
    "Forbidden.AccessDenied.AccessTokenPermissionDenied": "the app lacks the permission for this API: grant it in the developer console",
    "Forbidden.AccessDenied.IpNotInWhiteList": "this server's IP is not in the app's allow-list",
    "Forbidden.AccessDenied.ApiCountLimitForOrg": "the organisation's monthly API quota is used up",
    "invalidParameter.robotCode.notExsit": "DINGTALK_ROBOT_CODE is not a robot of this app",
    "invalidParameter.robotCode.auth": "DINGTALK_ROBOT_CODE belongs to another app",
    "param.templateNotExist": "DINGTALK_CARD_TEMPLATE_ID is not a template of this app (import it: docs/platform-dingtalk.md)",
    "invalid.openConversationId": "the group's open_conversation_id in the org file is wrong, or the robot is not in that group",
}


def _fail(where: str, code: Any, message: str, retryable: bool) -> PlatformError:
    hint = HINTS.get(str(code), "")
    text = f"DingTalk {where} refused: {code} {message}".strip() + (f" — {hint}" if hint else "")
    return PlatformError(text, code=code, retryable=retryable)


class DingTalkClient:
    """Calls of one app; ``config`` holds the variables of design.md; ``redis`` caches tokens."""

    def __init__(self, config: Mapping[str, str], redis: redis_lib.Redis | None = None,
                 session: requests.Session | None = None, timeout: float = TIMEOUT) -> None:
        self.app_key, self.app_secret = config["DINGTALK_APP_KEY"], config["DINGTALK_APP_SECRET"]
        self.oapi_base = (config.get("DINGTALK_OAPI_BASE") or "https://oapi.dingtalk.com").rstrip("/")
        self.api_base = (config.get("DINGTALK_API_BASE") or "https://api.dingtalk.com").rstrip("/")
        self.http = session or requests.Session()
        self.timeout = timeout
        self.tokens = TokenCache(redis, self.app_key, {"api": self._new_token, "oapi": self._old_token})

    # --- transport ------------------------------------------------------------------------------
    def _send(self, where: str, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            return self.http.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise PlatformError(f"DingTalk {where} unreachable: {type(exc).__name__}", retryable=True) from None

    @staticmethod
    def _json(where: str, resp: requests.Response) -> dict[str, Any]:
        if resp.status_code >= 500 or resp.status_code == 429:
            raise _fail(where, f"HTTP {resp.status_code}", "", True)
        try:
            data = resp.json()
        except ValueError:
            raise _fail(where, f"HTTP {resp.status_code}", "answer is not JSON", resp.status_code >= 500) from None
        return data if isinstance(data, dict) else {"result": data}

    # --- tokens ---------------------------------------------------------------------------------
    def _new_token(self) -> tuple[str, int]:
        resp = self._send("oauth2/accessToken", "POST", f"{self.api_base}/v1.0/oauth2/accessToken",
                          json={"appKey": self.app_key, "appSecret": self.app_secret})
        data = self._api_checked("oauth2/accessToken", resp)
        return str(data["accessToken"]), int(data.get("expireIn") or 7200)

    def _old_token(self) -> tuple[str, int]:
        resp = self._send("gettoken", "GET", f"{self.oapi_base}/gettoken",
                          params={"appkey": self.app_key, "appsecret": self.app_secret})
        data = self._oapi_checked("gettoken", self._json("gettoken", resp))
        return str(data["access_token"]), int(data.get("expires_in") or 7200)

    # --- error shapes ---------------------------------------------------------------------------
    def _api_checked(self, where: str, resp: requests.Response) -> dict[str, Any]:
        data = self._json(where, resp)
        if 200 <= resp.status_code < 300:
            return data
        code, message = str(data.get("code", f"HTTP {resp.status_code}")), str(data.get("message", ""))
        raise _fail(where, code, message, code.startswith(API_THROTTLE))

    @staticmethod
    def _oapi_checked(where: str, data: dict[str, Any]) -> dict[str, Any]:
        errcode = data.get("errcode", 0)
        if errcode in (0, "0"):
            return data
        code = int(errcode) if str(errcode).lstrip("-").isdigit() else errcode
        sub = str(data.get("sub_code") or "")
        if code == 88 and sub:  # a wrapper: the real reason is the sub_code
            retry = sub.lstrip("-").isdigit() and int(sub) in OAPI_RETRYABLE
            raise _fail(where, sub if sub in HINTS else f"88/{sub}", str(data.get("sub_msg") or data.get("errmsg")),
                        retry)
        raise _fail(where, code, str(data.get("errmsg", "")), code in OAPI_RETRYABLE)

    @staticmethod
    def _oapi_token_refused(data: dict[str, Any]) -> bool:
        code, sub = data.get("errcode"), str(data.get("sub_code") or "")
        return (code == 88 and sub in {"40014", "42001", "40001"}) or code in OAPI_TOKEN_CODES

    # --- calls ----------------------------------------------------------------------------------
    def api(self, method: str, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Call the new API (``path`` under /v1.0/…); raises PlatformError."""
        stale = ""
        for attempt in (1, 2):
            token = self.tokens.get("api", stale)
            resp = self._send(path, method, self.api_base + path, json=dict(body),
                              headers={"x-acs-dingtalk-access-token": token})
            if resp.status_code in (400, 401) and attempt == 1 and self._json(path, resp).get("code") == "InvalidAuthentication":
                log.info("dingtalk api token refused on %s; refreshing once", path)
                stale = token
                continue
            return self._api_checked(path, resp)
        raise AssertionError("unreachable")

    def oapi(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST to the old API with ``?access_token=``; raises PlatformError."""
        stale = ""
        for attempt in (1, 2):
            token = self.tokens.get("oapi", stale)
            resp = self._send(path, "POST", self.oapi_base + path, params={"access_token": token}, json=dict(body))
            data = self._json(path, resp)
            if attempt == 1 and self._oapi_token_refused(data):
                log.info("dingtalk oapi token refused on %s (errcode %s/%s); refreshing once", path,
                         data.get("errcode"), data.get("sub_code"))
                stale = token
                continue
            return self._oapi_checked(path, data)
        raise AssertionError("unreachable")

    def oapi_upload(self, path: str, params: Mapping[str, str], name: str, content: bytes,
                    mime: str) -> dict[str, Any]:
        """POST ``content`` as the multipart field ``media`` to the old API (``/media/upload``), with
        ``?access_token=`` and ``params``; raises PlatformError."""
        stale = ""
        for attempt in (1, 2):
            token = self.tokens.get("oapi", stale)
            resp = self._send(path, "POST", self.oapi_base + path, params={"access_token": token, **params},
                              files={"media": (name, content, mime)})
            data = self._json(path, resp)
            if attempt == 1 and self._oapi_token_refused(data):
                stale = token
                continue
            return self._oapi_checked(path, data)
        raise AssertionError("unreachable")

    def webhook(self, url: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST to a robot sessionWebhook (no token); raises PlatformError (code 300001: expired)."""
        resp = self._send("sessionWebhook", "POST", url, json=dict(body))
        return self._oapi_checked("sessionWebhook", self._json("sessionWebhook", resp))
