"""Find or start the services tests use, without touching anyone else's data.

Redis: the machine's server on a database number this run claims (never one it did not pick),
else a private ``redis-server`` on a free port, else fakeredis's TCP server with a loud warning.
A claim is a key with a short lease that a thread renews while the run lives; a database whose
lease ran out and that holds nothing but this project's keys (``yq:``, ``rq:``) was left by a killed
run of ours and is claimed again. PostgreSQL: a template database migrated once per run, copied per
test, dropped afterwards. In strict mode (``CI=true`` or ``YUQING_TEST_STRICT=1``) a missing Redis
server (fakeredis) and a skipped PostgreSQL are failures; a private ``redis-server`` is still real Redis.
"""

from __future__ import annotations

import os
import threading
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import redis

from bot.localredis import free_port, start_fake, start_private  # noqa: F401 - free_port re-exported for tests

CLAIM_KEY = "yq:test-claim"
LEASE = 120
OURS = (b"yq:", b"rq:")


def strict() -> bool:
    """Whether missing services must fail the run instead of falling back or skipping."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("YUQING_TEST_STRICT") == "1"


def _with_db(url: str, db: int) -> str:
    """``url`` with its database number replaced by ``db``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


def _claim_db(base_url: str, run_id: str) -> str | None:
    """Claim an empty database number 15..1 of the server at ``base_url``; None if unreachable."""
    try:
        probe = redis.Redis.from_url(base_url, socket_connect_timeout=1)
        probe.ping()
    except redis.RedisError:
        return None
    # the number goes into the URL: redis-py's from_url lets the URL's "/0" win over a db= argument,
    # which made every run claim (and flush) database 0 until 2026-11-29
    for db in range(15, 0, -1):
        conn = redis.Redis.from_url(_with_db(base_url, db))
        if conn.dbsize() == 0 and conn.set(CLAIM_KEY, run_id, nx=True, ex=LEASE):
            return _with_db(base_url, db)
    for db in range(15, 0, -1):
        conn = redis.Redis.from_url(_with_db(base_url, db))
        if _left_by_a_dead_run(conn) and conn.set(CLAIM_KEY, run_id, nx=True, ex=LEASE):
            for key in conn.scan_iter(count=1000):
                if key != CLAIM_KEY.encode():
                    conn.delete(key)
            return _with_db(base_url, db)
    return None


def _left_by_a_dead_run(conn: redis.Redis, limit: int = 20000) -> bool:
    """No live claim, and every key is one of this project's (checked up to ``limit`` keys)."""
    if conn.exists(CLAIM_KEY) or conn.dbsize() > limit:
        return False
    return all(key.startswith(OURS) for key in conn.scan_iter(count=1000))


@dataclass
class RedisService:
    """A Redis this run may use and flush freely: ``url`` points at a database of its own."""

    url: str
    kind: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    _stop: Callable[[], None] | None = None
    _stopped: threading.Event = field(default_factory=threading.Event)

    def keep_claim(self) -> None:
        """Renew the claim's lease from a daemon thread while this process lives."""
        def renew() -> None:
            while not self._stopped.wait(LEASE / 4):
                try:
                    self.client().set(CLAIM_KEY, self.run_id, ex=LEASE)
                except redis.RedisError:
                    continue

        threading.Thread(target=renew, name="redis-claim", daemon=True).start()

    def client(self) -> redis.Redis:
        """A client of the claimed database."""
        return redis.Redis.from_url(self.url)

    def reset(self) -> None:
        """Empty the claimed database (and only it), keeping the claim."""
        conn = self.client()
        conn.flushdb()
        if self.kind == "shared":
            conn.set(CLAIM_KEY, self.run_id, ex=LEASE)

    def close(self) -> None:
        """Release the claim, or stop the private server."""
        self._stopped.set()
        if self.kind == "shared":
            self.client().flushdb()
        elif self._stop is not None:
            self._stop()


def find_redis() -> RedisService:
    """The Redis for this run (see module docstring); raises RuntimeError in strict mode on fallback."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    run_id = uuid.uuid4().hex
    url = _claim_db(base, run_id)
    if url:
        service = RedisService(url=url, kind="shared", run_id=run_id)
        service.keep_claim()
        return service
    try:
        local = start_private()
    except FileNotFoundError:
        if strict():
            raise RuntimeError(f"strict mode: no Redis at {base} (or no free database) and no redis-server binary") from None
        warnings.warn("NO REDIS FOUND: tests run against fakeredis's TCP server; install redis-server", stacklevel=1)
        local = start_fake()
    return RedisService(url=local.url, kind=local.kind, _stop=local.stop)
