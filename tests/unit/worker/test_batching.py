"""DingTalk 1:1 messages with the same card go out 20 people per call; a person's earlier unsent
message is not overtaken, and a different card is not mixed in. An interactive card to a unit's
group and its liaisons is one card instance delivered into all their chats in one call."""

from dataclasses import dataclass, field

import pytest
import redis

from bot.config import load
from bot.platforms.base import SentMessage
from bot.platforms.dingtalk import outbound
from bot.platforms.dingtalk.capabilities import CAPABILITIES
from bot.store import outbox
from tests.unit.worker.test_delivery import NOW
from worker.delivery import deliver
from worker.runtime import Runtime

CARD = {"kind": "escalation", "data": {"case": "YQ-2026-0001"}, "buttons": []}


@dataclass
class BatchingMessenger:
    platform: str = "dingtalk"
    calls: list = field(default_factory=list)
    capabilities = CAPABILITIES
    space = staticmethod(outbound.space)  # the adapter's own space ids and refusal names
    recipient_id = staticmethod(outbound.recipient_id)

    def send_to_person(self, user_id, card, *, dedup_id=""):
        self.calls.append([user_id])
        return SentMessage("dingtalk", message_id=f"one-{len(self.calls)}")

    def send_to_people(self, user_ids, card):
        self.calls.append(list(user_ids))
        return [SentMessage("dingtalk", message_id=f"batch-{len(self.calls)}")]

    def send_to_group(self, group, card, *, dedup_id=""):
        self.calls.append([group["dingtalk_open_conversation_id"]])
        return SentMessage("dingtalk", "one", {"card_id": f"card-{len(self.calls)}"})

    def send_card_to_spaces(self, spaces, card, *, dedup_id=""):
        self.calls.append(list(spaces))
        return SentMessage("dingtalk", "many", {"card_id": f"card-{len(self.calls)}"})


@pytest.fixture
def rt(sqlite_database, redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    return Runtime(load({"REDIS_URL": redis_url}), sqlite_database, redis.Redis.from_url(redis_url),
                   {"dingtalk": BatchingMessenger()})


def add(rt, dedup, user, card=CARD):
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "dingtalk", "person", {"user_id": user}, card), NOW)


def test_one_call_carries_twenty_people_then_the_rest(rt):
    ids = [add(rt, f"e{i}", f"u{i:02}") for i in range(25)]
    other = add(rt, "x", "u99", {**CARD, "data": {"case": "YQ-2026-0002"}})
    assert deliver(rt, ids[0], NOW) == "sent"
    calls = rt.messengers["dingtalk"].calls
    assert calls == [[f"u{i:02}" for i in range(20)]]
    assert [deliver(rt, i, NOW) for i in ids[1:20]] == ["skipped"] * 19  # already sent with the first
    assert deliver(rt, ids[20], NOW) == "sent" and calls[-1] == [f"u{i:02}" for i in range(20, 25)]
    assert deliver(rt, other, NOW) == "sent" and calls[-1] == ["u99"]


def test_a_person_with_an_earlier_unsent_message_is_not_taken_along(rt):
    from datetime import timedelta

    earlier = add(rt, "old", "u01", {**CARD, "data": {"case": "YQ-2026-0009"}})
    with rt.database.session() as session:
        session.get(outbox.OutboxRow, earlier).next_attempt_at = NOW + timedelta(seconds=30)
    first, second = add(rt, "e0", "u00"), add(rt, "e1", "u01")
    assert deliver(rt, first, NOW) == "sent"
    assert rt.messengers["dingtalk"].calls == [["u00"]]
    assert deliver(rt, second, NOW) == "held"


def test_people_refused_inside_a_batch_are_retried_not_marked_sent(rt):
    messenger = rt.messengers["dingtalk"]
    messenger.send_to_people = lambda ids, card: [SentMessage("dingtalk", "k", {"invalid": [], "throttled": ["u01"]})]
    first, second = add(rt, "e0", "u00"), add(rt, "e1", "u01")
    assert deliver(rt, first, NOW) == "sent"
    with rt.database.session() as session:
        row = session.get(outbox.OutboxRow, second)
        assert row.state == "pending" and row.next_attempt_at > NOW


WARNING = {"kind": "case_card", "data": {"case": "YQ-2026-0001", "unit": "u-foodsale"},
           "buttons": [{"label": "签收", "action": "case.ack", "params": {"case": "YQ-2026-0001"}, "style": "primary"}]}
GROUP = {"dingtalk_open_conversation_id": "cidFoodSale01=="}


def add_to_group(rt, dedup, card):
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "dingtalk", "group", {"group": GROUP}, card), NOW)


def test_a_units_warning_to_its_group_and_liaisons_is_one_card_in_one_call(rt):
    group = add_to_group(rt, "w-group", WARNING)
    liaisons = [add(rt, "w-0601", "0601", WARNING), add(rt, "w-0602", "0602", WARNING)]
    assert deliver(rt, group, NOW) == "sent"
    assert rt.messengers["dingtalk"].calls == [["IM_GROUP.cidFoodSale01==", "IM_ROBOT.0601", "IM_ROBOT.0602"]]
    assert [deliver(rt, i, NOW) for i in liaisons] == ["skipped", "skipped"]
    with rt.database.session() as session:  # each copy knows the one card, to update it later
        rows = [session.get(outbox.OutboxRow, i) for i in (group, *liaisons)]
        assert [(r.state, r.card_ref) for r in rows] == [("sent", {"card_id": "card-1"})] * 3


def test_a_different_card_is_not_put_into_the_same_instance(rt):
    hidden = {**WARNING, "data": {"secret_notice": {"number": "YQ-2026-0001", "grade": "重大"}, "title": "涉密舆情",
                                  "unit": "u-foodsale"}}  # a confidential case's group notice (bot.core.presentation)
    group = add_to_group(rt, "w-group", hidden)
    liaison = add(rt, "w-0601", "0601", WARNING)
    assert deliver(rt, group, NOW) == "sent" and deliver(rt, liaison, NOW) == "sent"
    assert rt.messengers["dingtalk"].calls == [["cidFoodSale01=="], ["0601"]]


def test_a_batch_refused_whole_is_sent_row_by_row_so_one_unknown_person_fails_alone(rt):
    from bot.core.errors import PlatformError

    messenger = rt.messengers["dingtalk"]

    def refuse_batch(ids, card):
        raise PlatformError("DingTalk refused: param.userIdNotExist 用户user不存在", retryable=False)

    def one(user_id, card, *, dedup_id=""):
        if user_id == "ghost":
            raise PlatformError("DingTalk refused: param.userIdNotExist 用户user不存在", retryable=False)
        messenger.calls.append([user_id])
        return SentMessage("dingtalk", message_id=f"one-{user_id}")

    messenger.send_to_people, messenger.send_to_person = refuse_batch, one
    ids = [add(rt, "e0", "u00"), add(rt, "e1", "ghost"), add(rt, "e2", "u02")]
    assert deliver(rt, ids[0], NOW) == "sent"
    assert messenger.calls == [["u00"], ["u02"]]
    with rt.database.session() as session:
        assert [session.get(outbox.OutboxRow, i).state for i in ids] == [outbox.SENT, outbox.FAILED, outbox.SENT]
