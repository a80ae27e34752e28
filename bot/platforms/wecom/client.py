"""The WeCom HTTP API client: one access token per app in Redis, one refresher, bounded retries.

Written on ``requests`` rather than wechatpy's ``WeChatClient`` because the latter, in 1.8.18,
retries 40001/40014/42001 by recursion without a bound, keeps the token's expiry in process
memory (every process refetches), hard-codes the gettoken URL, calls gettoken without a timeout,
and has no helpers for the calls we need (template cards, card updates, webhook, smart bot).

Errors are ``PlatformError``: ``retryable=True`` for throttling (45009, 45033), "system busy" (-1),
5xx and network failures; ``retryable=False`` with an operator message for the rest (60020
trusted IP, 40001 secret, 81013 recipients, ...). 40014/42001 cause one refresh and one retry.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Mapping

import redis
import requests

from bot.core import keys
from bot.core.errors import PlatformError

log = logging.getLogger(__name__)

TOKEN_ERRORS = (40014, 42001)
TASK_ID_TAKEN = 42014  # "taskid has existed or empty or exceed max len": for our valid ids, a taken one
RETRYABLE = (-1, 45009, 45033)
UPLOAD_TIMEOUT = 30.0  # seconds at least for an upload (up to 20 MB)
EARLY_REFRESH = 300  # seconds before WeCom's expiry that the cached token is dropped
LOCK_SECONDS = 15
HINTS = {
    60020: "this server's IP is not in the app's 企业可信IP list: add it in the WeCom admin console",
    40001: "WECOM_SECRET is wrong (or was reset in the admin console)",
    40013: "WECOM_CORP_ID is wrong",
    40056: "WECOM_AGENT_ID is wrong",
    48002: "the app lacks permission for this API",
    60011: "the app's visibility does not include the recipient",
    81013: "no recipient is a WeCom member visible to the app",
    86008: "the chat was not created by this app (appchat/send works only in the app's own chats)",
    93000: "the webhook key is invalid or the group robot was removed",
    93006: "the smart bot knows no such chat: check the unit's groups.wecom.aibot_chatid (case-sensitive)",
    93008: "the smart bot is not a member of that group chat",
    60140: "the card's response_code is expired (or used)",
    42022: "the card's response_code (or the smart bot's response_url) was used already",
    42014: "the card's task_id is taken (or empty, over-long, or the card over WeCom's limits)",
    40014: "a freshly fetched access token was refused too (not retried again)",
    42001: "a freshly fetched access token was refused too (not retried again)",
}


def api_root(base: str) -> str:
    """``https://host/cgi-bin/`` from WECOM_API_BASE (with or without ``/cgi-bin``)."""
    base = (base or "https://qyapi.weixin.qq.com").rstrip("/")
    return (base if base.endswith("/cgi-bin") else base + "/cgi-bin") + "/"


def check(path: str, data: Any) -> dict:
    """WeCom's JSON answer when it says ok; raises PlatformError otherwise."""
    if not isinstance(data, dict):
        raise PlatformError(f"WeCom {path}: answer is not a JSON object", retryable=True)
    code = int(data.get("errcode") or 0)
    if code == 0:
        return data
    errmsg = str(data.get("errmsg", ""))[:200]
    hint = HINTS.get(code, "")
    message = f"WeCom {path} failed: errcode {code} ({errmsg})" + (f" — {hint}" if hint else "")
    raise PlatformError(message, code=code, retryable=code in RETRYABLE)


