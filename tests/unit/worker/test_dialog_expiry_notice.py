"""A dialog's expiry names what was lost (review ux-2026-12-07, finding 5): the notice a dialog gives its
stored state survives Redis, and the timeout firing hands back the state it cleared, so the person is told
「YQ-… 的初报尚未提交…」 rather than a generic word."""

from datetime import datetime, timedelta, timezone

from bot.core.conversation import DialogState, expired_reply
from worker.dialogs import DialogStore

NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)
NOTICE = "YQ-2026-0001 的初报尚未提交，请重新发送“报告 YQ-2026-0001”。"


def test_the_firing_hands_back_the_cleared_state_with_its_notice(redis_client):
    store = DialogStore(redis_client)
    kept = DialogState("report", "text", {"case": "YQ-2026-0001", "kind": "initial"},
                       (NOW + timedelta(hours=2)).isoformat(), 3, NOTICE)
    store.save("dingtalk", "1:1", "0602", kept, NOW)
    assert store.load("dingtalk", "1:1", "0602") == kept
    assert store.expire("dingtalk", "1:1", "0602", 3, NOW + timedelta(hours=1)) is None  # not yet
    cleared = store.expire("dingtalk", "1:1", "0602", 3, NOW + timedelta(hours=2, seconds=1))
    assert cleared == kept and expired_reply(cleared).card.data["text"] == NOTICE
    assert store.load("dingtalk", "1:1", "0602") is None


def test_a_state_stored_before_notices_existed_still_loads_and_reads_the_generic_words():
    old = {"dialog": "return_case", "state": "reason", "data": {}, "expires_at": NOW.isoformat(), "version": 1}
    state = DialogState.from_dict(old)
    assert state.notice == "" and "notice" not in state.to_dict()
    assert expired_reply(state).card.data["text"] == "上一次操作等待太久，已自动结束。如需继续，请重新开始。"
