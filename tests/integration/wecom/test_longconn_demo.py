"""``yuqing demo`` with the smart bot's long connection (WECOM_AIBOT_SECRET set): the demo starts a
connector, and a group @-mention made through the emulator's control API comes back as a button
card in the unit's group; Ctrl-C stops the connector too."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

from bot import config as config_module
from tests.integration.stack import wait_for

EMULATOR = re.compile(r"模拟器 emulator: (http://\S+)")
FOOD_CHAT = "wrFood0001"


def _call(url: str, data: dict | None = None):
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except OSError:
        return None


def test_the_demo_runs_the_long_connection_when_asked(redis_url, tmp_path):
    log = tmp_path / "demo.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECOM_AIBOT")}
    env.update(REDIS_URL=redis_url, PYTHONUNBUFFERED="1", WECOM_AIBOT_SECRET="demo-aibot-secret")
    demo = subprocess.Popen([sys.executable, "-m", "bot.cli", "demo"], env=env, cwd=str(config_module.ROOT),
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = wait_for(lambda: (m := EMULATOR.search(log.read_text(errors="replace"))) and m.group(1), 60,
                        what="the emulator's address")
        directory = wait_for(lambda: _call(base + "/_emulator/wecom/directory"), 30, what="the emulator")
        assert directory["aibot_ws"] and directory["ws_url"].startswith("ws://") and not directory["aibot"]
        act = {"userid": "zhouks", "action": "mention", "chatid": FOOD_CHAT, "content": "测试卡片"}
        wait_for(lambda: (d := _call(base + "/_emulator/wecom/act", act)) and d.get("answered"), 60,
                 what="the connector to subscribe:\n" + log.read_text(errors="replace")[-3000:])
        cards = lambda: [m for m in _call(base + f"/_emulator/wecom/groups/{FOOD_CHAT}/messages") or []  # noqa: E731
                         if m["msgtype"] == "template_card"]
        (card,) = wait_for(cards, 60, what="the card in the group:\n" + log.read_text(errors="replace")[-3000:])
        assert card["channel"] == "aibot_ws" and card["content"]["button_list"]
    finally:
        os.killpg(demo.pid, signal.SIGINT)
        try:
            demo.wait(timeout=30)
        finally:
            if demo.poll() is None:
                os.killpg(demo.pid, signal.SIGKILL)
    assert demo.returncode == 0, log.read_text(errors="replace")[-3000:]
