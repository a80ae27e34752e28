"""The bytes of pictures and files the bot sends (migration 0011, ``bot/store/blobs.py``), on both databases."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from bot.core.card import Card
from bot.core.media import Media, is_media, media_card
from bot.store import blobs

NOW = datetime(2026, 12, 7, 2, tzinfo=timezone.utc)


def test_stored_bytes_come_back_equal_and_the_card_names_them(database):
    content = bytes(range(256)) * 10
    with database.session() as session:
        media = blobs.put(session, "file", "YQ-2026-0001.docx", "application/octet-stream", content, NOW,
                          caption="案卷")
    card = media_card(media)
    assert is_media(card) and is_media(card.to_dict()) and not is_media(Card("notice", {"text": "x"}))
    again = Media.of(Card.from_dict(card.to_dict()))
    assert again == media and again.extension == "docx"
    with database.session() as session:
        row = blobs.read(session, again.blob)
        assert bytes(row.content) == content and row.sha256 == hashlib.sha256(content).hexdigest()
        assert row.size == len(content) and row.name == "YQ-2026-0001.docx"
        assert blobs.read(session, again.blob + 1) is None


@pytest.mark.parametrize("kind,name,content", [("video", "a.mp4", b"bytes"), ("file", "", b"bytes"),
                                               ("file", "empty.pdf", b""),
                                               ("file", "big.zip", b"x" * (blobs.MAX_SIZE + 1))])
def test_what_no_platform_could_send_is_not_stored(sqlite_database, kind, name, content):
    with sqlite_database.session() as session, pytest.raises(ValueError):
        blobs.put(session, kind, name, "application/octet-stream", content, NOW)


def test_migration_0011_matches_the_models(database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.models import Base

    with database.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if "outbound_blobs" in str(d)] == []
