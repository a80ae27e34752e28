"""The reconciler's sweep of accepted events (worker/inbox_sweep.py): an event the database keeps is
enqueued again only when RQ no longer holds its job — lost with Redis, started by a dead worker, or a
retry the scheduler does not move — never while it is queued or running, and given up after five."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

import pytest
import redis
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy import select

from bot import inbox
from bot.config import load
from bot.core import keys, queues
from bot.core.event import Event
from bot.store import accepted, inbound
from worker import inbox_sweep
from worker.runtime import Runtime

NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)
QUEUE = f"rq:queue:{queues.EVENTS}"


@pytest.fixture
def rt(sqlite_database, redis_url):
    return Runtime(load({"REDIS_URL": redis_url}), sqlite_database, redis.Redis.from_url(redis_url), {})


def event(key: str = "msg-1") -> Event:
    return Event(platform="wecom", kind="text", user_id="ligs", chat_id="ligs", chat_type="single", dedup_key=key,
                 received_at=NOW.isoformat(), text="帮助")


def kept(rt, ev: Event, at: datetime = NOW - timedelta(minutes=1)) -> None:
    accepted.keep(rt.database, ev, at)


def rows(rt) -> list:
    with rt.database.session() as session:
        return [(r.event_key, r.requeues, r.given_up_at is not None)
                for r in session.scalars(select(accepted.AcceptedEventRow))]


def queued(rt) -> list[bytes]:
    return rt.redis.lrange(QUEUE, 0, -1)


def test_a_queued_event_is_left_to_rq(rt):
    ev = event()
    kept(rt, ev)
    inbox.accept(rt.redis, ev, ttl=600)
    assert inbox_sweep.sweep(rt, NOW) == 0
    assert queued(rt) == [inbox.job_id(ev).encode()] and rows(rt)[0][1] == 0


def test_an_event_redis_lost_is_enqueued_again_as_rqs_own_job(rt):
    ev = event()
    kept(rt, ev)  # accepted, then Redis restarted empty: no job, no dedup key
    assert inbox_sweep.sweep(rt, NOW) == 1
    assert queued(rt) == [inbox.job_id(ev).encode()]
    job = Job.fetch(inbox.job_id(ev), connection=rt.redis, serializer=JSONSerializer)
    assert (job.func_name, job.args[0]["dedup_key"], job.get_status()) == (queues.HANDLE_EVENT, "msg-1", "queued")
    assert rows(rt)[0][1] == 1
    assert inbox_sweep.sweep(rt, NOW) == 0  # now queued: not twice


def test_a_fresh_event_waits_its_grace(rt):
    kept(rt, event(), at=NOW - timedelta(seconds=3))
    assert inbox_sweep.sweep(rt, NOW) == 0 and queued(rt) == []


def test_a_job_started_by_a_dead_worker_is_enqueued_again_a_live_ones_is_not(rt):
    ev = event()
    kept(rt, ev)
    inbox.accept(rt.redis, ev, ttl=600)
    rt.redis.lpop(QUEUE)
    rt.redis.hset(f"rq:job:{inbox.job_id(ev)}", mapping={"status": "started", "worker_name": "w1"})
    rt.redis.set(keys.worker_alive("w1"), "1")
    assert inbox_sweep.sweep(rt, NOW) == 0
    rt.redis.delete(keys.worker_alive("w1"))  # SIGKILLed: its keeper no longer renews the key
    assert inbox_sweep.sweep(rt, NOW) == 1 and queued(rt) == [inbox.job_id(ev).encode()]


def test_a_retry_the_scheduler_does_not_move_is_enqueued_once(rt):
    ev = event()
    kept(rt, ev)
    inbox.accept(rt.redis, ev, ttl=600)
    rt.redis.lpop(QUEUE)
    ident, scheduled = inbox.job_id(ev), f"rq:scheduled:{queues.EVENTS}"
    rt.redis.hset(f"rq:job:{ident}", "status", "scheduled")
    rt.redis.zadd(scheduled, {ident: time.time() + 30})
    assert inbox_sweep.sweep(rt, NOW) == 0  # due later: the scheduler will move it
    rt.redis.zadd(scheduled, {ident: time.time() - 60})  # a minute overdue: every scheduler stopped
    assert inbox_sweep.sweep(rt, NOW) == 1
    assert queued(rt) == [ident.encode()] and rt.redis.zscore(scheduled, ident) is None


def test_a_handled_event_is_forgotten_not_enqueued(rt):
    ev = event()
    kept(rt, ev)
    with rt.database.session() as session:
        inbound.mark_handled(session, ev.platform, ev.dedup_key, NOW)
    assert inbox_sweep.sweep(rt, NOW) == 0 and queued(rt) == [] and rows(rt) == []


def test_an_event_that_keeps_failing_is_given_up_after_five_with_an_error(rt, caplog):
    ev = event()
    kept(rt, ev)
    for attempt in range(inbox_sweep.MAX_REQUEUES):
        rt.redis.delete(QUEUE, f"rq:job:{inbox.job_id(ev)}")  # its job failed for good, or was lost again
        later = NOW + timedelta(minutes=attempt + 1)
        assert inbox_sweep.sweep(rt, later) == 1
    rt.redis.delete(QUEUE, f"rq:job:{inbox.job_id(ev)}")
    with caplog.at_level(logging.ERROR, logger="worker.inbox_sweep"):
        assert inbox_sweep.sweep(rt, NOW + timedelta(hours=1)) == 0
    assert "event given up after 5 enqueues" in caplog.text
    assert rows(rt)[0][1:] == (5, True)
    with rt.database.session() as session:
        assert accepted.counts(session) == (0, 1)
    assert inbox_sweep.sweep(rt, NOW + timedelta(hours=2)) == 0 and queued(rt) == []


def test_keeping_the_same_event_twice_keeps_one_row(rt):
    kept(rt, event())
    kept(rt, event())
    assert len(rows(rt)) == 1

