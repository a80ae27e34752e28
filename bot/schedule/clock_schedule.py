"""The clock's schedule in Redis (a cache: the database is the truth, the reconciler refills it).

- ``yq:clock:schedule``: sorted set, firing job id (``clock-fire-<duty>-<epoch>[-e<epoch>]``) → the
  step's epoch second. Adding the same firing twice keeps one entry.
- ``yq:clock:claimed``: firings a clock loop took (atomically, so exactly one loop runs each) and has
  not finished, → when it took them. The reconciler does not re-schedule a firing claimed less than
  :data:`CLAIM_LEASE` ago; after that (its loop died with it) it schedules it again, and the firing's
  guard (``duties.firing_id``, ``UNIQUE(duty_id, step_at)``) makes a second run harmless.
- ``yq:clock:wake``: a list the loops block on between firings; a firing due within a second pushes
  to it, so a loop sleeping towards a later step wakes for it.

Read by ``yuqing clock status`` and ``/metrics`` (bot/clock_report.py) and written by worker/clock.py.
"""

from __future__ import annotations

import time
from datetime import datetime

from redis import Redis

from bot.core import keys
from bot.core.clock import UTC

CLAIM_LEASE = 30.0  # seconds; a firing takes milliseconds
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  redis.call('ZADD', KEYS[2], ARGV[3], member)
end
return due
"""


def add(conn: Redis, job: str, at: datetime) -> None:
    """Schedule the firing ``job`` at ``at`` (waking a loop when it is due within a second)."""
    pipe = conn.pipeline(transaction=False)
    pipe.zadd(keys.clock_schedule(), {job: at.timestamp()})
    if at.timestamp() <= time.time() + 1:
        pipe.rpush(keys.clock_wake(), 1)
        pipe.ltrim(keys.clock_wake(), -1, -1)
    pipe.execute()


def remove(conn: Redis, jobs: list[str]) -> None:
    """Unschedule these firings."""
    if jobs:
        conn.zrem(keys.clock_schedule(), *jobs)


def pending(conn: Redis) -> dict[str, datetime]:
    """Every scheduled firing with its time."""
    return {k.decode(): datetime.fromtimestamp(s, UTC)
            for k, s in conn.zrange(keys.clock_schedule(), 0, -1, withscores=True)}


def claim(conn: Redis, now: float, limit: int) -> list[str]:
    """Take up to ``limit`` firings due at ``now`` (epoch), soonest first; no other loop gets them."""
    due = conn.eval(_CLAIM, 2, keys.clock_schedule(), keys.clock_claimed(), now, limit, time.time())
    return [d.decode() for d in due]


def done(conn: Redis, job: str) -> None:
    """A claimed firing has run (whatever its outcome)."""
    conn.zrem(keys.clock_claimed(), job)


def claimed(conn: Redis, now: float | None = None) -> set[str]:
    """Firings being run now (claimed within :data:`CLAIM_LEASE`); older claims are dropped."""
    now = time.time() if now is None else now
    conn.zremrangebyscore(keys.clock_claimed(), "-inf", now - CLAIM_LEASE)
    return {k.decode() for k in conn.zrange(keys.clock_claimed(), 0, -1)}


def next_due(conn: Redis) -> float | None:
    """The epoch of the soonest scheduled firing, or None."""
    first = conn.zrange(keys.clock_schedule(), 0, 0, withscores=True)
    return first[0][1] if first else None


def wait(conn: Redis, seconds: float) -> None:
    """Block up to ``seconds`` or until a firing due soon is added."""
    if seconds > 0:
        conn.blpop([keys.clock_wake()], timeout=seconds)
