"""Issue 18, item 2 on the whole stack: WeCom takes the card but its answer is lost (a 502 after the call was
served); the real worker retries the row and it ends sent — one card in the person's chat, no FAILED row, so
the desk is never told 「消息未送达」. Past WeCom's 4-hour duplicate check the retry meets 42014 (the task_id is
taken): the same outcome."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store import outbox
from tests.integration.stack import Stack, wait_for


@pytest.fixture
def stack(redis_url, tmp_path):
    """The whole product, its reconciler sweeping due rows every second (the retry after back-off)."""
    running = Stack(redis_url, tmp_path, extra_env={"RECONCILE_INTERVAL": "1", "WORKER_TTL": "20"})
    yield running
    running.stop()


def rows(stack) -> list[tuple[str, int, dict | None]]:
    with stack.database.session() as session:
        found = session.scalars(select(outbox.OutboxRow).where(outbox.OutboxRow.platform == "wecom")).all()
        return [(r.state, r.attempts, r.card_ref) for r in found]


@pytest.mark.parametrize("past_duplicate_check", [False, True], ids=["duplicate-check", "42014"])
def test_a_card_whose_answer_was_lost_is_sent_once_and_never_reported_failed(stack, past_duplicate_check):
    wecom = stack.emulator.wecom
    fault = wecom.inject_fault("lost", 502, count=1, path="message/send")
    wecom.act_as("zhouks").send_text("测试卡片")
    (held,) = wait_for(lambda: wecom.cards_for_user("zhouks"), what="the card (its answer lost)")
    if past_duplicate_check:
        wecom.advance_time(4 * 3600 + 1)  # before the retry (2 s of back-off): the duplicate check is over
    sent = wait_for(lambda: [r for r in rows(stack) if r[0] == "sent"], timeout=30,
                    what="the retried row\n" + stack.worker_log()[-2000:])
    assert fault.remaining == 0 and [(s, a) for s, a, _ in sent] == [("sent", 2)]
    assert sent[0][2]["card_id"] == held["task_id"]
    assert [r for r in rows(stack) if r[0] == "failed"] == []
    assert len(wecom.cards_for_user("zhouks")) == 1 and len(wecom.messages_for_user("zhouks")) == 1
    if past_duplicate_check:
        assert 42014 in [c["outcome"] for c in wecom.api_calls if c["path"].endswith("message/send")]
