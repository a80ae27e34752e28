"""A worker started after the digest time on a working day sends that day's digest once (Art. 12,
docs/clock.md): the daily one and, on the policy's weekday, the weekly one reach every leader and the
desk exactly once — through later reconciles and a restarted worker too. The digest time is set
relative to the test's start (today 00:00 Shanghai, today made a working day), so the test holds on
any day and at any hour."""

from __future__ import annotations

import signal
from collections import Counter

import pytest
import redis

from bot.core.keys import reconcile_last
from bot.org.file import parse_org_file
from tests.faults.stackhelp import start_worker
from tests.integration.stack import SAMPLE_ORG, Stack, wait_for
from tests.support.digest_policy import due_files
from tests.support.messages import is_digest, is_digest_chart
from worker.digests import recipients

# not marked counts_messages: its own policy file makes the digests due at start already, so .ci/run's second
# pass (digests due at start) would run it again to no purpose (tests/support/digest_policy.py)


@pytest.fixture
def digest_stack(redis_url, tmp_path):
    running = Stack(redis_url, tmp_path, extra_env={**due_files(tmp_path), "RECONCILE_INTERVAL": "1",
                                                    "WORKER_TTL": "20", "MAINTENANCE_INTERVAL": "5"})
    yield running
    running.stop()


def digests_received(stack) -> Counter:
    """(person id, 日报|周报) → how many such digests the emulators hold for that person."""
    org, got = parse_org_file(SAMPLE_ORG), Counter()
    for pid in recipients(org):
        person = org.person(pid)
        emulator = getattr(stack.emulator, person.platform)
        for message in emulator.messages_for_user(person.user_id(person.platform)):
            if is_digest(message) and not is_digest_chart(message):  # the weekly chart is no digest of its own
                got[(pid, "周报" if "舆情周报" in str(message) else "日报")] += 1
    return got


def test_a_worker_started_after_the_digest_time_sends_the_days_digests_once(digest_stack):
    expected = Counter({(pid, kind): 1 for pid in recipients(parse_org_file(SAMPLE_ORG)) for kind in ("日报", "周报")})
    assert len(expected) >= 8  # leaders and the desk of the sample bureau
    wait_for(lambda: digests_received(digest_stack) == expected, timeout=60,
             what=f"one daily and one weekly digest each: {digests_received(digest_stack)}\n"
                  + digest_stack.worker_log()[-3000:])
    digest_stack.worker.send_signal(signal.SIGTERM)  # a restart the same day sends nothing again
    digest_stack.worker.wait(timeout=90)  # a warm shutdown finishes its job first: slow on a loaded machine
    server = redis.Redis.from_url(digest_stack.env["REDIS_URL"])
    server.delete(reconcile_last())
    start_worker(digest_stack)
    for _ in range(2):  # two reconciles of the new worker (each checks the digests), then count again
        wait_for(lambda: server.getdel(reconcile_last()), timeout=30, what="the new worker's reconcile")
    assert digests_received(digest_stack) == expected
