"""An event's rows are sent by the event's own job right after its commit (worker.events.deliver_now):
no delivery job for them, never twice beside a racing delivery job, the rest of a fan-out to one job when
another event waits, and a send that blows up leaves its row to a job once the lease lapses."""

import pytest
import redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
from rq.serializers import JSONSerializer

from bot.config import load
from bot.core import queues
from bot.core.clock import utcnow
from bot.store import outbox
from tests.unit.worker.test_delivery import NOW, RecordingMessenger, add, row
from worker.delivery import deliver, lease
from worker.events import INLINE_ROWS, deliver_now
from worker.runtime import Runtime


@pytest.fixture
def rt(sqlite_database, redis_url):
    return Runtime(load({"REDIS_URL": redis_url}), sqlite_database, redis.Redis.from_url(redis_url),
                   {"wecom": RecordingMessenger()})


def add_to(rt, dedup: str, user: str) -> int:
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "wecom", "person", {"user_id": user},
                                                  {"kind": "notice", "data": {"text": "hi"}}), NOW)


def jobs(rt) -> tuple[int, int]:
    """(delivery jobs queued now, delivery jobs scheduled for later)."""
    queue = Queue(queues.DELIVERY, connection=rt.redis, serializer=JSONSerializer)
    return queue.count, len(ScheduledJobRegistry(queue=queue).get_job_ids())


def test_an_events_rows_are_sent_in_order_by_its_own_job_with_no_delivery_job(rt):
    ids = [add(rt, f"ev-{i}") for i in range(3)]
    deliver_now(rt, ids)
    assert [dedup for _, _, dedup in rt.messengers["wecom"].sent] == ["ev-0", "ev-1", "ev-2"]
    assert [row(rt, i).state for i in ids] == ["sent"] * 3
    assert jobs(rt) == (0, 0)


def test_a_row_a_racing_delivery_job_holds_is_not_sent_twice(rt):
    row_id = add(rt)
    with rt.database.session() as session:  # the sweep's delivery job claimed it first and is sending
        assert outbox.claim(session, row_id, utcnow(), lease(rt)) is not None
    deliver_now(rt, [row_id])
    assert rt.messengers["wecom"].sent == []
    assert deliver(rt, row_id, utcnow() + lease(rt) + lease(rt)) == "sent"  # that job's crash: the lease lapses
    assert len(rt.messengers["wecom"].sent) == 1
    deliver_now(rt, [row_id])
    assert len(rt.messengers["wecom"].sent) == 1


def test_a_fan_out_is_sent_by_the_events_own_job_while_no_other_event_waits(rt):
    ids = [add(rt, f"fan-{i}") for i in range(INLINE_ROWS + 3)]
    deliver_now(rt, ids)
    assert [dedup for _, _, dedup in rt.messengers["wecom"].sent] == [f"fan-{i}" for i in range(INLINE_ROWS + 3)]
    assert jobs(rt) == (0, 0)


def test_when_an_event_waits_the_rest_of_a_fan_out_goes_to_one_job_after_the_first_rows(rt):
    ids = [add(rt, f"fan-{i}") for i in range(INLINE_ROWS + 3)]
    rt.redis.rpush(Queue(queues.EVENTS, connection=rt.redis).key, "someone-typed")  # an event is waiting
    deliver_now(rt, ids)
    assert len(rt.messengers["wecom"].sent) == INLINE_ROWS  # the first rows go anyway
    assert [row(rt, i).state for i in ids] == ["sent"] * INLINE_ROWS + ["pending"] * 3
    assert jobs(rt) == (1, 0)  # one job for the three: no fork per row
    job = Queue(queues.DELIVERY, connection=rt.redis, serializer=JSONSerializer).jobs[0]
    assert job.func_name == queues.DELIVER_ROWS and job.args == [ids[INLINE_ROWS:]]


def test_a_send_that_blows_up_leaves_its_row_to_a_job_after_the_lease_and_the_others_go(rt):
    ids = [add_to(rt, "boom", "ligs"), add_to(rt, "after-boom", "ligs"), add_to(rt, "fine", "fenggs")]
    rt.messengers["wecom"].errors.append(ConnectionResetError("peer reset"))  # not a PlatformError
    deliver_now(rt, ids)
    assert [dedup for _, _, dedup in rt.messengers["wecom"].sent] == ["fine"]
    assert row(rt, ids[0]).state == "sending"  # claimed: nobody sends it before the lease lapses
    assert row(rt, ids[1]).state == "pending"  # waits behind it: one person's messages keep their order
    assert jobs(rt) == (0, 1)
    later = utcnow() + lease(rt) + lease(rt)
    assert deliver(rt, ids[0], later) == "sent"  # that job
    assert [dedup for _, _, dedup in rt.messengers["wecom"].sent] == ["fine", "boom"]
