"""Tables of intake: per case its normalised link (duplicate detection), where it came from (API
external id, transfer source, where the title came from) and its link preview; sightings of a story.

``link_key`` is the SHA-256 of the normalised link (``bot.domain.intake.links``), indexed; the API's
``external_id`` is unique per desk unit (``api_unit``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.domain.intake.reading import link_key
from bot.store.cases import CaseRow
from bot.store.models import Base
from bot.store.types import UTCDateTime


class CaseIntakeRow(Base):
    """How one case came in, and its link preview (status ``none`` | ``pending`` | ``ok`` | ``failed``)."""

    __tablename__ = "case_intake"
    __table_args__ = (UniqueConstraint("api_unit", "external_id", name="uq_case_intake_external"),)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, autoincrement=False)
    link_key: Mapped[str | None] = mapped_column(String(64), index=True)
    normalised_link: Mapped[str | None] = mapped_column(Text)
    title_from: Mapped[str] = mapped_column(String(16), default="text")
    transfer_source: Mapped[str | None] = mapped_column(String(128))
    api_unit: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    external_id: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    preview_status: Mapped[str] = mapped_column(String(16), default="none")
    preview_title: Mapped[str | None] = mapped_column(String(500))
    preview_summary: Mapped[str | None] = mapped_column(Text)
    preview_error: Mapped[str | None] = mapped_column(String(200))
    preview_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SightingRow(Base):
    """The same story seen again (another link or forward), added to its case by the desk."""

    __tablename__ = "sightings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    link: Mapped[str | None] = mapped_column(Text)
    link_key: Mapped[str | None] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(64), default="")
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(ForeignKey("people.id"))
    platform: Mapped[str | None] = mapped_column(String(16))


OPEN_STATES_EXCLUDED = ("archived",)


def record_intake(session: Session, case_id: int, *, normalised: tuple[str, str] | None, title_from: str,
                  transfer_source: str | None = None, api_unit: str | None = None, external_id: str | None = None,
                  summary: str | None = None) -> CaseIntakeRow:
    """Add how ``case_id`` came in (in the caller's transaction); raises IntegrityError on a taken external id."""
    row = CaseIntakeRow(case_id=case_id, link_key=normalised[1] if normalised else None,
                        normalised_link=normalised[0] if normalised else None, title_from=title_from,
                        transfer_source=transfer_source, api_unit=api_unit, external_id=external_id, summary=summary,
                        preview_status="pending" if normalised else "none")
    session.add(row)
    session.flush()
    return row


def intake_of(session: Session, case_id: int) -> CaseIntakeRow | None:
    """How a case came in, or None (a case opened before intake existed)."""
    return session.get(CaseIntakeRow, case_id)


def open_case_with_link(session: Session, link_key: str, *, drill: bool = False) -> CaseRow | None:
    """The newest case not archived whose link (or a sighting's) normalises to ``link_key``, or None. Drills are
    kept apart (issue 23): real intake (``drill`` False) never sees a drill case, a drill (True) only drills."""
    by_case = select(CaseIntakeRow.case_id).where(CaseIntakeRow.link_key == link_key)
    by_sighting = select(SightingRow.case_id).where(SightingRow.link_key == link_key)
    query = (select(CaseRow).where(CaseRow.id.in_(by_case.union(by_sighting)), CaseRow.drill.is_(bool(drill)),
                                   CaseRow.state.not_in(OPEN_STATES_EXCLUDED)).order_by(CaseRow.id.desc()))
    return session.scalars(query).first()


def case_by_external_id(session: Session, unit_id: str, external_id: str) -> CaseRow | None:
    """The case a monitoring system opened for ``unit_id`` under ``external_id``, or None."""
    query = (select(CaseRow).join(CaseIntakeRow, CaseIntakeRow.case_id == CaseRow.id)
             .where(CaseIntakeRow.api_unit == unit_id, CaseIntakeRow.external_id == external_id))
    return session.scalars(query).first()


def add_sighting_row(session: Session, case_id: int, *, link: str | None, source: str, seen_at: datetime, by: str,
                     platform: str | None) -> SightingRow:
    """Keep a sighting (its normalised link joins duplicate detection)."""
    key = link_key(link) if link else None
    row = SightingRow(case_id=case_id, link=link, link_key=key[1] if key else None, source=source, seen_at=seen_at,
                      by=by, platform=platform)
    session.add(row)
    session.flush()
    return row


def sightings_of(session: Session, case_id: int) -> list[SightingRow]:
    """A case's sightings, oldest first."""
    return list(session.scalars(select(SightingRow).where(SightingRow.case_id == case_id).order_by(SightingRow.id)))


def save_preview(session: Session, case_id: int, now: datetime, *, ok: bool, title: str | None = None,
                 summary: str | None = None, error: str | None = None) -> bool:
    """Store a link preview; the case's title becomes the page's when nobody gave one. Returns whether it did."""
    row = session.get(CaseIntakeRow, case_id)
    if row is None:
        return False
    row.preview_status, row.preview_at = ("ok" if ok else "failed"), now
    row.preview_title, row.preview_summary, row.preview_error = title, summary, (error or None) and error[:200]
    replace = bool(ok and title and row.title_from == "link")
    if replace:
        session.execute(update(CaseRow).where(CaseRow.id == case_id).values(title=title[:500]))
        row.title_from = "preview"
    session.flush()
    return replace
