"""The city desk's follows of county cases (issue 22), read outside a command: the worker's progress sweep
(``worker/county_progress.py``) and ``县局舆情``. Commands change follows through the CaseRepository."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.domain.case.lifecycle import CaseState
from bot.domain.records import Case, Follow
from bot.store.case_repo import to_case, to_follow
from bot.store.cases import CaseRow, FollowRow

__all__ = ["active_follows", "county_cases_of", "move_marks"]


def active_follows(session: Session, case_ids: list[int] | None = None, unit_id: str | None = None) -> list[Follow]:
    """The follows not ended (of ``case_ids`` only, by ``unit_id`` only, when given), oldest first."""
    query = select(FollowRow).where(FollowRow.ended_at.is_(None)).order_by(FollowRow.id)
    if case_ids is not None:
        query = query.where(FollowRow.case_id.in_(case_ids))
    if unit_id is not None:
        query = query.where(FollowRow.unit_id == unit_id)
    return [to_follow(r) for r in session.scalars(query)]


def move_marks(session: Session, follow: Follow, seen: int, noticed: int, noticed_at: datetime | None) -> bool:
    """Move ``follow``'s progress marks (``seen_seq``; ``noticed_seq`` with ``noticed_at``) if they are still what
    the caller read and the follow is still active (compare-and-set: of two sweeps that read the same marks, one
    moves them); whether it did."""
    result = session.execute(update(FollowRow).where(
        FollowRow.id == follow.id, FollowRow.ended_at.is_(None), FollowRow.seen_seq == follow.seen_seq,
        FollowRow.noticed_seq == follow.noticed_seq,
    ).values(seen_seq=seen, noticed_seq=noticed, noticed_at=noticed_at))
    return result.rowcount == 1


def county_cases_of(session: Session, desk_unit: str) -> list[tuple[Case, Follow | None]]:
    """The county cases ``desk_unit`` follows now, and those it took over (接管), not archived, newest first,
    each with its active follow (None for one taken over)."""
    follows = {f.case_id: f for f in active_follows(session, unit_id=desk_unit)}
    rows = session.scalars(select(CaseRow).where(
        CaseRow.state != str(CaseState.ARCHIVED),
        or_(CaseRow.id.in_(list(follows) or [-1]), CaseRow.taken_from.is_not(None))).order_by(CaseRow.id.desc()))
    return [(to_case(row), follows.get(row.id)) for row in rows]
