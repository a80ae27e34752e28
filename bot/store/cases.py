"""Tables of cases: the per-year number counter, cases, assignments, duties, grade changes and follows.

A duty keeps its frozen policy (JSON) and computed schedule; ``firing_id`` is the worker clock's
active firing. The timeline has its own module (timeline.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base
from bot.store.types import UTCDateTime


class CaseCounterRow(Base):
    """The last case serial used in a year (Asia/Shanghai); bumped inside the opening transaction."""

    __tablename__ = "case_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class CaseRow(Base):
    """A case: number ``YQ-YYYY-NNNN`` (unique per year), grade, state and who runs it."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("year", "serial", name="uq_cases_year_serial"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    grade: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), index=True)
    owner_unit: Mapped[str] = mapped_column(ForeignKey("units.id"))
    county: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    opened_by: Mapped[str] = mapped_column(ForeignKey("people.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # the digest's new cases (0007)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(64), default="")
    link: Mapped[str | None] = mapped_column(Text)
    transfer_ref: Mapped[str | None] = mapped_column(String(128))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    drill: Mapped[bool] = mapped_column(Boolean, default=False)
    drill_scale: Mapped[float] = mapped_column(Float, default=1.0, server_default="1")  # its clocks' scale (0009)
    # 接管: the county it was taken from (0013); no foreign key: SQLite could not drop the column again
    taken_from: Mapped[str | None] = mapped_column(String(64))


class AssignmentRow(Base):
    """A case given to one unit."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    state: Mapped[str] = mapped_column(String(16))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assigned_by: Mapped[str] = mapped_column(ForeignKey("people.id"))
    acknowledged_by: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)


class DutyRow(Base):
    """A timed duty with its frozen policy, schedule (JSON, ISO UTC times) and state."""

    __tablename__ = "duties"
    __table_args__ = (Index("ix_duties_state_due", "state", "due_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    kind: Mapped[str] = mapped_column(String(32))
    grade: Mapped[int] = mapped_column(Integer)
    owner_unit: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    owner_person: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True)  # a person's own duty (0012)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    policy: Mapped[dict] = mapped_column(JSON)
    reminders: Mapped[list] = mapped_column(JSON)
    escalations: Mapped[list] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # late in the period (0007)
    ended_by: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    firing_id: Mapped[str | None] = mapped_column(String(64))


class GradeChangeRow(Base):
    """A grade set or changed: who, when, from, to, why."""

    __tablename__ = "grade_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    old: Mapped[int | None] = mapped_column(Integer)
    new: Mapped[int] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)


class FollowRow(Base):
    """A desk following a county's case (0013): how it began, when it ended, what its copies and notices showed."""

    __tablename__ = "follows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(64))
    how: Mapped[str] = mapped_column(String(16))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    seen_seq: Mapped[int] = mapped_column(Integer, default=0)
    noticed_seq: Mapped[int] = mapped_column(Integer, default=0)
    noticed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
