"""Read-only views of cases for people and operators: the case list, one case's status, and the open
duties of a set of units — plain dicts (JSON-able), built in the caller's session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.case.lifecycle import CaseState
from bot.store.cases import AssignmentRow, CaseRow, DutyRow
from bot.store.intake import intake_of, sightings_of
from bot.store.timeline import TimelineRow

CLOSED_STATES = ("archived",)
# the open states by name, so ``state IN (…)`` uses ix_cases_state (NOT IN scans every case: bench/store.py)
OPEN_STATES = tuple(state.value for state in CaseState if state.value not in CLOSED_STATES)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def case_summary(row) -> dict[str, Any]:
    """The list line of a case (a ``CaseRow`` or a row of :data:`SUMMARY_COLUMNS`)."""
    return {"id": row.id, "number": row.number, "title": row.title, "grade": row.grade, "state": row.state,
            "owner_unit": row.owner_unit, "source": row.source, "link": row.link, "opened_at": _iso(row.opened_at),
            "first_seen_at": _iso(row.first_seen_at), "transfer_ref": row.transfer_ref, "drill": row.drill,
            "confidential": row.confidential}


# the columns of a list line: the board reads these, not whole ORM objects (bench/store.py, 1,000 open cases)
SUMMARY_COLUMNS = (CaseRow.id, CaseRow.number, CaseRow.title, CaseRow.grade, CaseRow.state, CaseRow.owner_unit,
                   CaseRow.source, CaseRow.link, CaseRow.opened_at, CaseRow.first_seen_at, CaseRow.transfer_ref,
                   CaseRow.drill, CaseRow.confidential)


def list_cases(session: Session, open_only: bool = False) -> list[dict[str, Any]]:
    """Every case (or those not archived), newest first."""
    query = select(*SUMMARY_COLUMNS).order_by(CaseRow.id.desc())
    if open_only:
        query = query.where(CaseRow.state.in_(OPEN_STATES))
    keys = [column.key for column in SUMMARY_COLUMNS]
    out = [dict(zip(keys, row)) for row in session.execute(query)]  # case_summary's keys, in its order
    for item in out:
        item["opened_at"], item["first_seen_at"] = _iso(item["opened_at"]), _iso(item["first_seen_at"])
    return out


def case_detail(session: Session, number: str) -> dict[str, Any] | None:
    """A case with its intake, assignments, duties, sightings and timeline length; None if unknown."""
    row = session.scalars(select(CaseRow).where(CaseRow.number == number)).first()
    if row is None:
        return None
    intake = intake_of(session, row.id)
    assignments = session.scalars(select(AssignmentRow).where(AssignmentRow.case_id == row.id).order_by(AssignmentRow.id))
    duties = session.scalars(select(DutyRow).where(DutyRow.case_id == row.id).order_by(DutyRow.id))
    entries = session.scalars(select(TimelineRow).where(TimelineRow.case_id == row.id).order_by(TimelineRow.seq))
    return {**case_summary(row),
            "intake": None if intake is None else {
                "title_from": intake.title_from, "transfer_source": intake.transfer_source,
                "external_id": intake.external_id, "summary": intake.summary,
                "preview": {"status": intake.preview_status, "title": intake.preview_title,
                            "summary": intake.preview_summary, "error": intake.preview_error}},
            "assignments": [{"id": a.id, "unit": a.unit_id, "state": a.state, "assigned_at": _iso(a.assigned_at),
                             "acknowledged_by": a.acknowledged_by} for a in assignments],
            "duties": [duty_view(d) for d in duties],
            "sightings": [{"link": s.link, "source": s.source, "seen_at": _iso(s.seen_at), "by": s.by}
                          for s in sightings_of(session, row.id)],
            "timeline": [{"seq": e.seq, "action": e.action, "actor": e.actor, "at": _iso(e.at)} for e in entries]}


def duty_view(row: DutyRow) -> dict[str, Any]:
    """A duty as plain data."""
    return {"id": row.id, "kind": row.kind, "unit": row.owner_unit, "state": row.state, "due_at": _iso(row.due_at),
            "late": row.late, "assignment": row.assignment_id}


LIVE_ASSIGNMENTS = ("warned", "acknowledged", "reported")


def case_row(session: Session, case_id: int) -> CaseRow | None:
    """A case row read afresh (after this transaction's own commands), or None."""
    return session.get(CaseRow, case_id, populate_existing=True)


def case_row_by_number(session: Session, number: str) -> CaseRow | None:
    """The case row with this number (any case), or None."""
    return session.scalars(select(CaseRow).where(CaseRow.number == number.strip().upper())).first()


def live_units(session: Session, case_id: int) -> list[str]:
    """The units a case is assigned to now (warned, acknowledged or reported), in order."""
    query = (select(AssignmentRow.unit_id)
             .where(AssignmentRow.case_id == case_id, AssignmentRow.state.in_(LIVE_ASSIGNMENTS)).order_by(AssignmentRow.id))
    return list(session.scalars(query))
