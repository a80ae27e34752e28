"""The timeline table and its chain: append-only, one hash chain per case, ``UNIQUE(case_id, seq)``.

:func:`append_entry` places an entry after the case's last one; two writers that pick the same seq
collide on the unique key and the loser's transaction is retried (see case_repo.SqlCaseStore.run).
:func:`verify_case` names the first broken link of a case's chain.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.domain.case.timeline import GENESIS, BrokenLink, EntryDraft, TimelineEntry, chain, first_broken
from bot.store.cases import CaseRow
from bot.store.models import Base
from bot.store.types import UTCDateTime

SEQ_CONSTRAINT = "uq_timeline_case_seq"


class TimelineRow(Base):
    """One timeline entry: who (actor, role, platform), what (action, payload), when, and its chain link."""

    __tablename__ = "timeline"
    __table_args__ = (UniqueConstraint("case_id", "seq", name=SEQ_CONSTRAINT),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def _entry(row: TimelineRow) -> TimelineEntry:
    return TimelineEntry(row.case_id, row.seq, row.actor, row.role, row.platform, row.action, row.payload,
                         row.at, row.prev, row.hash)


def append_entry(session: Session, case_id: int, draft: EntryDraft) -> TimelineEntry:
    """Chain ``draft`` after the case's last entry; raises IntegrityError when another writer took the seq."""
    last = session.execute(
        select(TimelineRow.seq, TimelineRow.hash).where(TimelineRow.case_id == case_id)
        .order_by(TimelineRow.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    entry = chain(case_id, seq, draft, prev)
    session.add(TimelineRow(case_id=case_id, seq=seq, actor=entry.actor, role=entry.role, platform=entry.platform,
                            action=entry.action, payload=entry.payload, at=entry.at, prev=prev, hash=entry.hash))
    session.flush()
    return entry


def case_entries(session: Session, case_id: int) -> list[TimelineEntry]:
    """The case's entries in seq order."""
    rows = session.scalars(select(TimelineRow).where(TimelineRow.case_id == case_id).order_by(TimelineRow.seq))
    return [_entry(r) for r in rows]


def verify_case(session: Session, case_id: int) -> BrokenLink | None:
    """The first broken link of the case's chain, or None when every link holds (an empty chain holds)."""
    return first_broken(case_entries(session, case_id))


def verify_cases(session: Session, numbers: list[str] | None = None) -> list[tuple[str, BrokenLink | None]]:
    """Each case (all, or those numbered) with the first broken link of its chain or None.

    A number that names no case gets ``BrokenLink(0, "no such case")``.
    """
    query = select(CaseRow.id, CaseRow.number).order_by(CaseRow.id)
    if numbers is not None:
        query = query.where(CaseRow.number.in_(numbers))
    found = {number: case_id for case_id, number in session.execute(query)}
    wanted = numbers if numbers is not None else list(found)
    return [(n, verify_case(session, found[n]) if n in found else BrokenLink(0, "no such case")) for n in wanted]
