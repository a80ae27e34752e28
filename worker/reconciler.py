"""The reconciler: the database is the source of truth, Redis a cache of the schedule.

Every ``RECONCILE_INTERVAL`` seconds one reconcile runs cluster-wide: each worker's keeper thread
enqueues the job ``clock-reconcile-<slot>`` for the current time slot (``slot = epoch // interval``)
on the clock queue, and the job claims the slot with ``SET NX`` before doing anything, so several
workers — and a job enqueued twice — reconcile a slot once. It re-schedules every open duty's next
firing from the database (``worker.clock.arm``), drops firings no duty wants, sweeps due outbox rows
(``worker.delivery.sweep``) and sends the digests that are due (``worker.digests``). A Redis that
lost everything is refilled within one period, because the keepers live in the worker processes,
not in Redis. RQ 3.0's ``rq cron`` is not used: it is a separate process with no lock or leader
election (two would double every run) and it keeps its schedule in memory.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime

import redis
from rq import Queue
from rq.serializers import JSONSerializer

from bot.core import keys, queues
from bot.core.clock import utcnow
from worker.runtime import Runtime

log = logging.getLogger(__name__)
RECONCILE = "worker.jobs.reconcile"


def slot_of(now: datetime, interval: float) -> int:
    """The time slot ``now`` falls in."""
    return int(now.timestamp() // interval)


def reconcile(rt: Runtime, slot: int | None = None, now: datetime | None = None) -> dict | None:
    """Run one slot's reconcile unless another worker claimed it; returns what it did (None: not ours)."""
    from worker import clock, delivery, digests

    now = now or utcnow()
    interval = rt.settings.reconcile_interval
    if slot is not None and not rt.redis.set(keys.reconcile_slot(slot), "1", nx=True, ex=max(int(interval * 3), 5)):
        return None
    scheduled, cancelled = clock.arm(rt)
    swept = delivery.sweep(rt, now)
    sent = digests.send_due(rt, now)
    done = {"at": now.isoformat(), "slot": slot, "scheduled": scheduled, "cancelled": cancelled,
            "swept": swept, "digests": sent}
    rt.redis.set(keys.reconcile_last(), json.dumps(done))
    log.info("reconcile slot=%s scheduled=%s cancelled=%s swept=%s digests=%s", slot, scheduled, cancelled, swept, sent)
    return done


def ensure_slot(conn: redis.Redis, interval: float, now: datetime | None = None) -> bool:
    """Enqueue the current slot's reconcile unless it was claimed already; returns whether it enqueued."""
    slot = slot_of(now or utcnow(), interval)
    if conn.exists(keys.reconcile_slot(slot)):
        return False
    queue = Queue(queues.CLOCK, connection=conn, serializer=JSONSerializer)
    queue.enqueue(RECONCILE, slot, job_id=f"clock-reconcile-{slot}", result_ttl=int(interval * 3) + 5,
                  failure_ttl=86400, job_timeout=600, at_front=True)
    return True


class Keeper(threading.Thread):
    """A daemon thread in the worker's main process: every quarter period it makes sure the current
    slot's reconcile is queued (a Redis outage is logged and waited out)."""

    def __init__(self, redis_url: str, interval: float) -> None:
        super().__init__(name="yuqing-reconcile-keeper", daemon=True)
        self.conn = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        """Loop until :meth:`stop`."""
        while not self.stopped.is_set():
            try:
                ensure_slot(self.conn, self.interval)
            except redis.RedisError as exc:
                log.warning("reconcile keeper: Redis unavailable (%s); trying again", type(exc).__name__)
            self.stopped.wait(max(self.interval / 4, 0.25))

    def stop(self) -> None:
        """Ask the loop to end."""
        self.stopped.set()
