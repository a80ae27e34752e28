"""Accepted events, kept in the database from the moment the web accepts them until the worker has
handled them: the web writes the row before it answers 200 (``keep``), the event's own transaction
deletes it (``forget``), and the reconciler enqueues again what waits too long (``worker/inbox_sweep.py``).
So an accepted event survives a Redis that restarts empty, refuses the enqueue, or loses the job.
The row is the event as the job carries it (``Event.to_dict``)."""

from __future__ import annotations

import json
import threading
from datetime import datetime

from sqlalchemy import Integer, String, Text, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.core.event import Event
from bot.store.inbound import event_key
from bot.store.models import Base
from bot.store.types import UTCDateTime


class AcceptedEventRow(Base):
    """An event the web accepted and no worker has handled yet."""

    __tablename__ = "accepted_events"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    requeues: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


_SQLITE_WRITER = threading.Lock()
_INSERT = {name: dialect.insert(AcceptedEventRow).on_conflict_do_nothing()
           for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}


def keep(database, event: Event, now: datetime) -> None:
    """Store ``event`` (a retry of one still waiting changes nothing) through the database's short
    engine; raises SQLAlchemyError when the database does not take it within a second.

    The commit does not wait for the disk (``bot.store.db.make_engine``): the row guards against losing
    Redis, and the event is in Redis too, so only both failing within the same second could lose it —
    where a flush per request would cost the platform's ack time (bench/callback.py)."""
    engine = database.short
    values = {"platform": event.platform, "event_key": event_key(event.dedup_key),
              "payload": json.dumps(event.to_dict(), ensure_ascii=False), "accepted_at": now, "requeues": 0}
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(_INSERT["postgresql"], values)
        return
    with _SQLITE_WRITER, engine.begin() as conn:  # one writer per process: a Python lock hands over at
        conn.execute(_INSERT["sqlite"], values)    # once, SQLite's busy handler sleeps 1, 2, 5, 10 ms…


def forget(session: Session, platform: str, dedup_key: str) -> None:
    """Drop the event's row in the caller's transaction (the event is handled, or to be ignored)."""
    session.execute(delete(AcceptedEventRow).where(AcceptedEventRow.platform == platform,
                                                   AcceptedEventRow.event_key == event_key(dedup_key))
                    .execution_options(synchronize_session=False))


def waiting(session: Session, accepted_before: datetime, limit: int = 500) -> list[AcceptedEventRow]:
    """Rows accepted before ``accepted_before`` that are still waiting (not given up), oldest first."""
    return list(session.scalars(select(AcceptedEventRow).where(
        AcceptedEventRow.accepted_at < accepted_before, AcceptedEventRow.given_up_at.is_(None))
        .order_by(AcceptedEventRow.accepted_at).limit(limit)))


def event_of(row: AcceptedEventRow) -> Event:
    """The event a row keeps."""
    return Event.from_dict(json.loads(row.payload))


def requeued(session: Session, row: AcceptedEventRow, now: datetime, give_up: bool) -> None:
    """Count one more enqueue of ``row``'s event (the row's time restarts), or give it up."""
    session.execute(update(AcceptedEventRow).where(
        AcceptedEventRow.platform == row.platform, AcceptedEventRow.event_key == row.event_key).values(
        requeues=AcceptedEventRow.requeues + (0 if give_up else 1), accepted_at=now,
        given_up_at=now if give_up else None).execution_options(synchronize_session=False))


def counts(session: Session) -> tuple[int, int]:
    """(waiting, given up) — for /metrics and ``clock status``."""
    alive = AcceptedEventRow.given_up_at.is_(None)
    by_state = dict(session.execute(select(alive, func.count()).group_by(alive)).all())
    return by_state.get(True, 0), by_state.get(False, 0)
