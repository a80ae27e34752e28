"""Bytes of the pictures and files the bot sends (``bot.core.media``): one row per blob, written by whoever
makes the picture or file (a chart, an export) in the transaction that puts its card in the outbox, read
by the worker when it sends and by ``/files/<token>`` when a platform shows a picture by URL.

Blobs are kept as long as the outbox rows that name them; nothing here deletes one.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.core.media import KINDS, Media
from bot.store.models import Base
from bot.store.types import UTCDateTime

__all__ = ["BlobRow", "put", "read", "MAX_SIZE"]

MAX_SIZE = 20 * 1024 * 1024  # the largest file either platform takes (WeCom file, DingTalk file: 20 MB)


class BlobRow(Base):
    """One stored picture or file: its shown name, MIME type, size, SHA-256 and bytes."""

    __tablename__ = "outbound_blobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def put(session: Session, kind: str, name: str, mime: str, content: bytes, now: datetime,
        caption: str = "") -> Media:
    """Store ``content`` and return the :class:`Media` that names it (for ``bot.core.media.media_card``);
    raises ValueError for an unknown kind, an empty name or content over :data:`MAX_SIZE`."""
    if kind not in KINDS:
        raise ValueError(f"unknown media kind {kind!r}")
    if not name or not content:
        raise ValueError("a picture or file needs a name and some bytes")
    if len(content) > MAX_SIZE:
        raise ValueError(f"{name}: {len(content)} bytes is over {MAX_SIZE}")
    digest = hashlib.sha256(content).hexdigest()
    row = BlobRow(name=name[:255], mime=mime[:128], size=len(content), sha256=digest, content=content,
                  created_at=now)
    session.add(row)
    session.flush()
    return Media(kind, row.name, row.mime, row.id, row.size, digest, caption)


def read(session: Session, blob_id: int) -> BlobRow | None:
    """The stored blob, or None when there is no such row."""
    return session.get(BlobRow, int(blob_id))
