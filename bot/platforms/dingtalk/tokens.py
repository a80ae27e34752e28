"""Access tokens of DingTalk's two API families, cached in Redis with one refresher at a time.

Owns: the cache key per (app, family) (``bot.core.keys.token``), the refresh lock
(``keys.token_lock``, SET NX EX), refreshing early (5 minutes before DingTalk's 7200 s), and
replacing a token the platform called invalid exactly once however many workers saw it fail.
Without Redis (the CLI) tokens live in the process.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Callable

import redis as redis_lib

from bot.core import keys

__all__ = ["TokenCache", "EARLY_REFRESH", "FAMILIES"]

log = logging.getLogger(__name__)

EARLY_REFRESH = 300
LOCK_SECONDS = 15
WAIT_SECONDS = 5.0
FAMILIES = ("api", "oapi")
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

Fetcher = Callable[[], tuple[str, int]]  # returns (token, expires_in seconds)


class TokenCache:
    """Tokens of one app; ``fetchers[family]()`` asks DingTalk for a fresh one."""

    def __init__(self, redis: redis_lib.Redis | None, app_key: str, fetchers: dict[str, Fetcher]) -> None:
        self.redis = redis
        self.app_key = app_key
        self.fetchers = fetchers
        self._local: dict[str, tuple[str, float]] = {}

    def _key(self, family: str) -> str:
        return keys.token("dingtalk", f"{self.app_key}:{family}")

    def _cached(self, family: str) -> str | None:
        if self.redis is None:
            token, until = self._local.get(family, ("", 0.0))
            return token if token and until > time.time() else None
        value = self.redis.get(self._key(family))
        return value.decode() if isinstance(value, bytes) else value

    def get(self, family: str, stale: str = "") -> str:
        """A valid token of ``family``; ``stale`` is one the platform just refused (never returned again)."""
        cached = self._cached(family)
        if cached and cached != stale:
            return cached
        if self.redis is None:
            return self._refresh(family)
        return self._refresh_locked(family, stale)

    def _refresh_locked(self, family: str, stale: str) -> str:
        lock, me = keys.token_lock("dingtalk", f"{self.app_key}:{family}"), secrets.token_hex(8)
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.redis.set(lock, me, nx=True, ex=LOCK_SECONDS):
            cached = self._cached(family)
            if cached and cached != stale:
                return cached
            if time.monotonic() > deadline:
                log.warning("token refresh lock of %s held too long; refreshing anyway", family)
                return self._refresh(family)
            time.sleep(0.05)  # another worker is refreshing: wait for its token
        try:
            cached = self._cached(family)
            if cached and cached != stale:
                return cached
            return self._refresh(family)
        finally:
            self.redis.eval(_RELEASE, 1, lock, me)

    def _refresh(self, family: str) -> str:
        token, expires_in = self.fetchers[family]()
        ttl = max(int(expires_in) - EARLY_REFRESH, 60)
        if self.redis is None:
            self._local[family] = (token, time.time() + ttl)
        else:
            self.redis.set(self._key(family), token, ex=ttl)
        log.info("dingtalk %s token refreshed app=%s ttl=%ss", family, self.app_key, ttl)
        return token
