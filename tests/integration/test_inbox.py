"""bot/inbox.py's one-round-trip accept: the job it writes is the one RQ's own enqueue writes, a real
worker runs it, the same event twice gives one job, and a failed script leaves no dedup key behind."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest
import redis
from rq import Queue, Retry
from rq.job import Job
from rq.serializers import JSONSerializer

from bot import inbox
from bot.core import queues
from bot.core.event import Event

TIMESTAMPS = {b"created_at", b"enqueued_at"}


def event(key: str = "msg-1", user: str = "nobody") -> Event:
    return Event(platform="wecom", kind="text", user_id=user, chat_id=user, chat_type="single", dedup_key=key,
                 received_at="2026-11-29T12:00:00+00:00", text="帮助", raw={"MsgId": key})


def rq_enqueue(conn: redis.Redis, ev: Event) -> Job:
    """The event's job as RQ's own Queue.enqueue writes it (what bot/inbox.py did before the script)."""
    queue = Queue(queues.EVENTS, connection=conn, serializer=JSONSerializer)
    return queue.enqueue(queues.HANDLE_EVENT, ev.to_dict(), job_id=inbox.job_id(ev), result_ttl=3600,
                         failure_ttl=7 * 86400, retry=Retry(max=3, interval=[5, 30, 120]),
                         description=f"{ev.platform} {ev.kind} from {ev.user_id}")


def written(conn: redis.Redis, job_id: str) -> dict:
    """Everything Redis holds of a job: its hash (timestamps aside), key TTL, queue and the queue set."""
    key = f"rq:job:{job_id}"
    fields = {k: v for k, v in conn.hgetall(key).items() if k not in TIMESTAMPS}
    return {"fields": fields, "field_names": set(conn.hkeys(key)), "ttl": conn.ttl(key),
            "queue": conn.lrange(f"rq:queue:{queues.EVENTS}", 0, -1), "queues": conn.smembers("rq:queues")}


@pytest.mark.parametrize("ev", [event(), Event(
    platform="dingtalk", kind="click", user_id="0524", chat_id="cid-群", chat_type="group", dedup_key="card-9",
    received_at="2026-11-29T12:00:01+00:00", action="confirm", params={"case": 7, "list": [1, "二"]},
    card_id="c1", reply={"sessionWebhook": "https://x/y?z=1"}, attachments=[{"name": "图.png", "size": 3}],
    raw={"nested": {"k": None, "f": 1.5, "b": True}})], ids=["wecom-text", "dingtalk-click"])
def test_the_job_written_by_the_script_equals_rqs_own_enqueue(redis_client, ev):
    rq_enqueue(redis_client, ev)
    by_rq = written(redis_client, inbox.job_id(ev))
    redis_client.delete(f"rq:job:{inbox.job_id(ev)}", f"rq:queue:{queues.EVENTS}", "rq:queues")

    assert inbox.accept(redis_client, ev, ttl=600) is True
    by_script = written(redis_client, inbox.job_id(ev))
    assert by_script == by_rq
    assert b"retries_left" in by_script["field_names"] and TIMESTAMPS <= by_script["field_names"]
    job = Job.fetch(inbox.job_id(ev), connection=redis_client, serializer=JSONSerializer)
    assert (job.func_name, list(job.args), job.kwargs, job.retries_left, job.retry_intervals) == \
        (queues.HANDLE_EVENT, [ev.to_dict()], {}, 3, [5, 30, 120])
    assert job.get_status() == "queued" and job.enqueued_at is not None and job.created_at is not None
    assert 590 <= redis_client.ttl(inbox.dedup_key(ev)) <= 600


def test_the_same_event_twice_is_one_job(redis_client):
    assert inbox.accept(redis_client, event("twice"), ttl=600) is True
    assert inbox.accept(redis_client, event("twice"), ttl=600) is False
    assert redis_client.lrange(f"rq:queue:{queues.EVENTS}", 0, -1) == [inbox.job_id(event("twice")).encode()]
    assert inbox.accept(redis_client, event("another"), ttl=600) is True
    assert redis_client.llen(f"rq:queue:{queues.EVENTS}") == 2


def test_a_failed_script_leaves_no_dedup_key_and_the_retry_is_accepted(redis_client):
    ev = event("broken")
    redis_client.set(f"rq:job:{inbox.job_id(ev)}", "not a hash")  # HSET fails half-way through the script
    with pytest.raises(redis.ResponseError):
        inbox.accept(redis_client, ev, ttl=600)
    assert not redis_client.exists(inbox.dedup_key(ev))
    assert redis_client.llen(f"rq:queue:{queues.EVENTS}") == 0

    redis_client.delete(f"rq:job:{inbox.job_id(ev)}")
    assert inbox.accept(redis_client, ev, ttl=600) is True  # the platform's retry gets in
    assert redis_client.llen(f"rq:queue:{queues.EVENTS}") == 1


def test_a_real_worker_runs_the_accepted_job(redis_url, sqlite_database, tmp_path):
    conn = redis.Redis.from_url(redis_url)
    # no such person in the empty org, chatting in a group without addressing the bot: handled, no reply
    ev = replace(event("worker", user="a-stranger"), chat_type="group", chat_id="g-1")
    assert inbox.accept(conn, ev, ttl=600) is True
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": str(sqlite_database.engine.url)}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "worker", "--burst"], check=False, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    job = Job.fetch(inbox.job_id(ev), connection=conn, serializer=JSONSerializer)
    assert job.get_status() == "finished", done.stderr[-2000:]
    assert job.return_value() == 0
