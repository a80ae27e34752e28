"""``yuqing worker`` started while Redis is down waits for it, saying so (password masked), instead of
dying with a traceback (a supervisor restarting it in a loop would hide the cause)."""

import logging

from bot.config import load
from bot.localredis import free_port, start_private
from worker.runner import wait_for_redis


def test_a_worker_started_while_redis_is_down_waits_for_it(caplog):
    port = free_port()
    settings = load({"REDIS_URL": f"redis://:secret@127.0.0.1:{port}/0"})
    naps = []

    def nap(seconds):  # Redis "comes back" after three naps: this test's private server
        naps.append(seconds)
        if len(naps) == 3:
            nap.server = start_private(port)

    with caplog.at_level(logging.WARNING, logger="worker.runner"):
        try:
            conn = wait_for_redis(settings, sleep=nap)
            assert conn.ping() and naps == [1.0, 1.0, 1.0]
        finally:
            nap.server.stop()
    assert "does not answer" in caplog.text and "secret" not in caplog.text
