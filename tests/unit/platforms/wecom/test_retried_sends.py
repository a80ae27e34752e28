"""Issue 18, item 2 (WeCom): a card whose first attempt's outcome is unknown — WeCom took it, but the
answer was lost (a 5xx after the emulator served the call, as a timeout looks to us) — is retried by the
outbox and ends *sent*, with the card reference later updates use; never a FAILED row, so the desk is
never told 「消息未送达」 of a card the person has. A first-attempt 42014 is a failure the desk sees."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import redis

from bot.config import load
from bot.core.card import Button, Card
from bot.core.errors import AlreadySent
from bot.store import outbox
from worker.delivery import backoff, deliver
from worker.runtime import Runtime

NOW = datetime(2026, 12, 7, 2, tzinfo=timezone.utc)
CARD = Card("demo_card", {"title": "舆情预警", "body": "请签收", "status": ""}, (Button("签收", "demo.confirm"),))
DONE = Card("demo_card", {"title": "舆情预警", "body": "请签收", "status": "已由 周科长 签收"})
AFTER_DUPLICATE_CHECK = 4 * 3600 + 1  # WeCom's duplicate check (at most 4 h) no longer answers for the first


@pytest.fixture
def rt(sqlite_database, redis_url, messenger):
    return Runtime(load({"REDIS_URL": redis_url}), sqlite_database, redis.Redis.from_url(redis_url),
                   {"wecom": messenger})


def add(rt, dedup: str = "card-1", user: str = "zhouks") -> int:
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "wecom", "person", {"user_id": user}, CARD.to_dict()), NOW)


def stored(rt, row_id: int) -> outbox.OutboxRow:
    with rt.database.session() as session:
        row = session.get(outbox.OutboxRow, row_id)
        session.expunge(row)
        return row


def failed(rt) -> list[int]:
    with rt.database.session() as session:
        return [r.id for r in outbox.failed(session)]


def lose_the_first_answer(wecom) -> None:
    wecom.inject_fault("lost", 502, count=1, path="message/send")  # served, then answered 502


@pytest.mark.parametrize("later", [0, AFTER_DUPLICATE_CHECK], ids=["duplicate-check", "42014"])
def test_a_retried_card_send_ends_sent_with_the_card_kept(rt, wecom, messenger, later, emulator_server, monkeypatch):
    """Within 4 h WeCom's duplicate check answers the retry as the first; later the task_id is taken (42014):
    either way the row is sent, once, and its card_ref names the card the person holds."""
    row_id = add(rt)
    lose_the_first_answer(wecom)
    assert deliver(rt, row_id, NOW) == "pending"
    (held,) = wecom.cards_for_user("zhouks")  # the person has the card already
    wecom.advance_time(later)
    assert deliver(rt, row_id, NOW + backoff(1)) == "sent"
    row = stored(rt, row_id)
    assert (row.state, row.attempts, row.card_ref["card_id"]) == ("sent", 2, held["task_id"])
    assert failed(rt) == [] and len(wecom.messages_for_user("zhouks")) == 1
    # the kept reference works: a click's code updates that very card in place (no bot here takes the callback)
    monkeypatch.setattr(wecom, "bot_url", emulator_server.url + "/no-bot-here")
    code = wecom.act_as("zhouks").click(held["task_id"], "demo.confirm").info["response_code"]
    messenger.update_card({**row.card_ref, "response_code": code}, DONE)
    (card,) = wecom.cards_for_user("zhouks")
    assert card["card"]["replace_text"] == "已由 周科长 签收" and card["clickable"] == []


def test_under_the_silent_drop_reading_the_retry_also_ends_sent(rt, wecom):
    """The field report's WeCom (gaps-addendum §2): a reused task_id answered 0 and not delivered."""
    wecom.task_id_reuse = "drop"
    row_id = add(rt)
    lose_the_first_answer(wecom)
    assert deliver(rt, row_id, NOW) == "pending"
    wecom.advance_time(AFTER_DUPLICATE_CHECK)
    assert deliver(rt, row_id, NOW + backoff(1)) == "sent"
    assert failed(rt) == [] and len(wecom.cards_for_user("zhouks")) == 1
    assert stored(rt, row_id).card_ref["card_id"] == wecom.cards_for_user("zhouks")[0]["task_id"]


def test_a_first_attempt_42014_is_a_failure_for_the_desk(rt, wecom, messenger):
    """Another message holds the task_id (here: sent to someone else with the same dedup id): nothing
    reached this person, so the row fails for good and the desk's failure notice lists it."""
    messenger.send_to_person("ligs", CARD, dedup_id="card-9")
    row_id = add(rt, "card-9")
    assert deliver(rt, row_id, NOW) == "failed"
    assert failed(rt) == [row_id] and "42014" in stored(rt, row_id).last_error
    assert wecom.cards_for_user("zhouks") == []


def test_the_messenger_says_already_sent_only_for_a_taken_id(messenger, wecom):
    first = messenger.send_to_person("zhouks", CARD, dedup_id="row-5")
    wecom.advance_time(AFTER_DUPLICATE_CHECK)
    with pytest.raises(AlreadySent) as taken:
        messenger.send_to_person("zhouks", CARD, dedup_id="row-5")
    assert taken.value.code == 42014 and not taken.value.retryable
    assert taken.value.card_ref == {**first.card_ref, "response_code": ""}


def test_the_emulator_answers_42014_for_empty_long_and_malformed_task_ids(messenger, wecom):
    body = messenger.bodies.rich(CARD, "yq_x")
    for task_id in ("", "x" * 129, "中文", "a b"):
        answer = messenger.client.session.post(
            f"{messenger.client.root}message/send", params={"access_token": messenger.client.token()},
            json={"touser": "zhouks", "agentid": 1000002, "msgtype": "template_card",
                  "template_card": {**body["template_card"], "task_id": task_id}}).json()
        assert answer["errcode"] == 42014, task_id