class WeComClient:
    """Calls WeCom's API (``api_base``) for one app (corp id + secret), tokens cached in ``redis``."""

    def __init__(self, corp_id: str, secret: str, agent_id: str, api_base: str, redis_conn: redis.Redis,
                 timeout: float = 10.0, session: requests.Session | None = None) -> None:
        self.corp_id, self.secret, self.agent_id = corp_id, secret, agent_id
        self.root = api_root(api_base)
        self.redis = redis_conn
        self.timeout = timeout
        self.session = session or requests.Session()
        self.token_key = keys.token("wecom", f"{corp_id}:{agent_id}")
        self.lock_key = keys.token_lock("wecom", f"{corp_id}:{agent_id}")

    # --- tokens ---------------------------------------------------------------------------
    def token(self) -> str:
        """The cached access token, fetched by one refresher under a Redis lock when missing."""
        cached = self.redis.get(self.token_key)
        if cached:
            return cached.decode()
        return self._refresh()

    def invalidate(self, token: str) -> None:
        """Drop ``token`` from the cache unless another process already replaced it."""
        cached = self.redis.get(self.token_key)
        if cached is not None and cached.decode() == token:
            self.redis.delete(self.token_key)

    def _refresh(self) -> str:
        lock = self.redis.lock(self.lock_key, timeout=LOCK_SECONDS, blocking_timeout=LOCK_SECONDS)
        if not lock.acquire():
            raise PlatformError("WeCom token refresh is stuck in another process", retryable=True)
        try:
            cached = self.redis.get(self.token_key)  # another refresher may have finished meanwhile
            if cached:
                return cached.decode()
            data = self._http("GET", "gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret})
            token, expires_in = str(data.get("access_token") or ""), int(data.get("expires_in") or 7200)
            if not token:
                raise PlatformError("WeCom gettoken answered ok without an access_token", retryable=True)
            self.redis.set(self.token_key, token, ex=max(60, expires_in - EARLY_REFRESH))
            log.info("wecom access token refreshed corp=%s agent=%s expires_in=%s", self.corp_id, self.agent_id,
                     expires_in)
            return token
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                log.warning("wecom token lock expired before release corp=%s", self.corp_id)

    # --- calls ----------------------------------------------------------------------------
    def post(self, path: str, body: Mapping[str, Any]) -> dict:
        """POST ``body`` to ``path`` with the access token; one refresh and one retry on 40014/42001."""
        token = self.token()
        try:
            return self._http("POST", path, params={"access_token": token}, json_body=body)
        except PlatformError as exc:
            if exc.code not in TOKEN_ERRORS:
                raise
            log.info("wecom token rejected (%s) on %s; refreshing once", exc.code, path)
            self.invalidate(token)
        return self._http("POST", path, params={"access_token": self.token()}, json_body=body)

    def get_media(self, media_id: str) -> requests.Response:
        """``media/get``: the open (streamed) response holding a temporary media's bytes; raises
        PlatformError with WeCom's errcode (40007: unknown or older than 3 days)."""
        for attempt in (1, 2):
            token = self.token()
            try:
                response = self.session.get(self.root + "media/get", params={"access_token": token,
                                                                            "media_id": media_id},
                                            timeout=self.timeout, stream=True)
            except requests.RequestException as exc:
                raise PlatformError(f"WeCom media/get: {type(exc).__name__}", retryable=True) from None
            if response.status_code != 200:
                raise PlatformError(f"WeCom media/get: HTTP {response.status_code}",
                                    retryable=response.status_code >= 500)
            if not response.headers.get("Content-Type", "").startswith(("application/json", "text/plain")):
                return response
            try:
                check("media/get", response.json())
            except PlatformError as exc:
                if exc.code not in TOKEN_ERRORS or attempt == 2:
                    raise
                self.invalidate(token)
                continue
            except ValueError:
                raise PlatformError("WeCom media/get: answer is neither media nor JSON", retryable=True) from None
            raise PlatformError("WeCom media/get: ok without media", retryable=True)
        raise AssertionError("unreachable")

    def upload(self, path: str, params: Mapping[str, str], name: str, content: bytes, mime: str, *,
               token: bool = True) -> dict:
        """POST ``content`` as the multipart field ``media`` to ``path`` with ``params`` — with the access
        token (``media/upload``; one refresh and one retry on 40014/42001) or without (``token=False``: the
        webhook robot's ``upload_media``); WeCom's answer, or PlatformError with its errcode."""
        for attempt in (1, 2):
            query = dict(params)
            if token:
                query["access_token"] = self.token()
            try:
                response = self.session.post(self.root + path, params=query, files={"media": (name, content, mime)},
                                             timeout=max(self.timeout, UPLOAD_TIMEOUT))
            except requests.RequestException as exc:
                raise PlatformError(f"WeCom {path}: {type(exc).__name__}", retryable=True) from None
            if response.status_code >= 500 or response.status_code == 429:
                raise PlatformError(f"WeCom {path}: HTTP {response.status_code}", retryable=True)
            try:
                return check(path, response.json())
            except PlatformError as exc:
                if not token or exc.code not in TOKEN_ERRORS or attempt == 2:
                    raise
                self.invalidate(query["access_token"])
            except ValueError:
                raise PlatformError(f"WeCom {path}: answer is not JSON", retryable=True) from None
        raise AssertionError("unreachable")

    def post_url(self, url: str, body: Mapping[str, Any], what: str) -> dict:
        """POST ``body`` to a full URL without a token (webhook robot, smart-bot response_url)."""
        return self._http("POST", url, json_body=body, what=what)

    def _http(self, method: str, path: str, *, params: dict | None = None, json_body: Any = None,
              what: str = "") -> dict:
        url = path if path.startswith(("http://", "https://")) else self.root + path
        what = what or path
        try:
            payload = None if json_body is None else json.dumps(json_body, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json; charset=utf-8"} if payload is not None else None
            response = self.session.request(method, url, params=params, data=payload, headers=headers,
                                            timeout=self.timeout)
        except requests.RequestException as exc:
            raise PlatformError(f"WeCom {what}: {type(exc).__name__}", retryable=True) from None
        if response.status_code >= 500 or response.status_code == 429:
            raise PlatformError(f"WeCom {what}: HTTP {response.status_code}", retryable=True)
        if response.status_code != 200:
            raise PlatformError(f"WeCom {what}: HTTP {response.status_code}", retryable=False)
        try:
            data = response.json()
        except ValueError:
            raise PlatformError(f"WeCom {what}: answer is not JSON", retryable=True) from None
        return check(what, data)

