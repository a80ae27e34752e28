"""``yuqing case import FILE`` (issue 24): a dossier (``bot/store/dossier.py``) back into a database, ids as they were.

Everything is checked before anything is written: the format, the JSON shape, the chain in the file, the number
and every row id being free. People and units the database lacks become inactive placeholders (a person: name
only; a unit: name, kind, desk, head). The year's case counter is moved past the serial; on PostgreSQL each
table's id sequence is moved past the ids inserted. The caller's transaction holds it all: a refusal (or a chain
that does not verify once inserted) raises :class:`ImportRefused` and the caller rolls back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.domain.case.timeline import TimelineEntry, first_broken
from bot.store.cases import AssignmentRow, CaseCounterRow, CaseRow, DutyRow, FollowRow, GradeChangeRow
from bot.store.dossier import FORMAT, ROW_SECTIONS, TIMELINE_FIELDS, columns
from bot.store.intake import CaseIntakeRow, SightingRow
from bot.store.models import PersonRow, UnitRow
from bot.store.timeline import TimelineRow, verify_case

SECTIONS = ("format", "case", "intake", "sightings", "assignments", "duties", "grade_changes", "follows",
            "timeline", "people", "units")
SEQUENCED = (CaseRow, SightingRow, AssignmentRow, DutyRow, GradeChangeRow, FollowRow, TimelineRow)
# foreign keys to people and units outside the dossier's own rows: (section, field) -> table
PERSON_REFS = (("case", "opened_by"), ("sightings", "by"), ("assignments", "assigned_by"),
               ("assignments", "acknowledged_by"), ("duties", "owner_person"), ("grade_changes", "by"))
UNIT_REFS = (("case", "owner_unit"), ("case", "county"), ("intake", "api_unit"), ("assignments", "unit_id"),
             ("duties", "owner_unit"), ("follows", "unit_id"))
TAKEN = "导入需要空库或没有这些编号的库"


class ImportRefused(ValueError):
    """The dossier cannot be imported; the message (Chinese) says why. Nothing was written."""


def import_dossier(session: Session, dossier: Any, *, now: datetime | None = None) -> str:
    """Insert the case of ``dossier`` with its rows and timeline; returns its number. Raises ImportRefused."""
    _check_shape(dossier)
    case = dossier["case"]
    entries = _entries(dossier)
    broken = first_broken(entries)
    if broken is not None:
        raise ImportRefused(f"文件中的时间线第 {broken.seq} 条校验不通过（{broken.reason}），拒绝导入。")
    _check_free(session, dossier)
    stamp = now or utcnow()
    _placeholders(session, dossier, stamp)
    session.add(_row(CaseRow, case, "case"))
    session.flush()
    if dossier["intake"] is not None:
        session.add(_row(CaseIntakeRow, {**dossier["intake"], "case_id": case["id"]}, "intake"))
    for section, model, _skip in ROW_SECTIONS:
        for item in dossier[section]:
            session.add(_row(model, {"case_id": case["id"], **item}, section))
        session.flush()
    for e in entries:
        session.add(TimelineRow(case_id=case["id"], seq=e.seq, actor=e.actor, role=e.role, platform=e.platform,
                                action=e.action, payload=e.payload, at=e.at, prev=e.prev, hash=e.hash))
    session.flush()
    _bump_counter(session, case["year"], case["serial"])
    _move_sequences(session)
    after = verify_case(session, case["id"])
    if after is not None:
        raise ImportRefused(f"导入后时间线第 {after.seq} 条校验不通过（{after.reason}），已撤销。")
    return case["number"]


def _check_shape(dossier: Any) -> None:
    if not isinstance(dossier, dict):
        raise ImportRefused("文件内容不是案件档案（应为 JSON 对象）。")
    if dossier.get("format") != FORMAT:
        raise ImportRefused(f"不认识的档案格式 {dossier.get('format')!r}（应为 {FORMAT}）。")
    for key in SECTIONS:
        if key not in dossier:
            raise ImportRefused(f"档案缺少 {key}。")
    for key in ("case", "people", "units"):
        if not isinstance(dossier[key], dict):
            raise ImportRefused(f"档案的 {key} 应为对象。")
    if dossier["intake"] is not None and not isinstance(dossier["intake"], dict):
        raise ImportRefused("档案的 intake 应为对象或 null。")
    for section in ("timeline",) + tuple(s for s, _m, _k in ROW_SECTIONS):
        if not isinstance(dossier[section], list) or not all(isinstance(i, dict) for i in dossier[section]):
            raise ImportRefused(f"档案的 {section} 应为对象列表。")
    _need(dossier["case"], [n for n, _t in columns(CaseRow)], "case")
    if dossier["intake"] is not None:
        _need(dossier["intake"], [n for n, _t in columns(CaseIntakeRow) if n != "case_id"], "intake")
    for section, model, skip in ROW_SECTIONS:
        for item in dossier[section]:
            _need(item, [n for n, _t in columns(model) if n not in skip + ("case_id",)], section)
    for item in dossier["timeline"]:
        _need(item, list(TIMELINE_FIELDS), "timeline")


def _need(item: dict, keys: list[str], where: str) -> None:
    missing = [k for k in keys if k not in item]
    if missing:
        raise ImportRefused(f"档案的 {where} 缺少 {', '.join(missing)}。")


def _time(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ImportRefused(f"档案的 {where} 中时间 {value!r} 无法识别。") from None
    if parsed.tzinfo is None:
        raise ImportRefused(f"档案的 {where} 中时间 {value!r} 缺少时区。")
    return parsed


def _row(model, data: dict, where: str):
    """A row of ``model`` from the dossier's ``data`` (datetimes parsed)."""
    return model(**{n: _time(data.get(n), where) if is_time else data.get(n) for n, is_time in columns(model)})


