"""The reconciler: the database is the source of truth, Redis a cache of the schedule.

Every ``RECONCILE_INTERVAL`` seconds one reconcile runs cluster-wide: each worker's keeper thread
claims the current time slot (``slot = epoch // interval``) with ``SET NX`` and, when it got the
claim, enqueues the job ``clock-reconcile-<slot>`` on the clock queue — so several workers enqueue a
slot's reconcile once (a job that Redis lost with its claim is claimed and enqueued again). It re-schedules every open duty's next
firing from the database (``worker.clock.arm``), drops firings no duty wants, sweeps due outbox rows
(``worker.delivery.sweep``), enqueues again accepted events RQ lost (``worker.inbox_sweep``), sends the digests that are due (``worker.digests``),
brings the county cases the city desk follows up to date (``worker.county_progress``), performs the due
scripted steps of open drills (``worker.drill_steps``) and tells the desk
of messages that finally failed (``worker.failures``). A Redis that
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


def slot_of(now: datetime, interval: float) -> int:
    """The time slot ``now`` falls in."""
    return int(now.timestamp() // interval)


def reconcile(rt: Runtime, slot: int | None = None, now: datetime | None = None) -> dict | None:
    """Run one reconcile (``slot`` only names it in the log); returns what it did."""
    from worker import clock, county_progress, delivery, digests, drill_steps, failures, inbox_sweep

    now = now or utcnow()
    requeued = inbox_sweep.sweep(rt, now)
    scheduled, cancelled = clock.arm(rt)
    swept = delivery.sweep(rt, now)
    sent = digests.send_due(rt, now)
    progress = county_progress.sweep(rt, now)
    drilled = drill_steps.sweep(rt, now)
    failed = failures.notify_desk(rt, now)
    done = {"at": now.isoformat(), "slot": slot, "scheduled": scheduled, "cancelled": cancelled,
            "swept": swept, "digests": sent, "county_progress": progress, "drill_steps": drilled,
            "failed_reported": failed, "events_requeued": requeued}
    rt.redis.set(keys.reconcile_last(), json.dumps(done))
    log.info("reconcile slot=%s scheduled=%s cancelled=%s swept=%s digests=%s county_progress=%s drill_steps=%s "
             "events_requeued=%s", slot, scheduled, cancelled, swept, sent, progress, drilled, requeued)
    return done


def ensure_slot(conn: redis.Redis, interval: float, now: datetime | None = None) -> bool:
    """Claim the current slot and enqueue its reconcile; returns whether this call did."""
    slot = slot_of(now or utcnow(), interval)
    if not conn.set(keys.reconcile_slot(slot), "1", nx=True, ex=max(int(interval * 3), 5)):
        return False
    queue = Queue(queues.CLOCK, connection=conn, serializer=JSONSerializer)
    queue.enqueue(queues.RECONCILE, slot, job_id=f"clock-reconcile-{slot}", result_ttl=0, failure_ttl=86400,
                  job_timeout=600)
    return True


class Keeper(threading.Thread):
    """A daemon thread in the worker's main process: every quarter period it makes sure the current
    slot's reconcile is queued (a Redis outage is logged and waited out) and calls ``watch`` (the
    worker's clock loop is restarted there when it died)."""

    def __init__(self, redis_url: str, interval: float, watch=None, worker_name: str = "") -> None:
        super().__init__(name="yuqing-reconcile-keeper", daemon=True)
        self.conn = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.interval = interval
        self.watch = watch
        self.worker_name = worker_name
        self.stopped = threading.Event()

    @property
    def period(self) -> float:
        """Seconds between two rounds of the keeper."""
        return max(self.interval / 4, 0.25)

    def alive(self) -> None:
        """Renew the worker's liveness key (bot.inbox.in_flight reads it): three rounds, at least 5 s."""
        if self.worker_name:
            self.conn.set(keys.worker_alive(self.worker_name), "1", px=int(max(self.period * 3, 5) * 1000))

    def run(self) -> None:
        """Loop until :meth:`stop`."""
        while not self.stopped.is_set():
            try:
                self.alive()
                ensure_slot(self.conn, self.interval)
            except redis.RedisError as exc:
                log.warning("reconcile keeper: Redis unavailable (%s); trying again", type(exc).__name__)
            if self.watch is not None and not self.stopped.is_set():
                try:
                    self.watch()
                except Exception:  # the keeper must keep keeping
                    log.exception("reconcile keeper: watch failed")
            self.stopped.wait(self.period)

    def stop(self) -> None:
        """Ask the loop to end (the liveness key goes with it)."""
        self.stopped.set()
        if self.worker_name:
            try:
                self.conn.delete(keys.worker_alive(self.worker_name))
            except redis.RedisError:
                pass
