"""Tables of intake: per case its normalised link (duplicate detection), where it came from (API
external id, transfer source, where the title came from) and its link preview; sightings of a story.

``link_key`` is the SHA-256 of the normalised link (``bot.domain.links``), indexed; the API's
``external_id`` is unique per desk unit (``api_unit``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

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
