"""``yuqing demo`` (what ``make demo`` runs): the console's address comes first and answers within a
minute, a message typed in the console reaches the bot, and Ctrl-C leaves no process behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from bot import config as config_module
from tests.integration.stack import wait_for

CONSOLE = re.compile(r"控制台 console: (http://\S+/)")


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.status, answer.read().decode()


def test_the_demo_serves_the_console_and_stops_cleanly_on_ctrl_c(redis_url, tmp_path):
    log = tmp_path / "demo.log"
    env = {**os.environ, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}
    demo = subprocess.Popen([sys.executable, "-m", "bot.cli", "demo"], env=env, cwd=str(config_module.ROOT),
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        started = time.monotonic()
        url = wait_for(lambda: (m := CONSOLE.search(log.read_text(errors="replace"))) and m.group(1), 60,
                       what="the console's address")
        printed = log.read_text(errors="replace")
        assert printed.index("控制台 console") < printed.index("模拟器 emulator")  # the console comes first
        status, html = wait_for(lambda: _try(url), 60 - (time.monotonic() - started), what="the console to answer")
        assert status == 200 and "模拟环境" in html

        form = urllib.parse.urlencode({"person": "p-li", "chat": "dingtalk.direct", "text": "帮助"}).encode()
        request = urllib.request.Request(url + "console/send", data=form, headers={"X-Console-Fetch": "1"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200
        query = urllib.parse.urlencode({"person": "p-li", "chat": "dingtalk.direct"})
        wait_for(lambda: "李干事，您好" in _get(url + "console/chat?" + query)[1], 30, what="the bot's answer")
    finally:
        os.killpg(demo.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
        try:
            demo.wait(timeout=30)
        finally:
            if demo.poll() is None:
                os.killpg(demo.pid, signal.SIGKILL)
    assert demo.returncode == 0, log.read_text(errors="replace")[-3000:]
    wait_for(lambda: not _group_alive(demo.pid), 10, what="every process of the demo to stop")


def _try(url: str):
    try:
        return _get(url)
    except OSError:
        return None


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
