"""Accept authentic events in the web process: the first dedup guard and the enqueue, in one Redis
round trip (one Lua script, atomic: the dedup key exists only together with the event's job).

A platform's retry of an event carries the same dedup key and is dropped here; the database's
unique key on (platform, event key) is the second guard, in the worker, for events that change state.

The job is RQ 3.0's own: built by ``Queue.create_job`` with the JSON serializer and the event's
Retry, its hash written with the fields ``Job.to_dict`` gives, its id pushed on ``yq-events`` and the
queue added to RQ's set of queues — what ``Queue.enqueue`` writes, so the workers run it unchanged
(tests/integration/test_inbox_script.py compares the two field by field).
"""

from __future__ import annotations

import hashlib
import logging

import redis
from redis.commands.core import Script
from rq import Queue, Retry
from rq.serializers import JSONSerializer
from rq.utils import now

from bot.core import keys, queues
from bot.core.event import Event

log = logging.getLogger(__name__)
RETRY = Retry(max=3, interval=[5, 30, 120])
RESULT_TTL, FAILURE_TTL = 3600, 7 * 86400

# KEYS: the dedup key, the job's hash, the queue's list, RQ's set of queues
# ARGV: the dedup key's TTL, the job id, then the job hash's field/value pairs
# The dedup key is written last, so a script stopped half-way by an error leaves no guard without a job.
ACCEPT_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return 0
end
redis.call('SADD', KEYS[4], KEYS[3])
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('SET', KEYS[1], '1', 'EX', tonumber(ARGV[1]))
return 1
"""
_script: Script | None = None


def job_id(event: Event) -> str:
    """A deterministic RQ job id for an event (RQ ids allow only [A-Za-z0-9_-])."""
    digest = hashlib.sha256(f"{event.platform}|{event.dedup_key}".encode()).hexdigest()[:32]
    return f"ev-{event.platform}-{digest}"


def dedup_key(event: Event) -> str:
    """The Redis key of the event's first dedup guard."""
    return keys.dedup(event.platform, hashlib.sha256(event.dedup_key.encode()).hexdigest())


def event_job(queue: Queue, event: Event):
    """The RQ job of ``event`` as ``queue.enqueue`` would create it, not yet written anywhere."""
    job = queue.create_job(queues.HANDLE_EVENT, args=(event.to_dict(),), job_id=job_id(event),
                           result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL, retry=RETRY,
                           description=f"{event.platform} {event.kind} from {event.user_id}")
    job.enqueued_at = now()  # the rest of what enqueue sets (origin, timeout, status) create_job did
    return job


def _fields(job) -> list:
    """The job hash as HSET's field/value list (what ``Job.save`` writes)."""
    flat: list = []
    for name, value in job.to_dict().items():
        flat += [name, value if isinstance(value, (bytes, str)) else str(value)]
    return flat


def accept(conn: redis.Redis, event: Event, ttl: int) -> bool:
    """Enqueue ``event`` unless it was seen within ``ttl`` seconds; returns whether it was enqueued.
    Raises redis.RedisError when Redis fails (then nothing was written: the platform retries)."""
    global _script
    if _script is None:
        _script = conn.register_script(ACCEPT_SCRIPT)
    queue = Queue(queues.EVENTS, connection=conn, serializer=JSONSerializer)
    job = event_job(queue, event)
    done = _script(keys=[dedup_key(event), job.key, queue.key, queue.redis_queues_keys],
                   args=[int(ttl), job.id, *_fields(job)], client=conn)
    if not done:
        log.info("duplicate event dropped platform=%s key=%s", event.platform, event.dedup_key)
        return False
    log.info("event enqueued platform=%s kind=%s key=%s", event.platform, event.kind, event.dedup_key)
    return True
