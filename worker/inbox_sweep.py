"""The reconciler's sweep of accepted events (bot/store/accepted.py): an event the web kept in the
database and no worker handled within ``GRACE`` is enqueued again — unless RQ still holds its job
(queued, scheduled for a retry, or running in a live worker). An event enqueued ``MAX_REQUEUES``
times without being handled (a handler that keeps failing on it) is given up, logged as an error and
counted on /metrics, so one bad event cannot loop forever."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core.clock import utcnow
from bot.inbox import in_flight, requeue
from bot.store import accepted, inbound
from worker.runtime import Runtime

log = logging.getLogger(__name__)
GRACE = timedelta(seconds=10)
MAX_REQUEUES = 5


def sweep(rt: Runtime, now: datetime | None = None) -> int:
    """Enqueue again the events RQ lost; returns how many."""
    now = now or utcnow()
    done = 0
    with rt.database.session() as session:
        for row in accepted.waiting(session, now - GRACE):
            event = accepted.event_of(row)
            if inbound.handled(session, event.platform, event.dedup_key):
                accepted.forget(session, event.platform, event.dedup_key)
                continue
            if in_flight(rt.redis, event):
                continue
            if row.requeues >= MAX_REQUEUES:
                log.error("event given up after %s enqueues platform=%s kind=%s user=%s key=%s",
                          row.requeues, event.platform, event.kind, event.user_id, event.dedup_key)
                accepted.requeued(session, row, now, give_up=True)
                continue
            requeue(rt.redis, event)
            accepted.requeued(session, row, now, give_up=False)
            log.warning("event enqueued again (RQ no longer held it) platform=%s kind=%s key=%s",
                        event.platform, event.kind, event.dedup_key)
            done += 1
    return done
