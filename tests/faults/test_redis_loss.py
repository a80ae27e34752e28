"""Accepted events survive Redis: the web keeps each authentic event in the database before it answers
200 (bot/store/accepted.py), so events accepted while no worker runs are all answered after the test's
own Redis restarted empty, and events arriving while Redis is down are answered 200 and handled once it
is back — through the reconciler's sweep (worker/inbox_sweep.py). The emulators' records are the judge.
"""

from __future__ import annotations

import signal
import subprocess
from functools import partial

import pytest
import requests
from sqlalchemy import func, select

from bot.localredis import start_private
from bot.store.accepted import AcceptedEventRow
from tests.faults import stackhelp
from tests.faults.redeliver import settled
from tests.faults.stackhelp import kill_worker_tree, start_worker
from tests.integration.stack import Stack, wait_for

DINGTALK, WECOM = ["0523", "0601"], ["zhouks", "jiangks"]


@pytest.fixture
def loss_stack(tmp_path):
    try:
        server = start_private()
    except FileNotFoundError:
        pytest.skip("redis-server is not installed")
    running = Stack(server.url, tmp_path, extra_env={"RECONCILE_INTERVAL": "1", "WORKER_TTL": "20"})
    running.redis_server = server
    yield running
    running.stop()
    running.redis_server.stop()


def stop_worker(stack) -> None:
    """Stop the worker as a supervisor would: SIGTERM, then SIGKILL of the tree if it lingers."""
    stack.worker.send_signal(signal.SIGTERM)
    try:
        stack.worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill_worker_tree(stack)


def patient(condition, what="condition"):
    """wait_for with room for a loaded machine (a worker starting, a reconcile period, the sweep's grace)."""
    return wait_for(condition, timeout=90, what=what)


def say(stack, rounds: int) -> dict[str, int]:
    """Everyone writes 帮助 ``rounds`` times, each answered 200 at the first attempt; returns how many
    each sent."""
    deliveries = []
    for _ in range(rounds):
        deliveries += [stack.emulator.dingtalk.say_to_bot(user, "帮助") for user in DINGTALK]
        deliveries += [stack.emulator.wecom.act_as(user).send_text("帮助") for user in WECOM]
    assert [d.attempts[0].status for d in deliveries] == [200] * len(deliveries)
    return {u: rounds for u in DINGTALK + WECOM}


answers = partial(stackhelp.answers, dingtalk=DINGTALK, wecom=WECOM)


def waiting(stack) -> int:
    with stack.database.session() as session:
        return session.scalar(select(func.count()).select_from(AcceptedEventRow))


@pytest.mark.counts_messages
def test_events_accepted_before_redis_restarted_empty_are_all_answered(loss_stack):
    settled(loss_stack, patient)
    stop_worker(loss_stack)
    sent = say(loss_stack, 3)
    assert waiting(loss_stack) == 12 and answers(loss_stack) == {u: 0 for u in sent}
    loss_stack.redis_server = stackhelp.restart_redis_empty(loss_stack.redis_server)  # every job and dedup key gone
    start_worker(loss_stack)
    patient(lambda: answers(loss_stack) == sent,
             what=f"every answer after an empty Redis (sent {sent})\n" + loss_stack.worker_log()[-3000:])
    settled(loss_stack, patient)
    assert answers(loss_stack) == sent  # exactly one answer each: nothing lost, nothing twice
    assert waiting(loss_stack) == 0
    assert "event enqueued again" in loss_stack.worker_log()


@pytest.mark.counts_messages
def test_events_arriving_while_redis_is_down_are_answered_200_and_handled_after(loss_stack):
    settled(loss_stack, patient)
    port = int(loss_stack.redis_server.url.rsplit(":", 1)[1].split("/")[0])
    loss_stack.redis_server.stop()
    sent = say(loss_stack, 2)
    assert waiting(loss_stack) == 8
    health = requests.get(f"{loss_stack.url}/healthz", timeout=10)
    assert health.status_code == 503 and health.json()["redis"]["ok"] is False
    loss_stack.redis_server = start_private(port)
    patient(lambda: answers(loss_stack) == sent,
             what=f"every answer after Redis came back (sent {sent})\n" + loss_stack.worker_log()[-3000:])
    settled(loss_stack, patient)
    assert answers(loss_stack) == sent and waiting(loss_stack) == 0
