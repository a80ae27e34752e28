"""Hostile callbacks: a hypothesis fuzzer over every callback route and the intake API, through the
web app of ``create_app`` with a real Redis DB and a migrated database (see tests/faults/harness.py).

Promise: no input answers 5xx; nothing unauthentic changes state (no dedup key, no enqueued job, no
row); the web process sends nothing. Authentic senders with hostile content are refused or, when the
content still is a message, accepted as a well-formed event. CI runs 2,000 inputs, ``make soak`` 50,000.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.faults.harness import Target
from tests.faults.hostile import hostile_request
from tests.faults.seeds import authentic_seeds

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
FUZZ_SETTINGS = {"deadline": None, "database": None, "derandomize": False,
                 "suppress_health_check": list(HealthCheck)}


def fuzz(target: Target, examples: int) -> None:
    @settings(max_examples=examples, **FUZZ_SETTINGS)
    @given(req=hostile_request())
    def run(req):
        target.send(req)

    run()


def check(target: Target, capsys, title: str) -> None:
    figures = target.finish()
    with capsys.disabled():
        print(f"\n[fuzz {title}] {figures.report()}")
    summary = sorted({f"{label} {path}: {detail.strip().splitlines()[-1]}" for label, path, detail in figures.failures})
    assert not figures.failures, "\n".join(summary[:20]) + "\n\nfirst:\n" + figures.failures[0][2]
    assert figures.server_errors == 0 and figures.unauthentic_changes == 0 and figures.outbound == 0


@pytest.fixture
def target(sqlite_database, redis_url, redis_client):
    return Target(sqlite_database, redis_url, redis_client)


def test_the_seeds_are_authentic_and_accepted(target):
    """The fuzzer mutates real requests: unmutated, every one is answered 2xx."""
    for req in authentic_seeds():
        assert target.send(req) < 300, req.label
    assert target.figures.server_errors == 0 and target.figures.authentic_accepted >= 8


def test_hostile_callbacks_ci(target, capsys):
    fuzz(target, 2000)
    check(target, capsys, "CI")


@pytest.mark.slow
@pytest.mark.timeout(2400)  # the full size outlives the suite's 300 s per test
def test_hostile_callbacks_full(target, capsys):
    fuzz(target, 50_000)
    check(target, capsys, "full")
