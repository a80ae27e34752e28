"""Pictures and files the bot sends: a card of kind ``image`` or ``file`` whose data names a stored blob.

An outbound picture or file travels through the outbox like any message (one row, exactly once, retried,
a failure shown to the desk). The row holds only the reference — ``Card(kind, data)`` with ``data`` =
``{"name", "mime", "blob", "size", "sha256", "caption"}`` — and the bytes are a row of the store's
``outbound_blobs`` table (``bot/store/blobs.py``), read by the worker when it sends
(``worker/media_sends.py``) and by ``/files/<token>`` when a platform shows a picture by URL.
Each messenger turns it into its platform's calls (``send_media_to_person``, ``send_media_to_group``).
These kinds have no templates: the messenger never renders them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

from bot.core.card import Card

__all__ = ["IMAGE", "FILE", "KINDS", "Media", "is_media", "media_card"]

IMAGE, FILE = "image", "file"
KINDS = (IMAGE, FILE)


@dataclass(frozen=True)
class Media:
    """A picture or file to send: its kind, shown name, MIME type, the blob's id, size and SHA-256, and
    an optional caption (sent as a text line beside it where the platform has no caption)."""

    kind: str
    name: str
    mime: str
    blob: int
    size: int
    sha256: str
    caption: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The card data (JSON-able); ``kind`` is the card's kind, not part of the data."""
        data = asdict(self)
        data.pop("kind")
        return data

    @classmethod
    def of(cls, card: Card) -> Media:
        """The media a card of an image/file kind names; raises ValueError for any other card."""
        if card.kind not in KINDS:
            raise ValueError(f"card kind {card.kind!r} is not a picture or a file")
        d = card.data
        return cls(card.kind, str(d.get("name") or ""), str(d.get("mime") or "application/octet-stream"),
                   int(d["blob"]), int(d.get("size") or 0), str(d.get("sha256") or ""), str(d.get("caption") or ""))

    @property
    def extension(self) -> str:
        """The name's extension in lower case, without the dot ('' when it has none)."""
        stem, dot, ext = self.name.rpartition(".")
        return ext.lower() if dot and stem else ""


def media_card(media: Media) -> Card:
    """The outbox card of ``media`` (no buttons)."""
    return Card(media.kind, media.to_dict())


def is_media(card: Card | Mapping[str, Any] | None) -> bool:
    """Whether a card (or its ``to_dict()``, as an outbox row holds it) is a picture or a file."""
    kind = card.kind if isinstance(card, Card) else (card or {}).get("kind")
    return kind in KINDS
