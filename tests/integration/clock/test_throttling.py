"""The platforms throttle for a while: every message is delivered afterwards, in order per recipient
(through the real worker, the emulators and their injected throttling)."""

from __future__ import annotations

import pytest

from bot.core.clock import utcnow
from bot.store import outbox
from tests.integration.stack import Stack, wait_for

PEOPLE = {"wecom": ["zhouks", "jiangks"], "dingtalk": ["0523", "0601"]}


@pytest.fixture
def stack(redis_url, tmp_path):
    running = Stack(redis_url, tmp_path, extra_env={"RECONCILE_INTERVAL": "1", "WORKER_TTL": "20"})
    yield running
    running.stop()


def queue_messages(stack, per_person: int) -> None:
    """Rows straight into the outbox (as a handler's transaction would leave them); the reconciler's
    sweep sends them."""
    now = utcnow()
    with stack.database.session() as session:
        for n in range(per_person):
            for platform, users in PEOPLE.items():
                for user in users:
                    outbox.add(session, outbox.Message(f"thr:{platform}:{user}:{n}", platform, "person",
                                                       {"user_id": user}, {"kind": "notice", "data": {"text": f"第{n}条"}}),
                               now)


def texts(stack, platform, user) -> list[str]:
    if platform == "wecom":
        return [str(m) for m in stack.emulator.wecom.messages_for_user(user)]
    return [str(m.content) for m in stack.emulator.dingtalk.messages_for_user(user)]


def order(stack, platform, user, per_person) -> list[int]:
    seen = texts(stack, platform, user)
    return [n for line in seen for n in range(per_person) if f"第{n}条" in line]


def test_everything_arrives_after_a_throttled_spell_in_order_per_recipient(stack):
    per_person = 4
    stack.emulator.wecom.inject_fault("errcode", 45009, count=6, path="message/send")
    stack.emulator.dingtalk.inject("throttle", family="api", count=3)  # batched: one call serves both people
    queue_messages(stack, per_person)

    def delivered():
        return all(len(order(stack, p, u, per_person)) >= per_person for p, users in PEOPLE.items() for u in users)

    wait_for(delivered, timeout=60, what="every message after the throttling")
    for platform, users in PEOPLE.items():
        for user in users:
            assert order(stack, platform, user, per_person) == list(range(per_person)), (platform, user)

    def states():
        with stack.database.session() as session:
            return {r.state for r in session.query(outbox.OutboxRow).filter(outbox.OutboxRow.dedup_id.like("thr:%"))}

    wait_for(lambda: states() == {"sent"}, timeout=10, what="every row recorded as sent")
