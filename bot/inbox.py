"""Accept authentic events in the web process: the first dedup guard (Redis SET NX EX) and the enqueue.

A platform's retry of an event carries the same dedup key and is dropped here; the database's
unique key on (platform, event key) is the second guard, in the worker, for events that change state.
"""

from __future__ import annotations

import hashlib
import logging

import redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from bot.core import keys, queues
from bot.core.event import Event

log = logging.getLogger(__name__)


def job_id(event: Event) -> str:
    """A deterministic RQ job id for an event (RQ ids allow only [A-Za-z0-9_-])."""
    digest = hashlib.sha256(f"{event.platform}|{event.dedup_key}".encode()).hexdigest()[:32]
    return f"ev-{event.platform}-{digest}"


def accept(conn: redis.Redis, event: Event, ttl: int) -> bool:
    """Enqueue ``event`` unless it was seen within ``ttl`` seconds; returns whether it was enqueued."""
    key = keys.dedup(event.platform, hashlib.sha256(event.dedup_key.encode()).hexdigest())
    if not conn.set(key, "1", nx=True, ex=ttl):
        log.info("duplicate event dropped platform=%s key=%s", event.platform, event.dedup_key)
        return False
    try:
        queue = Queue(queues.EVENTS, connection=conn, serializer=JSONSerializer)
        queue.enqueue(queues.HANDLE_EVENT, event.to_dict(), job_id=job_id(event), result_ttl=3600,
                      failure_ttl=7 * 86400, retry=Retry(max=3, interval=[5, 30, 120]),
                      description=f"{event.platform} {event.kind} from {event.user_id}")
    except redis.RedisError:
        conn.delete(key)
        raise
    log.info("event enqueued platform=%s kind=%s key=%s", event.platform, event.kind, event.dedup_key)
    return True