def _entries(dossier: dict) -> list[TimelineEntry]:
    case_id = dossier["case"]["id"]
    items = sorted(dossier["timeline"], key=lambda e: e["seq"] if isinstance(e["seq"], int) else -1)
    entries = []
    for e in items:
        at = _time(e["at"], "timeline")
        if at is None:
            raise ImportRefused(f"档案的 timeline 第 {e['seq']} 条缺少时间。")
        entries.append(TimelineEntry(case_id, e["seq"], e["actor"], e["role"], e["platform"], e["action"],
                                     e["payload"], at, e["prev"], e["hash"]))
    return entries


def _check_free(session: Session, dossier: dict) -> None:
    """The number and every row id must be free."""
    case = dossier["case"]
    if session.scalar(select(CaseRow.id).where(CaseRow.number == case["number"])) is not None:
        raise ImportRefused(f"{case['number']} 已存在，拒绝导入（{TAKEN}）。")
    taken = []
    if session.get(CaseRow, case["id"]) is not None:
        taken.append(f"cases #{case['id']}")
    for section, model, _skip in ROW_SECTIONS:
        ids = [item["id"] for item in dossier[section]]
        if ids:
            taken += [f"{section} #{i}" for i in session.scalars(select(model.id).where(model.id.in_(ids)))]
    intake = dossier["intake"] or {}
    if intake.get("api_unit") and intake.get("external_id") and session.scalar(select(CaseIntakeRow.case_id).where(
            CaseIntakeRow.api_unit == intake["api_unit"], CaseIntakeRow.external_id == intake["external_id"])):
        taken.append(f"{intake['api_unit']} 的外部编号 {intake['external_id']}")
    if taken:
        raise ImportRefused(f"编号已被占用：{', '.join(taken[:5])}{' 等' if len(taken) > 5 else ''}（{TAKEN}）。")


def _referenced(dossier: dict, refs: tuple[tuple[str, str], ...]) -> set[str]:
    found = set()
    for section, field in refs:
        part = dossier[section]
        rows = part if isinstance(part, list) else [part or {}]
        found |= {r[field] for r in rows if r.get(field)}
    return found


def _placeholders(session: Session, dossier: dict, now: datetime) -> None:
    """Inactive people and units for those the database lacks (named by the rows or listed in the dossier)."""
    units = dossier["units"]
    unit_ids = _referenced(dossier, UNIT_REFS) | set(units)
    have_units = set(session.scalars(select(UnitRow.id).where(UnitRow.id.in_(sorted(unit_ids)))))
    new_units = sorted(unit_ids - have_units)
    heads = {uid: (units.get(uid) or {}).get("head") or f"unknown-head-{uid}"[:64] for uid in new_units}
    person_ids = _referenced(dossier, PERSON_REFS) | set(dossier["people"]) | set(heads.values())
    have_people = set(session.scalars(select(PersonRow.id).where(PersonRow.id.in_(sorted(person_ids)))))
    for pid in sorted(person_ids - have_people):
        name = (dossier["people"].get(pid) or {}).get("name") or pid
        session.add(PersonRow(id=pid, name=name, active=False, updated_at=now))
    session.flush()
    names = set(session.scalars(select(UnitRow.name)))
    for uid in new_units:
        unit = units.get(uid) or {}
        name = unit.get("name") or uid
        name = name if name not in names else f"{name}（{uid}）"
        names.add(name)
        session.add(UnitRow(id=uid, name=name, kind=unit.get("kind") or "section", desk=bool(unit.get("desk")),
                            head_id=heads[uid], active=False, updated_at=now))
    session.flush()


def _bump_counter(session: Session, year: int, serial: int) -> None:
    counter = session.get(CaseCounterRow, year)
    if counter is None:
        session.add(CaseCounterRow(year=year, last=serial))
    elif counter.last < serial:
        counter.last = serial
    session.flush()


def _move_sequences(session: Session) -> None:
    """PostgreSQL: each table's id sequence past its largest id (explicit ids do not move it)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in SEQUENCED:
        table = model.__tablename__
        top = session.scalar(select(func.max(model.id)))
        if top:
            session.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"), {"t": table, "v": top})
