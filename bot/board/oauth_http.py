"""What both identity providers' clients share: the sign-in error, JSON calls with 5 s timeouts, and a
small cache of the apps' access tokens (docs/board.md §Sign-in).

Every failure of an exchange becomes a :class:`SignInError` carrying the Chinese sentence the person
sees and a detail for the log; nothing here raises anything else, so a callback never answers 500.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

import requests

TIMEOUT = 5  # seconds, connect and read, for every call to an identity provider
TOKEN_MARGIN = 300  # a cached access token is renewed this many seconds before it expires
STALE_TOKEN = (40014, 42001)  # both platforms' 不合法的access_token / access_token已过期: fetch a new one, retry once


class SignInError(Exception):
    """A sign-in that cannot complete: ``message`` for the person (Chinese), ``detail`` for the log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(detail or message)
        self.message = message
        self.detail = detail or message


def call_json(method: str, url: str, platform: str, **kwargs) -> tuple[int, dict]:
    """``(HTTP status, JSON body)`` of one call; raises SignInError when the platform cannot be reached or
    does not answer JSON. The caller judges the status and the body's error fields."""
    try:
        response = requests.request(method, url, timeout=TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        raise SignInError(f"暂时无法连接{platform}，请稍后再试。", f"{method} {_bare(url)}: {exc}") from None
    try:
        body = response.json()
    except ValueError:
        raise SignInError(f"{platform}的应答无法识别，请稍后再试。",
                          f"{method} {_bare(url)}: HTTP {response.status_code}, not JSON") from None
    if not isinstance(body, dict):
        raise SignInError(f"{platform}的应答无法识别，请稍后再试。", f"{method} {_bare(url)}: JSON is not an object")
    return response.status_code, body


def _bare(url: str) -> str:
    """The URL without its query (which may carry an access token or a secret) for logs."""
    return url.split("?", 1)[0]


class TokenCache:
    """The apps' access tokens by key (base URL and app id), reused until shortly before they expire."""

    def __init__(self) -> None:
        self._tokens: dict[tuple, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, fetch: Callable[[], tuple[str, int]]) -> str:
        """The cached token for ``key``, or a new one from ``fetch`` (``(token, seconds valid)``)."""
        with self._lock:
            found = self._tokens.get(key)
            if found and found[1] > time.monotonic():
                return found[0]
        token, seconds = fetch()
        with self._lock:
            self._tokens[key] = (token, time.monotonic() + max(0, int(seconds) - TOKEN_MARGIN))
        return token

    def drop(self, key: tuple) -> None:
        """Forget ``key``'s token (the platform said it is invalid or expired)."""
        with self._lock:
            self._tokens.pop(key, None)

    def clear(self) -> None:
        """Forget every token (tests)."""
        with self._lock:
            self._tokens.clear()


TOKENS = TokenCache()


def with_app_token(key: tuple, fetch: Callable[[], tuple[str, int]], call: Callable[[str], dict]) -> dict:
    """The body of ``call(token)`` under the app's cached access token for ``key`` (``fetch`` gets a new one);
    when the platform calls the token invalid or expired (STALE_TOKEN) it is dropped and the call made once more.
    Raises what ``fetch`` and ``call`` raise (SignInError)."""
    body = call(TOKENS.get(key, fetch))
    if errcode(body) in STALE_TOKEN:
        TOKENS.drop(key)
        body = call(TOKENS.get(key, fetch))
    return body


def errcode(body: dict) -> int:
    """A platform answer's ``errcode`` (0 when it has none; -1 when it is not a number)."""
    try:
        return int(body.get("errcode", 0) or 0)
    except (TypeError, ValueError):
        return -1


def base_url(settings, name: str) -> str:
    """The API base the setting ``name`` holds, without a trailing slash."""
    return settings.get(name).rstrip("/")
