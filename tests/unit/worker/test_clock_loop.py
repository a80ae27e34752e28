"""The clock loop's batch (worker/clock_loop.py) with a fixed time: it fires every step due, each once,
hands each duty on to its next step, and a firing a loop is running is not scheduled again."""

from __future__ import annotations

from sqlalchemy import select

from bot.schedule import clock_schedule
from bot.store import outbox
from tests.unit.worker.test_clock import case, rt, sent_since  # noqa: F401 - fixtures
from worker import clock
from worker.clock_loop import fire_due


def test_one_batch_fires_every_due_step_once_and_schedules_the_next(rt, case):  # noqa: F811
    clock.arm(rt)
    schedule = clock.scheduled_firings(rt.redis)
    first = min(schedule.values())
    due = {j for j, at in schedule.items() if at <= first}
    assert fire_due(rt, first) == {"sent": len(due)}
    assert len(sent_since(rt, 0)) >= len(due)
    after = clock.scheduled_firings(rt.redis)
    assert not due & set(after) and min(after.values()) > first  # each duty moved on to a later step
    assert clock_schedule.claimed(rt.redis) == set()
    assert fire_due(rt, first) == {}  # nothing is fired twice
    assert clock.arm(rt) == (0, 0)  # the database and the schedule agree


def test_a_firing_being_run_is_not_scheduled_again_until_its_claim_lapses(rt, case):  # noqa: F811
    clock.arm(rt)
    first = min(clock.scheduled_firings(rt.redis).values())
    taken = clock_schedule.claim(rt.redis, first.timestamp(), 1)
    assert len(taken) == 1 and taken[0] not in clock.scheduled_firings(rt.redis)
    assert clock.arm(rt) == (0, 0)  # a loop holds it
    assert clock_schedule.claimed(rt.redis, now=first.timestamp() + 10 ** 10) == set()  # that loop died
    assert clock.arm(rt) == (1, 0) and taken[0] in clock.scheduled_firings(rt.redis)



def test_a_batchs_deliveries_are_queued_together_after_it_not_one_job_each(rt, case, monkeypatch):  # noqa: F811
    from worker import clock_loop

    queued: list[list[int]] = []
    monkeypatch.setattr(clock_loop, "schedule_rows", lambda _rt, ids: queued.append(list(ids)))
    clock.arm(rt)
    for _ in range(4):  # the first steps of the ladder, a batch each
        fire_due(rt, min(clock.scheduled_firings(rt.redis).values()))
    with rt.database.session() as session:
        rows = list(session.scalars(select(outbox.OutboxRow.id).where(outbox.OutboxRow.dedup_id.like("clk:%"))
                                    .order_by(outbox.OutboxRow.id)))
    assert len(queued) == 4 and [i for ids in queued for i in ids] == rows and len(rows) > 4
