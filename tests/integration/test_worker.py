"""`yuqing worker`: an RQ worker with the JSON serializer runs jobs enqueued by dotted name."""

import os
import subprocess
import sys

import redis
from rq import Queue
from rq.serializers import JSONSerializer

from bot.core import queues


def test_worker_runs_a_job_enqueued_by_name(redis_url, tmp_path):
    conn = redis.Redis.from_url(redis_url)
    queue = Queue(queues.EVENTS, connection=conn, serializer=JSONSerializer)
    job = queue.enqueue(queues.NOOP, "hello")
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "worker", "--burst"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    job.refresh()
    assert job.get_status() == "finished"
    assert job.return_value() == "hello"
