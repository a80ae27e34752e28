"""Delivery of outbox rows against a recording messenger: sent once, retried with back-off, failed for good."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from rq import Queue
from rq.registry import ScheduledJobRegistry
from rq.serializers import JSONSerializer

import redis

from bot.config import load
from bot.core import queues
from bot.core.errors import PlatformError
from bot.platforms.base import SentMessage
from bot.platforms.wecom.capabilities import WITHOUT_APP
from bot.store import outbox
from worker.delivery import backoff, deliver, sweep
from worker.runtime import Runtime

NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)


@dataclass
class RecordingMessenger:
    """Records what it was asked to send; raises the queued errors first."""

    platform: str = "wecom"
    errors: list = field(default_factory=list)
    sent: list = field(default_factory=list)
    capabilities = WITHOUT_APP  # WeCom's rate limits; no self-built app

    def send_to_person(self, user_id, card, *, dedup_id=""):
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((user_id, card.kind, dedup_id))
        return SentMessage("wecom", message_id=f"msg-{len(self.sent)}")


@pytest.fixture
def rt(sqlite_database, redis_url):
    messenger = RecordingMessenger()
    return Runtime(load({"REDIS_URL": redis_url}), sqlite_database, redis.Redis.from_url(redis_url), {"wecom": messenger})


def add(rt, dedup="m-1"):
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "wecom", "person", {"user_id": "ligs"},
                                                  {"kind": "notice", "data": {"text": "hi"}}), NOW)


def row(rt, row_id):
    with rt.database.session() as session:
        return session.get(outbox.OutboxRow, row_id)


def test_a_row_is_sent_once(rt):
    row_id = add(rt)
    assert deliver(rt, row_id, NOW) == "sent"
    assert deliver(rt, row_id, NOW) == "skipped"
    assert rt.messengers["wecom"].sent == [("ligs", "notice", "m-1")]
    assert row(rt, row_id).message_id == "msg-1"


def test_a_retryable_failure_is_retried_later_with_backoff(rt):
    rt.messengers["wecom"].errors.append(PlatformError("45009 api freq out of limit", code=45009, retryable=True))
    row_id = add(rt)
    assert deliver(rt, row_id, NOW) == "pending"
    stored = row(rt, row_id)
    assert stored.next_attempt_at == NOW + backoff(1) and "45009" in stored.last_error
    registry = ScheduledJobRegistry(queue=Queue(queues.DELIVERY, connection=rt.redis, serializer=JSONSerializer))
    assert len(registry.get_job_ids()) == 1
    assert deliver(rt, row_id, NOW) == "skipped"
    assert deliver(rt, row_id, NOW + timedelta(seconds=2)) == "sent"


def test_a_permanent_failure_ends_failed_and_is_kept(rt):
    rt.messengers["wecom"].errors.append(PlatformError("60020 not allow to access from your ip", code=60020))
    row_id = add(rt)
    assert deliver(rt, row_id, NOW) == "failed"
    with rt.database.session() as session:
        assert [r.id for r in outbox.failed(session)] == [row_id]


def test_sweep_finds_rows_a_crashed_worker_left(rt):
    row_id = add(rt)
    with rt.database.session() as session:
        outbox.claim(session, row_id, NOW, timedelta(minutes=2))
    assert sweep(rt, NOW + timedelta(minutes=1)) == 0
    assert sweep(rt, NOW + timedelta(minutes=3)) == 1
    assert deliver(rt, row_id, NOW + timedelta(minutes=3)) == "sent"
