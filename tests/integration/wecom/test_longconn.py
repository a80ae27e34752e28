"""The smart bot's long connection end to end: the emulator's WebSocket server ↔ real
``yuqing wecom-connect`` processes ↔ Redis ↔ a real worker. People @-mention and click in their
unit's group; what the group shows is read from the emulator's records."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.serializers import JSONSerializer

from bot.core import queues
from bot.core.card import Card
from bot.core.clock import utcnow
from bot.store import outbox
from tests.integration.stack import ROOT, Stack, wait_for

FOOD_CHAT = "wrFood0001"  # u-food's group in examples/org.yaml: 周科长 (zhouks) and 冯干事 (fenggs)
WS_ENV = {"WECOM_AIBOT_ID": "aibot-yuqing-demo", "WECOM_AIBOT_SECRET": "demo-aibot-secret",
          "WECOM_AIBOT_TOKEN": "", "WECOM_AIBOT_AES_KEY": ""}  # long connection on, callback mode off
LEASE = "2"


class Connectors:
    """``yuqing wecom-connect`` subprocesses of one stack."""

    def __init__(self, stack: Stack, folder: Path) -> None:
        self.stack, self.folder = stack, folder
        self.procs: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        """Start one more connector (it waits while another holds the lease)."""
        log = open(self.folder / f"connector-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "wecom-connect", "--lease", LEASE, "--heartbeat", "5"],
                                env=self.stack.env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        """Every connector's output (for assertion messages)."""
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("connector-*.log")))

    def stop(self) -> None:
        """Stop those still running."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def ws_stack(redis_url, tmp_path):
    """The stack with the smart bot in long-connection mode and one connector running."""
    running = Stack(redis_url, tmp_path, extra_env=WS_ENV)
    connectors = Connectors(running, tmp_path)
    connectors.start()
    running.connectors = connectors
    wait_for(lambda: running.emulator.wecom.longconn.connected, timeout=40,
             what="the connector to subscribe:\n" + connectors.logs())
    yield running
    connectors.stop()
    running.stop()


def _group_cards(wecom) -> list[dict]:
    return [m for m in wecom.messages_for_group(FOOD_CHAT) if m["msgtype"] == "template_card"]


def _send_test_card(stack) -> dict:
    wecom = stack.emulator.wecom
    assert wecom.act_as("zhouks").mention_bot(FOOD_CHAT, "测试卡片").answered
    (message,) = wait_for(lambda: _group_cards(wecom), timeout=40,
                          what="the button card in the group:\n" + stack.worker_log())
    return message


def test_a_group_receives_a_button_card_over_the_long_connection(ws_stack):
    message = _send_test_card(ws_stack)
    assert message["channel"] == "aibot_ws" and message["sender"] == "aibot"
    card = message["content"]
    assert card["card_type"] == "button_interaction" and card["main_title"]["title"] == "测试卡片"
    wecom = ws_stack.emulator.wecom
    for member in ("zhouks", "fenggs"):  # every member of the unit's group holds it
        assert wecom.card_for_user(member, card["task_id"])["clickable"] == ["demo.confirm?n=1"]


def test_a_click_in_the_group_updates_the_card_for_everyone_and_names_the_clicker(ws_stack):
    wecom = ws_stack.emulator.wecom
    card = _send_test_card(ws_stack)["content"]
    assert wecom.act_as("fenggs").click(card["task_id"], "demo.confirm?n=1").answered

    def updated():
        shown = _group_cards(wecom)[0]["content"]
        return shown if shown.get("replace_text") else None

    shown = wait_for(updated, timeout=30, what="the card to change in place:\n" + ws_stack.worker_log())
    assert shown["replace_text"] == "已由 冯干事 确认"
    assert len(_group_cards(wecom)) == 1  # in place, within the 5-second window: no second card
    assert wecom.card_for_user("zhouks", card["task_id"])["clickable"] == []


def test_a_killed_connector_is_replaced_and_nothing_is_lost(ws_stack):
    wecom, connectors = ws_stack.emulator.wecom, ws_stack.connectors
    conn = redis.Redis.from_url(ws_stack.env["REDIS_URL"])
    second = connectors.start()
    time.sleep(1.0)  # the second one polls for the lease meanwhile; it must not connect yet
    assert wecom.longconn.sessions_opened == 1
    assert wecom.act_as("zhouks").mention_bot(FOOD_CHAT, "测试卡片").answered
    wait_for(lambda: conn.keys("rq:job:ev-wecom-*"), what="the first connector to enqueue the mention")
    first = connectors.procs[0]
    first.send_signal(signal.SIGKILL)  # mid-run: its event is being handled, the answer not yet sent
    first.wait()
    row_id = _queue_group_notice(ws_stack, "连接中断期间的通知")  # decided while nobody holds the connection
    wait_for(lambda: wecom.longconn.connected and wecom.longconn.sessions_opened == 2, timeout=30,
             what="the second connector to take over:\n" + connectors.logs())
    texts = lambda: [m["content"].get("content", "") for m in wecom.messages_for_group(FOOD_CHAT)]  # noqa: E731
    wait_for(lambda: any("连接中断期间的通知" in t for t in texts()), timeout=60,
             what=f"outbox row {row_id} delivered:\n{connectors.logs()}\n{ws_stack.worker_log()}")
    wait_for(lambda: _group_cards(wecom), timeout=60, what="the answer to the mention (see the logs)")
    assert second.poll() is None
    assert wecom.act_as("fenggs").mention_bot(FOOD_CHAT, "测试卡片").answered  # the new connection carries
    wait_for(lambda: len(_group_cards(wecom)) == 2, timeout=40, what="the second card")  # events both ways
    time.sleep(1.0)
    assert sum("连接中断期间的通知" in t for t in texts()) == 1 and len(_group_cards(wecom)) == 2


def _queue_group_notice(stack, text: str) -> int:
    """An outbox row for u-food's group and its delivery job, as the worker makes them."""
    message = outbox.Message(f"test:longconn:{text}", "wecom", "group", {"group": {"wecom_aibot_chatid": FOOD_CHAT}},
                             Card("notice", {"text": text}).to_dict())
    with stack.database.session() as session:
        row_id = outbox.add(session, message, utcnow())
    conn = redis.Redis.from_url(stack.env["REDIS_URL"])
    Queue(queues.DELIVERY, connection=conn, serializer=JSONSerializer).enqueue(
        queues.DELIVER, row_id, job_id=f"out-{row_id}-0")
    return row_id


