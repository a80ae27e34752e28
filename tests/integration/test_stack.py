"""The integration stack itself starts, answers /healthz over HTTP, and its worker runs."""

import requests
from rq import Queue
from rq.serializers import JSONSerializer
import redis

from bot.core import queues
from tests.integration.stack import wait_for


def test_stack_serves_and_its_worker_runs_jobs(stack):
    health = requests.get(stack.url + "/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    queue = Queue(queues.CLOCK, connection=redis.Redis.from_url(stack.settings.redis_url), serializer=JSONSerializer)
    job = queue.enqueue(queues.NOOP, "ping")
    wait_for(lambda: job.get_status(refresh=True) == "finished", what="the worker to run a job")
    assert requests.get(stack.emulator.url + "/_emulator/health", timeout=5).json() == {"ok": True}
