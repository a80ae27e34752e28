"""Helpers for fault tests through the stack (tests/integration/stack.py): signed DingTalk card clicks
posted straight to the web app (as DingTalk would, for people the emulator does not know), extra
worker processes, an organisation with more liaisons, and handled-event counts.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import requests
import yaml
from sqlalchemy import func, select

from bot.core.clock import utcnow
from bot.org.file import parse_org_file
from bot.store.inbound import InboundEventRow
from bot.store.org_repo import apply_organisation
from tests.faults.seeds import card_headers
from tests.integration.stack import SAMPLE_ORG
from tests.support.messages import without_digests
from tests.support.workers import spawn_worker, stop_workers


def click_body(out_track_id: str, userid: str, action: str, params: dict, space: str) -> bytes:
    """A card click as DingTalk posts it (the emulator's clicker writes the same shape)."""
    content = json.dumps({"cardPrivateData": {"actionIds": [action], "params": params}}, ensure_ascii=False)
    return json.dumps({"type": "actionCallback", "outTrackId": out_track_id, "corpId": "dingdemo", "userId": userid,
                       "userIdType": 1, "spaceType": "im", "spaceId": space, "extension": "{}",
                       "content": content, "value": content}, ensure_ascii=False).encode()


def post_click(stack, body: bytes, ts_ms: int | None = None) -> int:
    """POST one signed card callback to the stack's web app; returns the status."""
    headers = {**card_headers(ts_ms), "Content-Type": "application/json"}
    return requests.post(f"{stack.url}/dingtalk/card", data=body, headers=headers, timeout=20).status_code


def with_liaisons(stack, unit: str, count: int, folder: Path) -> list[str]:
    """Give ``unit`` ``count`` more DingTalk liaisons (ids 09000…); returns their DingTalk user ids."""
    data = yaml.safe_load(SAMPLE_ORG.read_text(encoding="utf-8"))
    ids = [f"09{i:03d}" for i in range(count)]
    data["people"] += [{"id": f"p-x{i:03d}", "name": f"测试员{i:03d}", "dingtalk": uid} for i, uid in enumerate(ids)]
    for entry in data["units"]:
        if entry["id"] == unit:
            entry["liaisons"] = list(entry.get("liaisons", [])) + [f"p-x{i:03d}" for i in range(count)]
    path = folder / "org-more.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with stack.database.session() as session:
        apply_organisation(session, parse_org_file(path), utcnow())
    return ids


def reload_org(stack, folder: Path, edit) -> None:
    """Load the sample organisation file changed by ``edit(data)`` into the stack, as ``yuqing org load`` does."""
    data = yaml.safe_load(SAMPLE_ORG.read_text(encoding="utf-8"))
    edit(data)
    path = folder / "org-edited.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with stack.database.session() as session:
        apply_organisation(session, parse_org_file(path), utcnow())


def more_workers(stack, count: int) -> list[subprocess.Popen]:
    """``count`` more ``yuqing worker`` processes on the stack's Redis and database."""
    return [spawn_worker(stack.env, stack.folder / f"worker-extra-{i}.log") for i in range(count)]


def stop(processes: list[subprocess.Popen]) -> None:
    """Terminate processes this test started and reap them."""
    stop_workers(processes, timeout=20)


def handled_events(stack, platform: str = "dingtalk") -> int:
    """How many inbound events of ``platform`` the workers recorded as handled."""
    with stack.database.session() as session:
        return session.scalar(select(func.count()).select_from(InboundEventRow)
                              .where(InboundEventRow.platform == platform))


def now_ms() -> int:
    """Milliseconds since the epoch."""
    return int(time.time() * 1000)


def kill_worker_tree(stack) -> list[int]:
    """SIGKILL the stack's worker and its children (scheduler, work horse); returns the pids killed."""
    import os
    import signal

    from tests.integration.clock.test_crash import children

    pid = stack.worker.pid
    victims = [pid, *children(pid)]
    for victim in victims:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:  # a work horse may have finished its job first
            pass
    stack.worker.wait()
    return victims


def start_worker(stack, log_name: str = "worker.log") -> subprocess.Popen:
    """Start a fresh ``yuqing worker`` for the stack (as a supervisor would), appending to its log."""
    stack.worker = spawn_worker(stack.env, stack.folder / log_name, append=True)
    return stack.worker


def answers(stack, dingtalk: list[str], wecom: list[str]) -> dict[str, int]:
    """How many messages the bot sent each of these DingTalk and WeCom people 1:1 (the emulators' records),
    digests left out (they are not answers)."""
    out = {u: len(without_digests(stack.emulator.dingtalk.messages_for_user(u))) for u in dingtalk}
    out.update({u: len(without_digests(stack.emulator.wecom.messages_for_user(u))) for u in wecom})
    return out


def restart_redis_empty(server):
    """Stop a test's own Redis (bot.localredis.start_private) and start an empty one on the same port."""
    from bot.localredis import start_private

    port = int(server.url.rsplit(":", 1)[1].split("/")[0])
    server.stop()
    return start_private(port)
