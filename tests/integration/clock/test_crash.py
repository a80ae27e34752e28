"""SIGKILL a worker and its work horse while they deliver a batch, start another: every message
arrives; a duplicate only where the kill fell inside a send on a platform that does not de-duplicate
(design.md, "Delivery guarantees") — counted and printed."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

import pytest

from tests.integration.clock.test_throttling import queue_messages, texts
from tests.integration.stack import Stack, wait_for
from bot.platforms.dingtalk.outbound import BATCH
from tests.support.workers import spawn_worker

PEOPLE = {"wecom": ["zhouks", "jiangks"], "dingtalk": ["0523", "0601"]}
PER_PERSON = 8


@pytest.fixture
def stack(redis_url, tmp_path):
    running = Stack(redis_url, tmp_path, extra_env={"RECONCILE_INTERVAL": "1", "WORKER_TTL": "20",
                                                    "DELIVERY_LEASE": "3"})
    yield running
    running.stop()


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the worker's scheduler and work horse)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def received(stack) -> dict[tuple[str, str], list[int]]:
    """Which numbered messages each person got, duplicates included."""
    out = {}
    for platform, users in PEOPLE.items():
        for user in users:
            seen = texts(stack, platform, user)
            out[(platform, user)] = [n for line in seen for n in range(PER_PERSON) if f"第{n}条" in line]
    return out


def test_a_worker_killed_mid_batch_loses_nothing(stack):
    stack.emulator.wecom.inject_fault("delay", 0.4, path="message/send")
    stack.emulator.dingtalk.inject("slow", family="api", seconds=0.4, path="/v1.0/robot/oToMessages")
    queue_messages(stack, PER_PERSON)
    wait_for(lambda: sum(map(len, received(stack).values())) >= 4, timeout=30, what="the batch to start arriving")
    killed, victims = stack.worker.pid, children(stack.worker.pid)
    for pid in [*victims, killed]:
        with contextlib.suppress(ProcessLookupError):  # a work horse may finish its job first
            os.kill(pid, signal.SIGKILL)
    stack.worker.wait()
    arrived_before = sum(map(len, received(stack).values()))
    stack.worker = spawn_worker(stack.env, stack.folder / "worker2.log")
    wait_for(lambda: all(set(got) == set(range(PER_PERSON)) for got in received(stack).values()), timeout=60,
             what="every message after the crash")
    got = received(stack)
    duplicates = {who: len(ns) - len(set(ns)) for who, ns in got.items() if len(ns) != len(set(ns))}
    total = sum(map(len, got.values()))
    print(f"killed worker {killed} and {len(victims)} children with {arrived_before} of "
          f"{len(got) * PER_PERSON} delivered; after the restart all arrived, duplicates: {duplicates or 'none'} "
          f"({total - len(got) * PER_PERSON} extra)")
    # design.md: a duplicate only where the kill fell between the platform accepting a send and our
    # recording it. One kill falls into at most one send: a WeCom app message (these notices are markdown;
    # WeCom's enable_duplicate_check is set for template cards only) — one person sees it twice — or one
    # DingTalk batch call (one card to ≤ 20 people) — each of its people may see it twice, nobody more
    assert set(duplicates.values()) <= {1}
    on = {p for p, _ in duplicates}
    assert on <= {"wecom"} and len(duplicates) <= 1 or on <= {"dingtalk"} and len(duplicates) <= BATCH
