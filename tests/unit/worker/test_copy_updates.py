"""Updating an earlier copy of a card (``Target("card", <outbox id>)``): the worker files it under the case,
waits until the copy was sent, then updates it by the card_ref the platform gave us."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

import pytest
import redis

from bot.config import load
from bot.core.card import Card, Reply, Target
from bot.core.event import Event
from bot.platforms.base import SentMessage
from bot.platforms.dingtalk.capabilities import CAPABILITIES
from bot.store import outbox
from worker.delivery import deliver
from worker.events import reply_messages
from worker.runtime import Runtime

NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)
EVENT = Event(platform="dingtalk", kind="click", user_id="0602", chat_id="cid", chat_type="group", dedup_key="k1",
              received_at=NOW.isoformat(), action="case.ack", card_id="yqA")


@dataclass
class CardMessenger:
    platform: str = "dingtalk"
    sent: list = field(default_factory=list)
    capabilities = replace(CAPABILITIES, people_per_call=1, card_spaces=1)  # DingTalk's, sending one at a time

    def send_to_person(self, user_id, card, *, dedup_id=""):
        self.sent.append(("send", user_id, card.data.get("status", "")))
        return SentMessage("dingtalk", f"yq-{user_id}", {"card_id": f"yq-{user_id}"})

    def update_card(self, card_ref, card, *, event=None):
        self.sent.append(("update", dict(card_ref), card.data.get("status", "")))
        return SentMessage("dingtalk", card_ref["card_id"], dict(card_ref))


@pytest.fixture
def rt(sqlite_database, redis_url):
    return Runtime(load({"REDIS_URL": redis_url}), sqlite_database, redis.Redis.from_url(redis_url),
                   {"dingtalk": CardMessenger()})


def put(rt, message):
    with rt.database.session() as session:
        return outbox.add(session, message, NOW)


def test_an_update_of_a_copy_waits_for_the_copy_then_updates_it_in_place(rt):
    original = put(rt, outbox.Message("w-1", "dingtalk", "person", {"user_id": "0602"},
                                      Card("case_card", {"status": ""}).to_dict(), 7))
    (message,) = reply_messages(None, EVENT, Reply(Card("case_card", {"status": "已签收"}),
                                                   to=Target("card", str(original), "dingtalk"), update=True,
                                                   case_id=7), 0)
    assert message.method == "update" and message.address == {"copy_of": original} and message.case_id == 7
    update = put(rt, message)
    assert deliver(rt, update, NOW) == "pending"          # the copy is not sent yet
    assert deliver(rt, original, NOW) == "sent"
    assert deliver(rt, update, NOW + timedelta(seconds=5)) == "sent"
    assert rt.messengers["dingtalk"].sent == [("send", "0602", ""),
                                              ("update", {"card_id": "yq-0602", "user_id": "0602"}, "已签收")]


def test_an_update_of_a_copy_that_failed_for_good_fails_too(rt):
    original = put(rt, outbox.Message("w-2", "dingtalk", "person", {"user_id": "0602"}, Card("case_card").to_dict()))
    with rt.database.session() as session:
        session.get(outbox.OutboxRow, original).state = outbox.FAILED
    update = put(rt, outbox.Message("u-2", "dingtalk", "update", {"copy_of": original}, Card("case_card").to_dict()))
    assert deliver(rt, update, NOW) == "failed"


def test_replies_to_people_and_in_place_are_filed_under_their_case(rt):
    answer = reply_messages(None, EVENT, Reply(Card("notice", {"text": "x"}), case_id=9), 1)
    assert answer[0].case_id == 9 and answer[0].method == "reply"


def test_an_older_drawing_of_a_card_is_not_sent_after_a_newer_one(rt):
    """Two leaders press 同意 at once: the first one's handler drew the other's copy as still awaited (the older
    row); the other's own click settled his card (the newer row). Sent in the wrong order, the card would go
    live again: the older drawing is dropped instead (worker/card_order.py)."""
    original = put(rt, outbox.Message("w-3", "dingtalk", "person", {"user_id": "0602"},
                                      Card("case_card", {"status": ""}).to_dict(), 7))
    assert deliver(rt, original, NOW) == "sent"
    older = put(rt, outbox.Message("u-3a", "dingtalk", "update", {"copy_of": original},
                                   Card("case_card", {"status": "待您审定"}).to_dict(), 7))
    click = replace(EVENT, card_id="yq-0602", dedup_key="k3")
    (settled,) = reply_messages(None, click, Reply(Card("case_card", {"status": "已审定"}), update=True), 0)
    newer = put(rt, settled)
    assert deliver(rt, newer, NOW) == "sent"
    assert deliver(rt, older, NOW) == "superseded"
    updates = [s for s in rt.messengers["dingtalk"].sent if s[0] == "update"]
    assert [status for *_, status in updates] == ["已审定"], "the card ends settled"
    with rt.database.session() as session:
        row = session.get(outbox.OutboxRow, older)
        assert row.state == outbox.SENT and f"outbox row {newer}" in row.last_error


def test_drawings_sent_in_their_order_all_go_out(rt):
    original = put(rt, outbox.Message("w-4", "dingtalk", "person", {"user_id": "0602"},
                                      Card("case_card", {"status": ""}).to_dict(), 7))
    assert deliver(rt, original, NOW) == "sent"
    first = put(rt, outbox.Message("u-4a", "dingtalk", "update", {"copy_of": original},
                                   Card("case_card", {"status": "一"}).to_dict(), 7))
    second = put(rt, outbox.Message("u-4b", "dingtalk", "update", {"copy_of": original},
                                    Card("case_card", {"status": "二"}).to_dict(), 7))
    assert (deliver(rt, first, NOW), deliver(rt, second, NOW)) == ("sent", "sent")
    assert [s[2] for s in rt.messengers["dingtalk"].sent if s[0] == "update"] == ["一", "二"]
