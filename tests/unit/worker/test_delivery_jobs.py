"""A delivery job of many rows (worker.delivery.deliver_rows / schedule_rows): a fan-out's rows go out
in one work horse, in order, each once; rows a batch already carried get no job and no second send;
a job past its time budget or with an event waiting hands the rest to a new job; a send that blows up does not stop the others."""

import pytest
import redis
from rq import Queue
from rq.serializers import JSONSerializer

from bot.config import load
from bot.core import queues
from bot.core.clock import utcnow
from bot.store import outbox
from tests.unit.worker.test_batching import WARNING, BatchingMessenger, add_to_group
from tests.unit.worker.test_delivery import RecordingMessenger, row
from tests.unit.worker.test_inline_delivery import add_to
from worker import delivery
from worker.delivery import ROWS_PER_JOB, deliver_rows, schedule_rows
from worker.events import INLINE_ROWS, deliver_now
from worker.runtime import Runtime


@pytest.fixture
def rt(sqlite_database, redis_url):
    return Runtime(load({"REDIS_URL": redis_url}), sqlite_database, redis.Redis.from_url(redis_url),
                   {"wecom": RecordingMessenger(), "dingtalk": BatchingMessenger()})


def queued(rt) -> list:
    """The delivery jobs waiting on ``yq-delivery``: (function, its first argument)."""
    return [(j.func_name, j.args[0]) for j in Queue(queues.DELIVERY, connection=rt.redis,
                                                   serializer=JSONSerializer).jobs]


def liaison(rt, dedup: str, user: str) -> int:
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "dingtalk", "person", {"user_id": user}, WARNING),
                          utcnow())


def test_a_job_of_many_rows_sends_each_once_in_order(rt):
    ids = [add_to(rt, f"m-{i}", "ligs" if i % 2 else "fenggs") for i in range(8)]
    assert deliver_rows(rt, ids) == {"sent": 8}
    assert [dedup for _, _, dedup in rt.messengers["wecom"].sent] == [f"m-{i}" for i in range(8)]
    assert deliver_rows(rt, ids) == {}  # run again (a retried job): nothing is sent twice
    assert len(rt.messengers["wecom"].sent) == 8 and queued(rt) == []


def test_rows_a_batch_already_carried_get_no_job_and_no_second_send(rt):
    """A DingTalk unit's warning: the group card carries its liaisons' copies in the same call."""
    group = add_to_group(rt, "w-group", WARNING)
    copies = [liaison(rt, "w-0601", "0601"), liaison(rt, "w-0602", "0602")]
    filler = [add_to(rt, f"f-{i}", f"u{i}") for i in range(INLINE_ROWS - 1)]
    deliver_now(rt, [*filler, group, *copies])  # the group row is sent inline and takes the copies along
    assert rt.messengers["dingtalk"].calls == [["IM_GROUP.cidFoodSale01==", "IM_ROBOT.0601", "IM_ROBOT.0602"]]
    assert [row(rt, i).state for i in copies] == ["sent", "sent"] and queued(rt) == []


def test_a_row_carried_by_an_earlier_row_of_the_same_job_is_skipped(rt):
    group = add_to_group(rt, "w-group", WARNING)
    copies = [liaison(rt, "w-0601", "0601"), liaison(rt, "w-0602", "0602")]
    assert deliver_rows(rt, [group, *copies]) == {"sent": 1, "skipped": 2}
    assert len(rt.messengers["dingtalk"].calls) == 1


def test_a_job_past_its_time_budget_hands_the_rest_to_a_new_job(rt):
    ids = [add_to(rt, f"m-{i}", f"u{i}") for i in range(4)]
    assert deliver_rows(rt, ids, budget=0) == {"sent": 1, "queued": 3}  # one row at least, then yield
    assert queued(rt) == [(queues.DELIVER_ROWS, ids[1:])]
    assert deliver_rows(rt, ids[1:]) == {"sent": 3}
    assert [dedup for _, _, dedup in rt.messengers["wecom"].sent] == [f"m-{i}" for i in range(4)]


def test_a_job_yields_to_a_waiting_event_after_its_first_row(rt):
    ids = [add_to(rt, f"m-{i}", f"u{i}") for i in range(3)]
    rt.redis.rpush(Queue(queues.EVENTS, connection=rt.redis).key, "someone-typed")
    assert deliver_rows(rt, ids) == {"sent": 1, "queued": 2}
    assert queued(rt) == [(queues.DELIVER_ROWS, ids[1:])]


def test_many_rows_are_queued_a_job_per_chunk_and_one_row_as_its_own_job(rt):
    ids = [add_to(rt, f"m-{i}", f"u{i}") for i in range(ROWS_PER_JOB + 2)]
    schedule_rows(rt, ids)
    assert queued(rt) == [(queues.DELIVER_ROWS, ids[:ROWS_PER_JOB]),
                          (queues.DELIVER_ROWS, ids[ROWS_PER_JOB:])]
    schedule_rows(rt, ids[:1])
    assert queued(rt)[-1] == (queues.DELIVER, ids[0])


def test_a_send_that_blows_up_does_not_stop_the_rest_of_the_job(rt):
    ids = [add_to(rt, "boom", "ligs"), add_to(rt, "fine", "fenggs"), add_to(rt, "also", "wangw")]
    rt.messengers["wecom"].errors.append(ConnectionResetError("peer reset"))
    assert deliver_rows(rt, ids) == {"error": 1, "sent": 2}
    assert row(rt, ids[0]).state == "sending"  # claimed: a job takes it once its lease lapses
    assert [dedup for _, _, dedup in rt.messengers["wecom"].sent] == ["fine", "also"]


def test_the_sweep_queues_what_it_finds_as_jobs_of_many_rows(rt):
    ids = [add_to(rt, f"m-{i}", f"u{i}") for i in range(3)]
    assert delivery.sweep(rt) == 3
    assert queued(rt) == [(queues.DELIVER_ROWS, ids)]
