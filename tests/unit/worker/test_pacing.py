"""Pacing: a message never overtakes an earlier unsent one to the same person, and a person gets at
most 30 WeCom messages a minute — the rest wait for their token without using up attempts."""

from datetime import timedelta

from bot.store import outbox
from tests.unit.worker.test_delivery import NOW, RecordingMessenger, rt  # noqa: F401 - fixture
from worker.delivery import deliver


def add(rt, dedup, user="ligs"):  # noqa: F811
    with rt.database.session() as session:
        return outbox.add(session, outbox.Message(dedup, "wecom", "person", {"user_id": user},
                                                  {"kind": "notice", "data": {"text": dedup}}), NOW)


def row(rt, row_id):  # noqa: F811
    with rt.database.session() as session:
        return session.get(outbox.OutboxRow, row_id)


def test_a_message_waits_behind_an_earlier_unsent_one_to_the_same_person(rt):  # noqa: F811
    first, second, other = add(rt, "a"), add(rt, "b"), add(rt, "c", user="zhouks")
    with rt.database.session() as session:  # the first is throttled: retry in 8 s
        session.get(outbox.OutboxRow, first).next_attempt_at = NOW + timedelta(seconds=8)
    assert deliver(rt, second, NOW) == "held"
    held = row(rt, second)  # no job of its own while it waits: the first wakes it (the sweep is the net)
    assert held.state == "pending" and held.attempts == 0 and held.next_attempt_at == NOW + timedelta(seconds=30)
    assert deliver(rt, other, NOW) == "sent"  # someone else is not held up
    assert deliver(rt, second, NOW + timedelta(seconds=9)) == "skipped"
    assert deliver(rt, first, NOW + timedelta(seconds=8)) == "sent"
    assert row(rt, second).next_attempt_at == NOW + timedelta(seconds=8)  # woken by the first
    assert deliver(rt, second, NOW + timedelta(seconds=9)) == "sent"
    assert [d for _, _, d in rt.messengers["wecom"].sent] == ["c", "a", "b"]


def test_the_order_holds_however_late_the_delivery_comes(rt):  # noqa: F811
    """Rows queued days before delivery resumes (a worker down over a holiday) keep their order: the
    order scans have no age bound measured from the delivery's clock."""
    first, second = add(rt, "a"), add(rt, "b")
    later = NOW + timedelta(days=9)
    with rt.database.session() as session:  # the first's send is under way (claimed, its lease running)
        assert outbox.claim(session, first, later, timedelta(minutes=2)) is not None
    assert deliver(rt, second, later) == "held"
    assert deliver(rt, first, later + timedelta(minutes=5)) == "sent"  # its lease lapsed: a job sends it
    assert deliver(rt, second, later + timedelta(minutes=5)) == "sent"
    assert [d for _, _, d in rt.messengers["wecom"].sent] == ["a", "b"]


def test_thirty_messages_a_minute_per_person_then_they_wait(rt):  # noqa: F811
    ids = [add(rt, f"m{i}") for i in range(31)]
    assert [deliver(rt, i, NOW) for i in ids[:30]] == ["sent"] * 30
    assert deliver(rt, ids[30], NOW) == "held"
    assert row(rt, ids[30]).next_attempt_at >= NOW + timedelta(seconds=1)


def test_dingtalk_cards_to_groups_and_to_people_share_one_twenty_a_second_limit(redis_client):
    from worker import pacing

    card = {"kind": "case_card", "data": {}, "buttons": [{"label": "签收", "action": "case.ack"}]}
    rows = [outbox.OutboxRow(platform="dingtalk", method=("group", "person")[i % 2], card=card) for i in range(21)]
    from bot.platforms.dingtalk.capabilities import CAPABILITIES as dingtalk

    waits = [pacing.take_token(redis_client, "dingtalk", pacing.api(r, dingtalk), "app", dingtalk.rate_limits)
             for r in rows]
    assert waits[:20] == [0.0] * 20 and waits[20] > 0  # both go through createAndDeliver
    markdown = outbox.OutboxRow(platform="dingtalk", method="person", card={"kind": "notice", "data": {}})
    assert pacing.take_token(redis_client, "dingtalk", pacing.api(markdown, dingtalk), "app",
                             dingtalk.rate_limits) == 0.0  # batchSend: its own
