"""One case as plain JSON-able data (issue 24): the dossier that ``yuqing case export`` writes, the documents
(``bot.archive``) are rendered from and ``yuqing case import`` reads back (``bot/store/case_import.py``).

Every row is kept whole, column by column under its attribute name, ids as they are; datetimes are ISO 8601 UTC
with offset and always with microseconds (the timeline's ``at`` must round-trip exactly: the chain hashes it to
the microsecond). ``people`` and ``units`` name everyone and every unit the rows mention (unknown ids left out).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from bot.domain.case.timeline import GENESIS, first_broken
from bot.store.cases import AssignmentRow, CaseRow, DutyRow, FollowRow, GradeChangeRow
from bot.store.intake import CaseIntakeRow, SightingRow
from bot.store.models import OrgMeta, PersonRow, UnitRow
from bot.store.timeline import case_entries
from bot.store.types import UTCDateTime

FORMAT = "yuqing-case-export/1"
TIMELINE_FIELDS = ("seq", "actor", "role", "platform", "action", "payload", "at", "prev", "hash")
# (dossier section, table, columns left out): the case's own rows, each list in id order
ROW_SECTIONS = (("sightings", SightingRow, ("case_id",)), ("assignments", AssignmentRow, ()),
                ("duties", DutyRow, ()), ("grade_changes", GradeChangeRow, ()), ("follows", FollowRow, ()))
PERSON_FIELDS = ("opened_by", "assigned_by", "acknowledged_by", "by", "owner_person", "ended_by")
UNIT_FIELDS = ("owner_unit", "county", "taken_from", "unit_id", "api_unit")


def iso(value: datetime | None) -> str | None:
    """A datetime as the dossier keeps it (always with microseconds), None as None."""
    return None if value is None else value.isoformat(timespec="microseconds")


def columns(model) -> list[tuple[str, bool]]:
    """(attribute name, is a datetime) of each column of ``model``, in table order."""
    return [(attr.key, isinstance(attr.columns[0].type, UTCDateTime)) for attr in inspect(model).column_attrs]


def row_data(row, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """One row as plain data: every column by its attribute name but ``skip``."""
    return {name: iso(getattr(row, name)) if is_time else getattr(row, name)
            for name, is_time in columns(type(row)) if name not in skip}


def read_dossier(session: Session, number: str, *, now: datetime | None = None) -> dict | None:
    """The case ``number`` as a dossier (shape: /tmp/archive_spec.md, "The dossier"), read in the caller's session;
    ``now`` fills ``exported_at``. None when no case has that number."""
    case = session.scalars(select(CaseRow).where(CaseRow.number == number)).first()
    if case is None:
        return None
    intake = session.get(CaseIntakeRow, case.id)
    dossier: dict[str, Any] = {
        "format": FORMAT, "exported_at": iso(now), "bureau": _bureau(session), "case": row_data(case),
        "intake": row_data(intake, ("case_id",)) if intake is not None else None}
    for section, model, skip in ROW_SECTIONS:
        rows = session.scalars(select(model).where(model.case_id == case.id).order_by(model.id))
        dossier[section] = [row_data(r, skip) for r in rows]
    entries = case_entries(session, case.id)
    dossier["timeline"] = [{f: iso(e.at) if f == "at" else getattr(e, f) for f in TIMELINE_FIELDS} for e in entries]
    broken = first_broken(entries)
    dossier["chain"] = {"length": len(entries), "head": entries[-1].hash if entries else GENESIS,
                        "broken": None if broken is None else {"seq": broken.seq, "reason": broken.reason}}
    units = _units(session, _named(dossier, UNIT_FIELDS))
    people_ids = _named(dossier, PERSON_FIELDS) | {u["head"] for u in units.values()}
    people_ids |= {e["actor"] for e in dossier["timeline"]}
    dossier["people"] = _people(session, people_ids)
    dossier["units"] = units
    return dossier


def _bureau(session: Session) -> dict[str, str]:
    meta = {m.key: m.value for m in session.scalars(select(OrgMeta).where(
        OrgMeta.key.in_(["bureau_name", "bureau_short"])))}
    return {"name": meta.get("bureau_name", ""), "short": meta.get("bureau_short", "")}


def _named(dossier: dict, fields: tuple[str, ...]) -> set[str]:
    """Every value of ``fields`` in the case, its intake and its rows (None left out)."""
    rows = [dossier["case"], dossier["intake"] or {}]
    rows += [r for section, _model, _skip in ROW_SECTIONS for r in dossier[section]]
    return {r[f] for r in rows for f in fields if r.get(f)}


def _people(session: Session, ids: set[str]) -> dict[str, dict]:
    rows = session.scalars(select(PersonRow).where(PersonRow.id.in_(sorted(ids))).order_by(PersonRow.id))
    return {p.id: {"name": p.name, "active": p.active} for p in rows}


def _units(session: Session, ids: set[str]) -> dict[str, dict]:
    rows = session.scalars(select(UnitRow).where(UnitRow.id.in_(sorted(ids))).order_by(UnitRow.id))
    return {u.id: {"name": u.name, "kind": u.kind, "desk": u.desk, "head": u.head_id, "active": u.active}
            for u in rows}
