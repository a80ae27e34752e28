"""Guards around the event path: a retry after Redis lost its dedup keys still has one effect (the
database's guard), replies go through the outbox, and WeChat-plugin readers get plain text."""

from __future__ import annotations

import redis
import requests
from sqlalchemy import select

from bot.store import outbox
from tests.integration.stack import wait_for
from tests.integration.wecom.test_wecom_refusals import _app_callback


def test_a_retry_after_redis_lost_its_dedup_keys_has_one_effect(stack):
    wecom = stack.emulator.wecom
    sealed = _app_callback("zhouks", "帮助")
    post = lambda: requests.post(sealed.url(stack.url + "/wecom/callback"), data=sealed.body,  # noqa: E731
                                 headers={"Content-Type": sealed.content_type}, timeout=10)
    assert post().status_code == 200
    wait_for(lambda: wecom.messages_for_user("zhouks"), what="the first answer")
    conn = redis.Redis.from_url(stack.settings.redis_url)
    conn.delete(*conn.keys("yq:dedup:*"))
    assert post().status_code == 200
    wecom.act_as("zhouks").send_text("测试卡片")
    wait_for(lambda: len(wecom.messages_for_user("zhouks")) >= 2, what="the answer to the next message")
    assert [m["msgtype"] for m in wecom.messages_for_user("zhouks")] == ["markdown", "template_card"]

    def rows():
        with stack.database.session() as session:
            found = session.scalars(select(outbox.OutboxRow).order_by(outbox.OutboxRow.id)).all()
        return [(r.method, r.state) for r in found]

    wait_for(lambda: all(state == "sent" for _, state in rows()), what="the outbox rows to be marked sent")
    assert rows() == [("reply", "sent"), ("reply", "sent")]


def test_a_wechat_plugin_reader_gets_plain_text(stack):
    wecom = stack.emulator.wecom
    wecom.act_as("fenggs").send_text("测试卡片")
    (message,) = wait_for(lambda: wecom.messages_for_user("fenggs"), what="the answer to 冯干事")
    assert message["msgtype"] == "text"
    assert "测试卡片" in message["content"]["content"] and "确认收到" in message["content"]["content"]
