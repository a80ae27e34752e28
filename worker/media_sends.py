"""Sending an outbox row that carries a picture or a file (``bot.core.media``): the bytes are read from the
store (``bot/store/blobs.py``) and handed to the messenger's ``send_media_to_person`` /
``send_media_to_group`` (``bot.platforms.base.SendsMedia``). Called by ``worker/delivery.py`` for such a row
instead of the card sends, so it is claimed, paced, retried and failed like any message.

A ``reply`` goes 1:1 to the person who asked (an export is never dropped into a group because it was asked
for there); an ``update`` of a picture makes no sense and fails for good.
"""

from __future__ import annotations

from bot.core.card import Card
from bot.core.errors import PlatformError
from bot.core.media import Media
from bot.platforms.base import SendsMedia, SentMessage
from bot.store import blobs, outbox
from worker.runtime import Runtime

__all__ = ["send"]

WHAT = {"image": "sends_images", "file": "sends_files"}


def send(rt: Runtime, messenger: SendsMedia, row: outbox.OutboxRow) -> SentMessage:
    """Send ``row``'s picture or file; raises PlatformError (retryable as the platform's answer says)."""
    media = Media.of(Card.from_dict(row.card))
    if not getattr(messenger.capabilities, WHAT[media.kind]):
        raise PlatformError(f"{row.platform} cannot send a {media.kind} here ({WHAT[media.kind]} is off)",
                            retryable=False)
    content = _content(rt, media)
    address = row.address or {}
    if row.method == "person":
        return messenger.send_media_to_person(address["user_id"], media, content)
    if row.method == "group":
        return messenger.send_media_to_group(address["group"], media, content)
    if row.method == "reply" and (address.get("event") or {}).get("user_id"):
        return messenger.send_media_to_person(address["event"]["user_id"], media, content)
    raise PlatformError(f"outbox row {row.id}: a {media.kind} cannot go by {row.method!r}", retryable=False)


def _content(rt: Runtime, media: Media) -> bytes:
    with rt.database.session() as session:
        stored = blobs.read(session, media.blob)
        content = bytes(stored.content) if stored is not None else None
    if content is None:
        raise PlatformError(f"{media.name}: stored bytes {media.blob} are gone", retryable=False)
    return content


