"""The clock's record in the database: every fired step of a duty (``clock_firings``, unique per
(duty, step instant), written in the transaction that queues its outbox rows), and the reads the
worker's clock, reconciler, digests and ``yuqing clock status`` need.

A step is one instant of a duty's frozen schedule (``bot.domain.clock.duties.next_alarm``): a reminder,
an escalation, or both at once. ``outcome`` says what happened: ``sent`` or ``skipped`` (a reminder
overtaken by a later step that was already due, e.g. after an outage).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from bot.core.clock import UTC
from bot.domain.clock.deadlines import ceil_second
from bot.domain.clock.duties import Alarm, next_alarm
from bot.domain.records import Duty
from bot.store.case_repo import _to_duty
from bot.store.cases import CaseRow, DutyRow
from bot.store.models import Base
from bot.store.types import UTCDateTime

SENT, SKIPPED = "sent", "skipped"
JOB_PREFIX = "clock-fire-"


def firing_id(duty_id: int, at: datetime) -> str:
    """The id of the firing of ``duty_id``'s step at ``at``: ``<duty>-<epoch second>``."""
    return f"{duty_id}-{int(ceil_second(at).timestamp())}"


def exhausted(duty_id: int) -> str:
    """The firing id of an open duty with no step left (so it is not taken for a new, unarmed one)."""
    return f"{duty_id}-end"


def step_time(fid: str) -> datetime:
    """The step instant a firing id names."""
    return datetime.fromtimestamp(int(fid.rsplit("-", 1)[1]), UTC)


def job_id(fid: str) -> str:
    """The RQ job id of a firing (deterministic: scheduling it twice overwrites, never doubles)."""
    return JOB_PREFIX + fid


def next_step(duty: Duty, last: datetime | None) -> Alarm | None:
    """The duty's first step not yet fired (after ``last``, the latest recorded step)."""
    return next_alarm(duty, last if last is not None else duty.started_at - timedelta(seconds=1))


class ClockFiringRow(Base):
    """One fired step of a duty: when it was due, when it fired, whom it told."""

    __tablename__ = "clock_firings"
    __table_args__ = (UniqueConstraint("duty_id", "step_at", name="uq_clock_firings_step"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("duties.id"), index=True)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    step_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(16))
    remind: Mapped[bool] = mapped_column(default=False)
    roles: Mapped[list] = mapped_column(JSON)
    recipients: Mapped[list] = mapped_column(JSON)


def open_duty_rows(session: Session, limit: int | None = None) -> list[DutyRow]:
    """Every open duty, soonest due first."""
    query = select(DutyRow).where(DutyRow.state == "open").order_by(DutyRow.due_at, DutyRow.id)
    return list(session.scalars(query.limit(limit) if limit else query))


def duty_for_update(session: Session, duty_id: int) -> Duty | None:
    """The duty, its row locked for the rest of the transaction (PostgreSQL), or None."""
    row = session.scalars(select(DutyRow).where(DutyRow.id == duty_id).with_for_update()).first()
    return _to_duty(row) if row else None


def last_steps(session: Session, duty_ids: list[int] | None = None) -> dict[int, datetime]:
    """The latest fired (or skipped) step of each duty that has one."""
    query = select(ClockFiringRow.duty_id, func.max(ClockFiringRow.step_at)).group_by(ClockFiringRow.duty_id)
    if duty_ids is not None:
        query = query.where(ClockFiringRow.duty_id.in_(duty_ids))
    return {duty_id: at for duty_id, at in session.execute(query)}


def record_step(session: Session, duty: Duty, step_at: datetime, now: datetime, outcome: str,
                remind: bool, roles: tuple[str, ...], recipients: list[str]) -> None:
    """Record a step in the caller's transaction; raises IntegrityError when another worker recorded it."""
    session.add(ClockFiringRow(duty_id=duty.id, case_id=duty.case_id, step_at=step_at, fired_at=now,
                               outcome=outcome, remind=remind, roles=list(roles), recipients=recipients))
    session.flush()


def set_firing(session: Session, duty_id: int, firing_id: str | None, expected: str | None = None,
               check: bool = False) -> bool:
    """Make ``firing_id`` the duty's active firing (only while open; with ``check``, only when it was
    ``expected``); returns whether the row changed hands."""
    query = update(DutyRow).where(DutyRow.id == duty_id, DutyRow.state == "open")
    if check:
        query = query.where(DutyRow.firing_id.is_(None) if expected is None else DutyRow.firing_id == expected)
    # no "evaluate" sync: it scans the whole identity map per call (O(n²) in a reconcile, bench/clock.py)
    query = query.values(firing_id=firing_id).execution_options(synchronize_session=False)
    if session.execute(query).rowcount != 1:
        return False
    row = session.identity_map.get(session.identity_key(DutyRow, duty_id))
    if row is not None:
        set_committed_value(row, "firing_id", firing_id)
    return True


def cached_case_row(session: Session, case_id: int) -> CaseRow | None:
    """The case row (number, title, owner, county, drill), the session's copy if it has one.

    Unlike :func:`bot.store.case_views.case_row` (``populate_existing``), it does not read the row
    afresh."""
    return session.get(CaseRow, case_id)


def recent_firings(session: Session, since: datetime) -> list[ClockFiringRow]:
    """Steps fired since ``since`` (metrics: firing lateness)."""
    return list(session.scalars(select(ClockFiringRow).where(ClockFiringRow.fired_at >= since)))
