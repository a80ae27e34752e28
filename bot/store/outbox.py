"""The outbox: every outbound message is a row first, written in the transaction that decided it,
then delivered by the worker with retries and back-off (``worker/delivery.py``).

States: ``pending`` → ``sending`` (claimed with a lease) → ``sent``; a retryable failure goes back to
``pending`` with a later ``next_attempt_at``; a permanent one, or too many attempts, ends ``failed``
(shown to the desk, never dropped). A lease that ran out (a crashed worker) can be claimed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.store.models import Base
from bot.store.types import UTCDateTime

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class OutboxRow(Base):
    """One outbound message: where (``method`` + ``address``), what (``card``), and how it went."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedup_id: Mapped[str] = mapped_column(String(160), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    address: Mapped[dict] = mapped_column(JSON)
    card: Mapped[dict] = mapped_column(JSON)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(128))
    card_ref: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Message:
    """A message to put in the outbox. ``method``: person | group | reply | update."""

    dedup_id: str
    platform: str
    method: str
    address: dict[str, Any]
    card: dict[str, Any]
    case_id: int | None = None


def add(session: Session, message: Message, now: datetime) -> int | None:
    """Add ``message`` in the caller's transaction; returns its id, or None if its dedup_id exists."""
    existing = session.scalar(select(OutboxRow.id).where(OutboxRow.dedup_id == message.dedup_id))
    if existing is not None:
        return None
    row = OutboxRow(dedup_id=message.dedup_id, platform=message.platform, method=message.method,
                    address=message.address, card=message.card, case_id=message.case_id, state=PENDING,
                    attempts=0, next_attempt_at=now, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row.id


def claim(session: Session, row_id: int, now: datetime, lease: timedelta) -> OutboxRow | None:
    """Take a due row for sending (pending, or sending with a lapsed lease); None if not ours to send."""
    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.next_attempt_at <= now,
               or_(OutboxRow.state == PENDING, (OutboxRow.state == SENDING) & (OutboxRow.lease_until < now)))
        .values(state=SENDING, lease_until=now + lease, attempts=OutboxRow.attempts + 1)
    )
    if result.rowcount != 1:
        return None
    return session.get(OutboxRow, row_id, populate_existing=True)


def due(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Ids of rows that should be sent now: pending and due, or sending with a lapsed lease."""
    query = (select(OutboxRow.id)
             .where(or_((OutboxRow.state == PENDING) & (OutboxRow.next_attempt_at <= now),
                        (OutboxRow.state == SENDING) & (OutboxRow.lease_until < now)))
             .order_by(OutboxRow.id).limit(limit))
    return list(session.scalars(query))


def failed(session: Session, since: datetime | None = None) -> list[OutboxRow]:
    """Rows that finally failed (for the desk and `yuqing clock status`)."""
    query = select(OutboxRow).where(OutboxRow.state == FAILED)
    if since is not None:
        query = query.where(OutboxRow.created_at >= since)
    return list(session.scalars(query.order_by(OutboxRow.id)))
