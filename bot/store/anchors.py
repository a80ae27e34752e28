"""Store glue for anchors (存证锚点) and the rows check: every case's chain head in one query, the anchor
file's append, and what ``case verify`` reads of one case (bot.domain.case.anchors, bot.domain.case.audit)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot.domain.case.anchors import anchor_line, anchor_text
from bot.domain.case.audit import disagreements
from bot.domain.case.timeline import GENESIS, BrokenLink, TimelineEntry, first_broken
from bot.domain.grade import Grade
from bot.domain.records import GradeChange
from bot.store.case_repo import SqlCaseRepository, to_case
from bot.store.cases import CaseRow, GradeChangeRow
from bot.store.timeline import TimelineRow, case_entries


def chain_heads(session: Session) -> list[tuple[str, int, str]]:
    """(number, length, head hash) of every case's chain, drills included, by number (an empty chain: 0, GENESIS)."""
    last = (select(TimelineRow.case_id, func.max(TimelineRow.seq).label("seq"))
            .group_by(TimelineRow.case_id).subquery())
    query = (select(CaseRow.number, last.c.seq, TimelineRow.hash)
             .outerjoin(last, last.c.case_id == CaseRow.id)
             .outerjoin(TimelineRow, and_(TimelineRow.case_id == CaseRow.id, TimelineRow.seq == last.c.seq))
             .order_by(CaseRow.number))
    return [(number, seq or 0, head or GENESIS) for number, seq, head in session.execute(query)]


def write_anchor(path: str | Path, day: date, heads: list[tuple[str, int, str]]) -> str:
    """Append the day's anchor (its line and detail lines) to ``path`` (its folder made if missing), synced to
    disk; returns the anchor line."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(anchor_text(day, heads))
        handle.flush()
        os.fsync(handle.fileno())
    return anchor_line(day, heads)


@dataclass(frozen=True)
class CaseCheck:
    """What ``case verify`` found of one case: its entries' hashes (seq order), the chain's first broken link,
    the rows' disagreements with the timeline; ``found`` False: no such case."""

    number: str
    found: bool
    hashes: tuple[str, ...] = ()
    broken: BrokenLink | None = None
    rows: tuple[str, ...] = ()


def one_snapshot(session: Session) -> None:
    """Read everything that follows in this session from one snapshot (PostgreSQL: REPEATABLE READ; SQLite's
    read transaction already is one), so a command committing meanwhile cannot show as a disagreement between
    the timeline and the rows it wrote. Call it before the session's first statement."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def case_numbers(session: Session) -> list[str]:
    """Every case's number, oldest first."""
    return list(session.scalars(select(CaseRow.number).order_by(CaseRow.id)))


def check_case(session: Session, number: str) -> CaseCheck:
    """Read one case's chain and rows and check them (the chain, and the rows against the timeline)."""
    row = session.scalars(select(CaseRow).where(CaseRow.number == number)).first()
    if row is None:
        return CaseCheck(number, False)
    entries = case_entries(session, row.id)
    return CaseCheck(number, True, tuple(e.hash for e in entries), first_broken(entries),
                     tuple(rows_disagreements(session, row, entries)))


def rows_disagreements(session: Session, row: CaseRow, entries: list[TimelineEntry]) -> list[str]:
    """The case's rows (case, grade changes, duties, assignments) against its timeline."""
    repo = SqlCaseRepository(session)
    changes = [GradeChange(g.case_id, Grade(g.old) if g.old else None, Grade(g.new), g.by, g.at, g.reason, g.id)
               for g in session.scalars(select(GradeChangeRow).where(GradeChangeRow.case_id == row.id)
                                        .order_by(GradeChangeRow.id))]
    return disagreements(entries, to_case(row), changes, repo.duties(row.id), repo.assignments(row.id))
