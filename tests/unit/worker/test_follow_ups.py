"""Follow-ups of a card too big for its platform (worker/follow_ups.py) against a messenger that cuts texts
over 20 characters: the full text goes to the card's chat after the card, added with the row's result; a
retry, or an update showing the same text, never sends it twice; a changed text follows again."""

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest
import redis

from bot.config import load
from bot.core.card import Card
from bot.core.errors import PlatformError
from bot.platforms.base import SentMessage
from bot.platforms.fitting import Fitted
from bot.platforms.wecom.capabilities import WITHOUT_APP
from bot.store import outbox
from worker.delivery import deliver
from worker.runtime import Runtime

NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)
LONG = "涉事门店已停业整改，过期食品全部下架销毁，已立案调查。"


@dataclass
class CuttingMessenger:
    """Shows at most 20 characters of a card's text; ``fit`` says the rest must follow."""

    platform: str = "wecom"
    errors: list = field(default_factory=list)
    sent: list = field(default_factory=list)
    capabilities = WITHOUT_APP

    def fit(self, card, *, method="person"):
        text = card.data.get("text", "")
        return Fitted(card, (Card("notice", {"text": f"全文：{text}"}),) if len(text) > 20 else ())

    def send_to_person(self, user_id, card, *, dedup_id=""):
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((user_id, card.data["text"][:20]))
        return SentMessage("wecom", f"card-{dedup_id}", {"card_id": f"card-{dedup_id}"})  # as DingTalk: the card id

    def update_card(self, card_ref, card, *, event=None):
        self.sent.append(("update", card.data["text"][:20]))
        return SentMessage("wecom", card_ref["card_id"], {"card_id": card_ref["card_id"]})


@pytest.fixture
def rt(sqlite_database, redis_url):
    return Runtime(load({"REDIS_URL": redis_url}), sqlite_database, redis.Redis.from_url(redis_url),
                   {"wecom": CuttingMessenger()})


def add(rt, dedup, method, address, text):
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "wecom", method, address,
                                                  {"kind": "desk_card", "data": {"text": text}}), NOW)


def rows(rt):
    with rt.database.session() as session:
        return [(r.id, r.method, r.address, r.card["data"]["text"], r.state)
                for r in session.query(outbox.OutboxRow).order_by(outbox.OutboxRow.id)]


def deliver_all(rt):
    """Deliver every row, follow-ups (added as rows are sent) included."""
    done: set[int] = set()
    while todo := [r[0] for r in rows(rt) if r[0] not in done]:
        for row_id in todo:
            deliver(rt, row_id, NOW)
            done.add(row_id)


def test_the_full_text_follows_the_card_into_its_chat(rt):
    add(rt, "report-1", "person", {"user_id": "chengs"}, LONG)
    deliver_all(rt)
    assert [(r[1], r[2], r[3], r[4]) for r in rows(rt)] == [
        ("person", {"user_id": "chengs"}, LONG, "sent"), ("person", {"user_id": "chengs"}, f"全文：{LONG}", "sent")]
    assert rt.messengers["wecom"].sent == [("chengs", LONG[:20]), ("chengs", f"全文：{LONG}"[:20])]


def test_a_retried_send_adds_its_follow_up_once(rt):
    rt.messengers["wecom"].errors.append(PlatformError("timed out", retryable=True))
    row_id = add(rt, "report-1", "person", {"user_id": "chengs"}, LONG)
    assert deliver(rt, row_id, NOW) == "pending" and len(rows(rt)) == 1     # nothing follows a card not sent
    with rt.database.session() as session:
        session.get(outbox.OutboxRow, row_id).next_attempt_at = NOW
    assert deliver(rt, row_id, NOW) == "sent"
    assert [r[3] for r in rows(rt)] == [LONG, f"全文：{LONG}"]


def test_an_update_with_the_same_text_sends_no_second_follow_up_but_a_changed_text_follows(rt):
    card_id = add(rt, "report-1", "person", {"user_id": "chengs"}, LONG)
    deliver_all(rt)
    add(rt, "update-1", "update", {"copy_of": card_id}, LONG)                 # the same text, a new status
    deliver_all(rt)
    assert [r[3] for r in rows(rt)] == [LONG, f"全文：{LONG}", LONG]
    add(rt, "update-2", "update", {"copy_of": card_id}, LONG + "（第2版）")
    deliver_all(rt)
    latest = rows(rt)[-1]
    assert latest[1:4] == ("person", {"user_id": "chengs"}, f"全文：{LONG}（第2版）") and latest[4] == "sent"


class PlainMessenger(CuttingMessenger):
    """A platform without limits to fit: no ``fit`` at all."""

    fit = property(lambda self: (_ for _ in ()).throw(AttributeError("fit")))


def test_a_card_within_limits_sends_nothing_more(rt):
    add(rt, "short-1", "person", {"user_id": "chengs"}, "已收到")
    deliver_all(rt)
    assert [r[3:] for r in rows(rt)] == [("已收到", "sent")]


def test_a_messenger_without_fit_sends_the_card_alone(rt):
    rt.messengers["wecom"] = PlainMessenger()
    add(rt, "report-1", "person", {"user_id": "chengs"}, LONG)
    deliver_all(rt)
    assert [r[3:] for r in rows(rt)] == [(LONG, "sent")] and not hasattr(rt.messengers["wecom"], "fit")


def test_an_update_of_a_clicked_card_sends_its_new_full_text_into_that_cards_chat(rt):
    add(rt, "report-1", "person", {"user_id": "chengs"}, LONG)
    deliver_all(rt)
    click = {"platform": "wecom", "kind": "click", "user_id": "chengs", "chat_id": "chengs", "chat_type": "single",
             "dedup_key": "click-1", "received_at": NOW.isoformat()}
    add(rt, "click-1", "update", {"card_ref": {"card_id": "card-report-1"}, "event": click}, LONG + "（已定级）")
    deliver_all(rt)
    assert rows(rt)[-1][1:] == ("person", {"user_id": "chengs"}, f"全文：{LONG}（已定级）", "sent")
