"""Accept authentic events in the web process: the first dedup guard and the enqueue, in one Redis
round trip (one Lua script, atomic: the dedup key exists only together with the event's job).

A platform's retry of an event carries the same dedup key and is dropped here; the database's
unique key on (platform, event key) is the second guard, in the worker, for events that change state.

The job is RQ 3.0's own: its hash holds the fields ``Queue.enqueue`` writes (``Job.to_dict`` of a job
made by ``Queue.create_job`` with the JSON serializer and the event's Retry), its id is pushed on
``yq-events`` and the queue added to RQ's set of queues, so the workers run it unchanged. The fields
every event job shares are taken once from a job RQ builds; per event only the four that differ
(data, description, created_at, enqueued_at) are computed here, as RQ computes them — building RQ's
objects for each request cost more than the rest of the request (bench/README.md).
tests/integration/test_inbox.py compares the hash with RQ's own enqueue, field by field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
import zlib

import redis
from redis.commands.core import Script
from rq import Queue, Retry
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from rq.serializers import JSONSerializer
from rq.utils import now, utcformat
from sqlalchemy.exc import SQLAlchemyError

from bot.core import keys, queues
from bot.core.clock import utcnow
from bot.core.event import Event
from bot.store.accepted import keep

log = logging.getLogger(__name__)
RETRY = Retry(max=3, interval=[5, 30, 120])
RESULT_TTL, FAILURE_TTL = 3600, 7 * 86400
QUEUE_KEY = Queue.redis_queue_namespace_prefix + queues.EVENTS
FAILED_KEY = FailedJobRegistry.key_template.format(queues.EVENTS)
SCHEDULED_KEY = ScheduledJobRegistry.key_template.format(queues.EVENTS)
PER_EVENT = ("data", "description", "created_at", "enqueued_at")  # the job hash's fields that differ by event
_EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(Event))

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
# The reconciler's enqueue of an event the database still holds (bot/store/accepted.py): the same job,
# whatever the dedup key says; KEYS: the job's hash, the queue's list, RQ's set of queues, the failed and
# the scheduled registries (a retry the scheduler did not move is enqueued now, not a second time later)
REQUEUE_SCRIPT = """
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('SADD', KEYS[3], KEYS[2])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1
"""
IN_FLIGHT = {b"queued", b"started", b"scheduled", b"deferred"}
_script: Script | None = None
_requeue_script: Script | None = None
_shared: list | None = None


def job_id(event: Event) -> str:
    """A deterministic RQ job id for an event (RQ ids allow only [A-Za-z0-9_-])."""
    digest = hashlib.sha256(f"{event.platform}|{event.dedup_key}".encode()).hexdigest()[:32]
    return f"ev-{event.platform}-{digest}"


def dedup_key(event: Event) -> str:
    """The Redis key of the event's first dedup guard."""
    return keys.dedup(event.platform, hashlib.sha256(event.dedup_key.encode()).hexdigest())


def description(event: Event) -> str:
    return f"{event.platform} {event.kind} from {event.user_id}"


def rq_job(conn: redis.Redis, event: Event) -> Job:
    """The job of ``event`` as RQ's ``Queue.enqueue`` makes it, not written anywhere (no Redis call)."""
    queue = Queue(queues.EVENTS, connection=conn, serializer=JSONSerializer)
    job = queue.create_job(queues.HANDLE_EVENT, args=(event.to_dict(),), job_id=job_id(event),
                           result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL, retry=RETRY, description=description(event))
    job.enqueued_at = now()  # the rest of what enqueue sets (origin, timeout, status) create_job did
    return job


def _flat(fields: dict) -> list:
    """A job hash as HSET's field/value list, values encoded as ``Job.save`` has them encoded."""
    flat: list = []
    for name, value in fields.items():
        flat += [name, value if isinstance(value, (bytes, str)) else str(value)]
    return flat


def _shared_fields(conn: redis.Redis) -> list:
    """The fields every event job has alike, from a job RQ builds (once per process)."""
    global _shared
    if _shared is None:
        sample = Event(platform="-", kind="-", user_id="-", chat_id="-", chat_type="-", dedup_key="-", received_at="-")
        _shared = _flat({k: v for k, v in rq_job(conn, sample).to_dict().items() if k not in PER_EVENT})
    return _shared


