"""A DingTalk card send the worker retries (docs/platform-dingtalk.md, "Retried card sends"): the real
delivery code (worker/delivery.py), the real messenger, the emulator over HTTP, a migrated database with the
sample org. A first attempt whose answer is lost after DingTalk created the card is retried, the retry meets
``param.cardAlreadyExist``, and the row ends sent — no failed row, nothing for the desk — with the card's id
kept so a later update reaches the same card. A first attempt that meets ``param.cardAlreadyExist`` (another
card holds the id) is a failure the desk is told about. Under the emulator's other reading (a reused id
answered with the first result) the retry ends sent too; and when DingTalk names the card by an id of its
own, the row keeps that id. A person batchSend lists in ``filteredStaffIdList`` fails alone, told to the desk."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from sqlalchemy import select

from bot.config import load
from bot.core.card import Button, Card
from bot.core.clock import utcnow
from bot.org.file import parse_org_file
from bot.platforms.dingtalk.outbound import track_id
from bot.store import outbox
from bot.store.org_repo import apply_organisation
from tests.support.dingtalk_emulator import SAMPLE_ORG, config, emulator, messenger  # noqa: F401 - fixtures
from worker import failures
from worker.delivery import deliver
from worker.runtime import Runtime

DESK, SUN, LI = "cidDesk0001==", "0523", "0524"
CREATE = "/v1.0/card/instances/createAndDeliver"
CARD = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": ""},
            (Button("确认收到", "demo.confirm", {"n": "1"}, "primary"),))
DONE = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": "已由 李干事 确认"})


@pytest.fixture
def rt(sqlite_database, redis_url, messenger):
    with sqlite_database.session() as session:
        apply_organisation(session, parse_org_file(SAMPLE_ORG), utcnow())
    return Runtime(load({"REDIS_URL": redis_url}), sqlite_database, redis.Redis.from_url(redis_url),
                   {"dingtalk": messenger})


def to_desk_group(rt, dedup: str = "warn:YQ-1:u-desk") -> int:
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "dingtalk", "group",
                                                  {"group": {"dingtalk_open_conversation_id": DESK}}, CARD.to_dict()),
                          utcnow())


def row(rt, row_id: int) -> outbox.OutboxRow:
    with rt.database.session() as session:
        return session.get(outbox.OutboxRow, row_id)


def failed(rt) -> list[int]:
    with rt.database.session() as session:
        return list(session.scalars(select(outbox.OutboxRow.id).where(outbox.OutboxRow.state == outbox.FAILED)))


def retried(rt, row_id: int) -> str:
    """The first attempt (its answer lost), then the retry when it is due."""
    now = utcnow()
    assert deliver(rt, row_id, now) == outbox.PENDING
    return deliver(rt, row_id, now + timedelta(seconds=5))


def test_a_retry_after_a_lost_answer_is_delivered_once_and_its_card_updates(rt, emulator):
    dt = emulator.dingtalk
    dt.inject("server_error_after", family="api", path=CREATE, count=1, status=503)
    row_id = to_desk_group(rt)
    assert retried(rt, row_id) == outbox.SENT
    sent = row(rt, row_id)
    assert sent.attempts == 2 and sent.card_ref == {"card_id": track_id("warn:YQ-1:u-desk")}
    assert len([m for m in dt.messages_for_group(DESK) if m.channel == "card"]) == 1  # one card in the chat
    assert failed(rt) == [] and failures.notify_desk(rt, utcnow()) == 0  # no 「消息未送达」
    rt.messengers["dingtalk"].update_card(sent.card_ref, DONE)
    assert dt.card_view(sent.card_ref["card_id"], SUN)["status"] == "已由 李干事 确认"


def test_under_the_silent_reading_the_retry_is_delivered_too(rt, emulator):
    dt = emulator.dingtalk
    dt.card_reuse = "ignore"
    dt.inject("server_error_after", family="api", path=CREATE, count=1)
    row_id = to_desk_group(rt)
    assert retried(rt, row_id) == outbox.SENT
    assert row(rt, row_id).card_ref == {"card_id": track_id("warn:YQ-1:u-desk")} and failed(rt) == []
    assert len(dt.messages_for_group(DESK)) == 1


def test_a_first_attempt_that_finds_the_id_taken_fails_and_the_desk_is_told(rt, emulator):
    dt = emulator.dingtalk
    rt.messengers["dingtalk"].send_to_group({"dingtalk_open_conversation_id": DESK}, CARD,
                                            dedup_id="warn:YQ-1:u-desk")  # another message took the id
    row_id = to_desk_group(rt)
    assert deliver(rt, row_id, utcnow()) == outbox.FAILED
    assert "cardAlreadyExist" in row(rt, row_id).last_error and failed(rt) == [row_id]
    assert failures.notify_desk(rt, utcnow()) == 1
    with rt.database.session() as session:
        queued = [(r.address.get("user_id"), Card.from_dict(r.card).kind)
                  for r in session.scalars(select(outbox.OutboxRow).where(outbox.OutboxRow.id != row_id))]
    assert (SUN, "delivery_failed") in queued  # the desk's 孙科长 gets 「消息未送达」


def test_when_dingtalk_names_the_card_the_row_keeps_that_name_for_updates(rt, emulator):
    dt = emulator.dingtalk
    dt.own_track_ids = True
    row_id = to_desk_group(rt)
    assert deliver(rt, row_id, utcnow()) == outbox.SENT
    ref = row(rt, row_id).card_ref
    assert ref["card_id"] != track_id("warn:YQ-1:u-desk") and dt.card(ref["card_id"]) is not None
    rt.messengers["dingtalk"].update_card(ref, DONE)
    assert dt.card_view(ref["card_id"], LI)["status"] == "已由 李干事 确认"


def to_person(rt, dedup: str, user: str) -> int:
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "dingtalk", "person", {"user_id": user},
                                                  Card("notice", {"text": "请处理"}).to_dict()), utcnow())


def test_a_person_dingtalk_filters_fails_alone_and_the_desk_is_told(rt, emulator):
    emulator.dingtalk.robot_filtered = {LI}
    sun, li = to_person(rt, "n:sun", SUN), to_person(rt, "n:li", LI)
    deliver(rt, sun, utcnow())  # one batchSend for both (same card): DingTalk filters 李干事
    assert (row(rt, sun).state, row(rt, li).state) == (outbox.SENT, outbox.FAILED)
    assert "refused" in row(rt, li).last_error and failures.notify_desk(rt, utcnow()) == 1
    assert emulator.dingtalk.messages_for_user(LI) == []
