"""Dialog state in a real Redis: saved with its timeout firing, stale firings ignored, one event at a time."""

import threading
from datetime import datetime, timedelta, timezone

from rq import Queue
from rq.registry import ScheduledJobRegistry
from rq.serializers import JSONSerializer

from bot.core import queues
from bot.core.conversation import DialogState
from worker.dialogs import DialogStore

NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)


def state(version, minutes=10):
    return DialogState("return_case", "reason", {"case": "YQ-2026-0001"}, (NOW + timedelta(minutes=minutes)).isoformat(), version)


def test_save_load_clear_and_the_timeout_firing_is_scheduled(redis_client):
    store = DialogStore(redis_client)
    store.save("dingtalk", "1:1", "0524", state(1), NOW)
    assert store.load("dingtalk", "1:1", "0524") == state(1)
    registry = ScheduledJobRegistry(queue=Queue(queues.CLOCK, connection=redis_client, serializer=JSONSerializer))
    [job_id] = registry.get_job_ids()
    assert registry.get_scheduled_time(job_id) == NOW + timedelta(minutes=10)
    store.save("dingtalk", "1:1", "0524", None, NOW)
    assert store.load("dingtalk", "1:1", "0524") is None


def test_a_stale_timeout_firing_does_nothing(redis_client):
    store = DialogStore(redis_client)
    store.save("dingtalk", "1:1", "0524", state(1), NOW)
    store.save("dingtalk", "1:1", "0524", state(2, minutes=20), NOW)
    assert not store.expire("dingtalk", "1:1", "0524", 1, NOW + timedelta(minutes=11))
    assert not store.expire("dingtalk", "1:1", "0524", 2, NOW + timedelta(minutes=11))
    assert store.load("dingtalk", "1:1", "0524").version == 2
    assert store.expire("dingtalk", "1:1", "0524", 2, NOW + timedelta(minutes=21))
    assert store.load("dingtalk", "1:1", "0524") is None


def test_events_of_one_key_are_processed_one_at_a_time(redis_client):
    store = DialogStore(redis_client)
    inside, overlaps = [], []

    def work():
        with store.locked("wecom", "1:1", "ligs"):
            if inside:
                overlaps.append(1)
            inside.append(1)
            threading.Event().wait(0.05)
            inside.pop()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == []
