"""The second guard against a platform's retries: a unique (platform, event key) per handled event,
written in the transaction that records the event's effects, so an empty Redis lets no retry through."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.store.models import Base
from bot.store.types import UTCDateTime


class InboundEventRow(Base):
    """An inbound event whose effects are recorded."""

    __tablename__ = "inbound_events"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime())


def event_key(dedup_key: str) -> str:
    """The stored form of a dedup key (a hash: keys can be long)."""
    return hashlib.sha256(dedup_key.encode()).hexdigest()


def handled(session: Session, platform: str, dedup_key: str) -> bool:
    """Whether this event's effects are already recorded."""
    key = event_key(dedup_key)
    return session.scalar(select(InboundEventRow.platform).where(
        InboundEventRow.platform == platform, InboundEventRow.event_key == key)) is not None


def mark_handled(session: Session, platform: str, dedup_key: str, now: datetime) -> None:
    """Record the event in the caller's transaction; its commit fails (IntegrityError) if another did first."""
    session.add(InboundEventRow(platform=platform, event_key=event_key(dedup_key), handled_at=now))
    session.flush()