def test_the_warning_card_in_the_group_is_acknowledged_once_by_the_first_of_two_clicks(ws_stack):
    from tests.integration.unit_flow import assignment_states, open_and_assign, timeline_actions

    wecom = ws_stack.emulator.wecom
    case = open_and_assign(ws_stack, ["u-food"])
    (warning,) = wait_for(lambda: _group_cards(wecom), timeout=40,
                          what="the warning card in u-food's group:\n" + ws_stack.worker_log())
    card = warning["content"]
    assert case.number in json.dumps(card, ensure_ascii=False) and card["card_type"] == "button_interaction"
    ack = next(k for k in wecom.card_for_user("zhouks", card["task_id"])["clickable"] if k.startswith("case.ack"))
    assert wecom.act_as("zhouks").click(card["task_id"], ack).answered  # both at once: the frames are
    assert wecom.act_as("fenggs").click(card["task_id"], ack).answered  # pushed before either is handled

    def shown():
        now = _group_cards(wecom)[0]["content"]
        return now if "周科长" in json.dumps(now, ensure_ascii=False) else None

    now = wait_for(shown, timeout=40, what="the group card to name who acknowledged:\n" + ws_stack.worker_log())
    assert not any(k.startswith("case.ack") for k in wecom.card_for_user("fenggs", card["task_id"])["clickable"])
    assert "冯干事" not in json.dumps(now, ensure_ascii=False)
    wait_for(lambda: any("无需重复操作" in str(m["content"]) for m in wecom.messages_for_group(FOOD_CHAT)), timeout=40,
             what="the second click to be answered in the group")
    assert assignment_states(ws_stack, case.case_id) == [("u-food", "acknowledged")]
    assert timeline_actions(ws_stack, case.case_id).count("case.ack") == 1
    assert len(_group_cards(wecom)) == 1


def test_wecom_connect_without_the_long_connection_configured_says_what_to_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECOM_AIBOT")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    done = subprocess.run([sys.executable, "-m", "bot.cli", "wecom-connect"], env=env, cwd=str(ROOT),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "WECOM_AIBOT_ID" in done.stderr and "WECOM_AIBOT_SECRET" in done.stderr
