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

__all__ = ["active_follows", "county_cases_of", "save_progress"]


def active_follows(session: Session, case_ids: list[int] | None = None) -> list[Follow]:
    """The follows not ended (of ``case_ids`` only, when given), oldest first."""
    query = select(FollowRow).where(FollowRow.ended_at.is_(None)).order_by(FollowRow.id)
    if case_ids is not None:
        query = query.where(FollowRow.case_id.in_(case_ids))
    return [to_follow(r) for r in session.scalars(query)]


def save_progress(session: Session, follow_id: int, *, seen_seq: int | None = None, noticed_seq: int | None = None,
                  noticed_at: datetime | None = None) -> None:
    """Record what a follow's card copies (``seen_seq``) and batched notices (``noticed_seq``, ``noticed_at``)
    showed; a mark is only moved forward."""
    values: dict = {}
    if seen_seq is not None:
        values["seen_seq"] = seen_seq
    if noticed_seq is not None:
        values["noticed_seq"] = noticed_seq
    if noticed_at is not None:
        values["noticed_at"] = noticed_at
    if not values:
        return
    query = update(FollowRow).where(FollowRow.id == follow_id)
    if seen_seq is not None:
        query = query.where(FollowRow.seen_seq < seen_seq)
    if noticed_seq is not None:
        query = query.where(FollowRow.noticed_seq < noticed_seq)
    session.execute(query.values(**values))


def county_cases_of(session: Session, desk_unit: str) -> list[tuple[Case, Follow | None]]:
    """The county cases ``desk_unit`` follows now, and those it took over (接管), not archived, newest first,
    each with its active follow (None for one taken over)."""
    follows = {f.case_id: f for f in active_follows(session) if f.unit_id == desk_unit}
    rows = session.scalars(select(CaseRow).where(
        CaseRow.state != str(CaseState.ARCHIVED),
        or_(CaseRow.id.in_(list(follows) or [-1]), CaseRow.taken_from.is_not(None))).order_by(CaseRow.id.desc()))
    return [(to_case(row), follows.get(row.id)) for row in rows]
