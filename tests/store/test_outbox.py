"""The outbox table: one row per dedup id, claimed by one sender at a time, due rows found again."""

from datetime import datetime, timedelta, timezone

from bot.store import outbox

NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)


def message(dedup="m-1"):
    return outbox.Message(dedup, "wecom", "person", {"user_id": "ligs"}, {"kind": "notice", "data": {"text": "hi"}})


def test_a_dedup_id_is_added_once(database):
    with database.session() as session:
        first = outbox.add(session, message(), NOW)
        again = outbox.add(session, message(), NOW)
    assert first is not None and again is None


def test_only_one_sender_claims_a_row_until_its_lease_lapses(database):
    with database.session() as session:
        row_id = outbox.add(session, message(), NOW)
    with database.session() as session:
        assert outbox.claim(session, row_id, NOW, timedelta(minutes=2)).attempts == 1
    with database.session() as session:
        assert outbox.claim(session, row_id, NOW + timedelta(minutes=1), timedelta(minutes=2)) is None
        assert outbox.due(session, NOW + timedelta(minutes=1)) == []
    with database.session() as session:
        assert outbox.due(session, NOW + timedelta(minutes=3)) == [row_id]
        assert outbox.claim(session, row_id, NOW + timedelta(minutes=3), timedelta(minutes=2)).attempts == 2


def test_a_row_not_yet_due_is_not_claimed(database):
    with database.session() as session:
        row_id = outbox.add(session, message(), NOW + timedelta(seconds=30))
    with database.session() as session:
        assert outbox.claim(session, row_id, NOW, timedelta(minutes=2)) is None
        assert outbox.due(session, NOW) == []