def job_fields(conn: redis.Redis, event: Event) -> list:
    """The hash of ``event``'s job as HSET's field/value list: RQ's own fields, with the four that
    differ by event computed as RQ computes them (``Job.data``: the JSON serializer's dump of
    (function, instance, args, kwargs), zlib-compressed)."""
    stamp = utcformat(now())
    payload = {name: getattr(event, name) for name in _EVENT_FIELDS}  # the same JSON as event.to_dict()
    data = zlib.compress(json.dumps([queues.HANDLE_EVENT, None, [payload], {}]).encode("utf-8"))
    return ["created_at", stamp, "data", data, "description", description(event), "enqueued_at", stamp,
            *_shared_fields(conn)]


def accept(conn: redis.Redis, event: Event, ttl: int) -> bool:
    """Enqueue ``event`` unless it was seen within ``ttl`` seconds; returns whether it was enqueued.
    Raises redis.RedisError when Redis fails (then no dedup key was written: the platform's retry gets in)."""
    global _script
    if _script is None:
        _script = conn.register_script(ACCEPT_SCRIPT)
    ident = job_id(event)
    done = _script(keys=[dedup_key(event), Job.redis_job_namespace_prefix + ident, QUEUE_KEY, Queue.redis_queues_keys],
                   args=[int(ttl), ident, *job_fields(conn, event)], client=conn)
    if not done:
        log.info("duplicate event dropped platform=%s key=%s", event.platform, event.dedup_key)
        return False
    # DEBUG: one more line per request costs the burst (bench/README.md); the worker logs each job it runs
    log.debug("event enqueued platform=%s kind=%s key=%s", event.platform, event.kind, event.dedup_key)
    return True


def in_flight(conn: redis.Redis, event: Event, stuck_after: float = 10.0) -> bool:
    """Whether RQ is still on ``event``'s job: queued, deferred, scheduled for a retry that the
    scheduler moves in time (not more than ``stuck_after`` seconds overdue: a SIGKILLed worker's
    scheduler lock stops every scheduler for a minute), or started by a worker that lives (its keeper's
    liveness key; a SIGKILLed worker's job stays "started" until RQ's cleanup notices, minutes later)."""
    ident = job_id(event)
    status, worker = conn.hmget(Job.redis_job_namespace_prefix + ident, "status", "worker_name")
    if status not in IN_FLIGHT:
        return False
    if status == b"scheduled":
        due = conn.zscore(SCHEDULED_KEY, ident)
        return due is not None and due > time.time() - stuck_after
    if status == b"started":
        return bool(worker) and bool(conn.exists(keys.worker_alive(worker.decode())))
    return True


def requeue(conn: redis.Redis, event: Event) -> None:
    """Enqueue ``event``'s job again (the reconciler, for an event the database holds and RQ lost)."""
    global _requeue_script
    if _requeue_script is None:
        _requeue_script = conn.register_script(REQUEUE_SCRIPT)
    ident = job_id(event)
    _requeue_script(keys=[Job.redis_job_namespace_prefix + ident, QUEUE_KEY, Queue.redis_queues_keys, FAILED_KEY,
                          SCHEDULED_KEY],
                    args=[ident, *job_fields(conn, event)], client=conn)


def take(database, conn: redis.Redis, event: Event, ttl: int) -> None:
    """Keep ``event`` in the database, then dedup and enqueue it in Redis — what every way in (the web's
    callback routes, the smart bot's long connection) does with an authentic event. Either one is
    enough: an event kept in the database is enqueued by the reconciler if Redis refused or lost it
    (bot/store/accepted.py); one Redis took while the database was away is handled as before. Raises
    redis.RedisError only when both failed (the caller answers 503: the platform retries)."""
    try:
        keep(database, event, utcnow())
        kept = True
    except SQLAlchemyError as exc:
        log.warning("event not kept in the database (%s); Redis alone carries it key=%s",
                    type(exc).__name__, event.dedup_key)
        kept = False
    try:
        accept(conn, event, ttl)
    except redis.RedisError as exc:
        if not kept:
            raise
        log.warning("event kept in the database only (Redis: %s); the reconciler enqueues it key=%s",
                    type(exc).__name__, event.dedup_key)
