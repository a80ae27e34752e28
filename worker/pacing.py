"""Pacing of outbox deliveries: per-recipient order and per-recipient/API rate limits.

- **Order**: a message to a person or group waits while an earlier one to the same address is still
  pending or being sent, so a throttled or retried message is never overtaken (in order per recipient),
  however old it is: the scans look at unsent rows only (few; the ``state`` index), with no age bound —
  an age measured from the clock of the delivery would let a row queued over a long weekend or holiday
  (a worker down, a platform out) be overtaken by the recipient's next message when delivery resumes.
- **Rate limits**: a token bucket in Redis per recipient (or per app) and API (an atomic Lua script on
  the server's clock), from the table each platform's adapter declares in its capabilities
  (``rate_limits``, ``bot/platforms/<name>/capabilities.py``): WeCom app messages 30 a minute per
  member, WeCom group robots 20 a minute per robot, DingTalk 20 calls a second per API (its QPS limit
  for the app). A message over the limit waits for its token.

A held message goes back to ``pending`` without using up an attempt (``worker/delivery.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Mapping

from redis import Redis
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.core import keys
from bot.core.capabilities import Capabilities, RateLimit
from bot.store import outbox

ORDERED = ("person", "group")
BUCKET = """
local cap, rate, req = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local d = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(d[1]) or cap; local ts = tonumber(d[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - ts) * rate / 1000)
local ok, wait = 0, 0
if tokens >= req then tokens = tokens - req; ok = 1 else wait = math.ceil((req - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(cap * 1000 / rate) + 1000)
return {ok, wait}
"""


def recipient(row: outbox.OutboxRow) -> str:
    """Who a person or group message goes to, as one string (empty for replies and updates)."""
    return _recipient(row.method, row.address or {})


def _recipient(method: str, address: dict) -> str:
    if method == "person":
        return str(address.get("user_id", ""))
    if method == "group":
        group = address.get("group") or {}
        return "|".join(f"{k}={v}" for k, v in sorted(group.items()))
    return ""


def _scan(after: bool):
    """Ids and addresses of one platform's unsent messages of one method before (or after) an id, oldest
    first: built once (a fan-out runs it for every row; only ids and addresses are read, not the cards).
    No age bound (see the module's docstring): whether a row keeps its place must not depend on the date."""
    row = outbox.OutboxRow
    states = (outbox.PENDING,) if after else (outbox.PENDING, outbox.SENDING)
    return (select(row.id, row.address)
            .where((row.id > bindparam("id")) if after else (row.id < bindparam("id")),
                   row.platform == bindparam("platform"), row.method == bindparam("method"), row.state.in_(states))
            .order_by(row.id))


BEFORE, AFTER = _scan(after=False), _scan(after=True)


def _first_to(session: Session, row: outbox.OutboxRow, query) -> outbox.OutboxRow | None:
    """The first row of ``query`` (``BEFORE`` or ``AFTER`` ``row``) to ``row``'s recipient, if any."""
    who = recipient(row)
    params = {"id": row.id, "platform": row.platform, "method": row.method}
    found = next((i for i, address in session.execute(query, params)
                  if _recipient(row.method, address or {}) == who), None)
    return None if found is None else session.get(outbox.OutboxRow, found)


def earlier_unsent(session: Session, row: outbox.OutboxRow, now: datetime) -> outbox.OutboxRow | None:
    """The oldest message to the same recipient before ``row`` that is not sent yet, if any."""
    return _first_to(session, row, BEFORE)


def next_unsent(session: Session, row: outbox.OutboxRow, now: datetime) -> outbox.OutboxRow | None:
    """The oldest pending message to the same recipient after ``row``: the one to wake when ``row`` is done."""
    if row.method not in ORDERED:
        return None
    return _first_to(session, row, AFTER)


def api(row: outbox.OutboxRow, capabilities: Capabilities) -> str:
    """The rate limit a row's send counts against: its method, except that where the platform declares
    one limit for cards (DingTalk: ``createAndDeliver``, 20 a second), cards with buttons to a person
    and to a group count against that one."""
    return capabilities.rate_api(row.method, bool((row.card or {}).get("buttons")))


def take_token(conn: Redis, platform: str, api_name: str, who: str, limits: Mapping[str, RateLimit]) -> float:
    """Take a send token for ``who`` under ``limits[api_name]`` (one bucket for the app when the limit is
    not per recipient); returns 0 when granted (or nothing limits it), else the seconds to wait."""
    limit = limits.get(api_name)
    if limit is None or not limit.capacity:
        return 0.0
    who = who if limit.per_recipient else "app"  # e.g. DingTalk's QPS limit is per app and API
    ok, wait_ms = conn.register_script(BUCKET)(keys=[keys.rate_bucket(platform, api_name, who)],
                                               args=[limit.capacity, limit.per_second, 1])
    return 0.0 if ok else wait_ms / 1000


def hold(conn: Redis, session: Session, row: outbox.OutboxRow, now: datetime,
         capabilities: Capabilities) -> timedelta | None:
    """How long ``row`` must wait before it may be sent (None: send it now); ``capabilities`` are its
    platform's (the rate limits)."""
    if row.method not in ORDERED:
        return None
    before = earlier_unsent(session, row, now)
    if before is not None:
        ahead = before.next_attempt_at - now if before.state == outbox.PENDING else timedelta(0)
        return max(ahead, timedelta(0)) + timedelta(seconds=1)
    wait = take_token(conn, row.platform, api(row, capabilities), recipient(row), capabilities.rate_limits)
    return timedelta(seconds=wait) if wait else None
