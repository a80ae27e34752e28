"""Redis between the worker and the connector that holds the smart bot's long connection.

* :class:`ConnectorLease`: one connector holds the connection at a time — a Redis key with a
  lease (``SET NX PX``), renewed by its holder, released or left to expire when it dies; a second
  connector polls for it and takes over.
* :class:`Relay`: the worker's messenger pushes a request (a frame's ``cmd`` and ``body``, and the
  req_id it answers when it is an update) on a Redis list and waits for WeCom's answer on a list of
  its own; the connector pops requests, sends them, and pushes back what WeCom answered. A request
  not picked up within ``pickup`` seconds is dropped by the connector, and the caller waits longer
  than pickup plus WeCom's ack time: so a request the caller gave up on is never sent later.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

import redis

from bot.core import keys
from bot.core.errors import PlatformError

log = logging.getLogger(__name__)

PICKUP = 5.0  # seconds a request waits for a connector before it is void
ACK_WAIT = 5.0  # WeCom's ack of a frame (the SDK's reply timeout)
ANSWER_TTL = 60

_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class ConnectorLease:
    """The lease on the smart bot's connection held by connector ``holder`` for ``lease`` seconds."""

    def __init__(self, conn: redis.Redis, bot_id: str, holder: str, lease: float) -> None:
        self.conn = conn
        self.key = keys.aibot_ws_lock(bot_id)
        self.holder = holder
        self.lease_ms = int(lease * 1000)

    def acquire(self) -> bool:
        """Take the lease if nobody holds it; raises redis.RedisError."""
        return bool(self.conn.set(self.key, self.holder, nx=True, px=self.lease_ms))

    def renew(self) -> bool:
        """Extend the lease if we still hold it; False when it was lost; raises redis.RedisError."""
        return bool(self.conn.eval(_RENEW, 1, self.key, self.holder, self.lease_ms))

    def release(self) -> None:
        """Give the lease up (only if it is still ours); Redis errors are logged, not raised."""
        try:
            self.conn.eval(_RELEASE, 1, self.key, self.holder)
        except redis.RedisError as exc:
            log.warning("aibot connector %s: could not release the lease: %s", self.holder, exc)

    def current(self) -> str | None:
        """Who holds the lease now; raises redis.RedisError."""
        value = self.conn.get(self.key)
        return value.decode() if isinstance(value, bytes) else value


class Relay:
    """The request and answer lists of one smart bot (``bot_id``)."""

    def __init__(self, conn: redis.Redis, bot_id: str) -> None:
        self.conn = conn
        self.bot_id = bot_id
        self.requests = keys.aibot_ws_requests(bot_id)

    # --- the worker's side -------------------------------------------------------------------
    def call(self, cmd: str, body: dict[str, Any], request_id: str = "", *, pickup: float = PICKUP) -> dict[str, Any]:
        """Have the connector send one frame and return WeCom's answer (``errcode``, ``errmsg``);
        raises PlatformError(retryable=True) when no connector runs or none answered in time."""
        try:
            if not self.conn.exists(keys.aibot_ws_lock(self.bot_id)):
                raise PlatformError("WeCom smart bot: no connector holds the long connection "
                                    "(start `yuqing wecom-connect`)", retryable=True)
            rid = uuid.uuid4().hex
            request = {"id": rid, "cmd": cmd, "body": body, "req_id": request_id, "expires": time.time() + pickup}
            self.conn.lpush(self.requests, json.dumps(request, ensure_ascii=False))
            got = self.conn.brpop([keys.aibot_ws_answer(self.bot_id, rid)], timeout=int(pickup + ACK_WAIT + 2))
        except redis.RedisError as exc:
            raise PlatformError(f"WeCom smart bot: Redis failed: {exc}", retryable=True) from exc
        if got is None:
            raise PlatformError(f"WeCom smart bot: the connector did not answer {cmd} in time", retryable=True)
        return json.loads(got[1])

    # --- the connector's side ----------------------------------------------------------------
    def next(self, timeout: int = 1) -> dict[str, Any] | None:
        """The next request still worth sending, or None after ``timeout`` seconds; raises redis.RedisError."""
        got = self.conn.brpop([self.requests], timeout=timeout)
        if got is None:
            return None
        try:
            request = json.loads(got[1])
            late = time.time() > float(request["expires"])
        except (ValueError, KeyError, TypeError):
            log.error("aibot relay: malformed request dropped")
            return None
        if late:
            log.warning("aibot relay: request %s (%s) dropped: its caller has given up", request["id"], request["cmd"])
            return None
        return request

    def answer(self, request: dict[str, Any], answer: dict[str, Any]) -> None:
        """Hand WeCom's answer (or our own errcode) back to the caller; raises redis.RedisError."""
        key = keys.aibot_ws_answer(self.bot_id, request["id"])
        pipe = self.conn.pipeline()
        pipe.lpush(key, json.dumps(answer, ensure_ascii=False))
        pipe.expire(key, ANSWER_TTL)
        pipe.execute()
