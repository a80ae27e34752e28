"""Write a validated organisation into the store and read it back.

Loading is idempotent: a row changes only when its values change. People and units missing from
the new file are deactivated, never deleted (cases keep pointing at them). A county's ``leaders:`` are rows of
``unit_people`` too, with role ``leader_main`` / ``leader_publicity`` (:data:`LEADER_ROLES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.org import COUNTY_LEADER_KEYS, Organisation, Person, Unit, UnitGroups, beyond_named
from bot.store.models import (OrgMeta, PersonPlatformIdRow, PersonRoleRow, PersonRow, UnitGroupIdRow, UnitPersonRow,
                              UnitRow)


@dataclass
class OrgChanges:
    """What a load changed, by id; empty lists mean nothing changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything changed."""
        return bool(self.added or self.updated or self.deactivated)

    def summary(self) -> str:
        """One line for the operator, in Chinese."""
        if not self.changed:
            return "组织架构无变化"
        return f"新增 {len(self.added)} 项，更新 {len(self.updated)} 项，停用 {len(self.deactivated)} 项"


LEADER_ROLES = {key: f"leader_{key}" for key in COUNTY_LEADER_KEYS}  # a county's leaders: unit_people.role


def _person_values(p: Person) -> dict:
    return {"name": p.name, "wecom_id": p.wecom, "dingtalk_id": p.dingtalk, "prefer": p.prefer,
            "wechat_plugin": p.wechat_plugin, "active": True}


def _unit_values(u: Unit) -> dict:
    g = u.groups
    return {"name": u.name, "kind": u.kind, "desk": u.desk, "head_id": u.head, "leader_in_charge_id": u.leader_in_charge,
            "wecom_webhook_key": g.wecom_webhook_key, "wecom_aibot_chatid": g.wecom_aibot_chatid,
            "wecom_appchat_id": g.wecom_appchat_id, "dingtalk_open_conversation_id": g.dingtalk_open_conversation_id,
            "active": True}


def _upsert(session: Session, model, key: str, values: dict, now: datetime, changes: OrgChanges, label: str) -> bool:
    row = session.get(model, key)
    if row is None:
        session.add(model(id=key, updated_at=now, **values))
        changes.added.append(label)
        return True
    if any(getattr(row, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(row, k, v)
        row.updated_at = now
        changes.updated.append(label)
        return True
    return False


def _sync_roles(session: Session, person: Person) -> bool:
    rows = session.scalars(select(PersonRoleRow).where(PersonRoleRow.person_id == person.id)).all()
    have, want = {r.role for r in rows}, set(person.roles)
    for row in rows:
        if row.role not in want:
            session.delete(row)
    for role in sorted(want - have):
        session.add(PersonRoleRow(person_id=person.id, role=role))
    return have != want


def _sync_person_ids(session: Session, person: Person) -> bool:
    rows = session.scalars(select(PersonPlatformIdRow).where(PersonPlatformIdRow.person_id == person.id)).all()
    have, want = {(r.platform, r.user_id) for r in rows}, set(beyond_named(person.ids).items())
    for row in rows:
        if (row.platform, row.user_id) not in want:
            session.delete(row)
    session.flush()  # a user id moving between people: the old row goes before the new one comes
    for platform, user_id in sorted(want - have):
        session.add(PersonPlatformIdRow(person_id=person.id, platform=platform, user_id=user_id))
    return have != want


def _sync_group_ids(session: Session, unit: Unit) -> bool:
    rows = session.scalars(select(UnitGroupIdRow).where(UnitGroupIdRow.unit_id == unit.id)).all()
    have = {(r.platform, r.key, r.value) for r in rows}
    want = {(p, k, v) for p, sub in beyond_named(unit.groups.ids).items() for k, v in sub.items()}
    for row in rows:
        if (row.platform, row.key, row.value) not in want:
            session.delete(row)
    session.flush()
    for platform, key, value in sorted(want - have):
        session.add(UnitGroupIdRow(unit_id=unit.id, platform=platform, key=key, value=value))
    return have != want


def _sync_unit_people(session: Session, unit: Unit) -> bool:
    rows = session.scalars(select(UnitPersonRow).where(UnitPersonRow.unit_id == unit.id)).all()
    have = {(r.person_id, r.role, r.position) for r in rows}
    want = {(p, "liaison", i) for i, p in enumerate(unit.liaisons)} | {(p, "member", i) for i, p in enumerate(unit.members)}
    want |= {(p, LEADER_ROLES[key], 0) for key, p in unit.leaders.items()}
    if have == want:
        return False
    for row in rows:
        session.delete(row)
    session.flush()
    for person_id, role, position in sorted(want, key=lambda t: (t[1], t[2])):
        session.add(UnitPersonRow(unit_id=unit.id, person_id=person_id, role=role, position=position))
    return True


def _set_meta(session: Session, key: str, value: str) -> str | None:
    """Set a bureau value; returns "added", "updated" or None."""
    row = session.get(OrgMeta, key)
    if row is None:
        session.add(OrgMeta(key=key, value=value))
        return "added"
    if row.value != value:
        row.value = value
        return "updated"
    return None


def apply_organisation(session: Session, org: Organisation, now: datetime) -> OrgChanges:
    """Make the store match ``org`` inside the caller's transaction; return what changed."""
    changes = OrgChanges()
    meta = {_set_meta(session, "bureau_name", org.bureau_name), _set_meta(session, "bureau_short", org.bureau_short)}
    if "added" in meta:
        changes.added.append("bureau")
    elif "updated" in meta:
        changes.updated.append("bureau")
    for person in org.people.values():
        label = f"person:{person.id}"
        touched = _upsert(session, PersonRow, person.id, _person_values(person), now, changes, label)
        session.flush()
        if (_sync_roles(session, person) | _sync_person_ids(session, person)) and not touched:
            session.get(PersonRow, person.id).updated_at = now
            changes.updated.append(label)
    session.flush()
    for unit in org.units.values():
        label = f"unit:{unit.id}"
        touched = _upsert(session, UnitRow, unit.id, _unit_values(unit), now, changes, label)
        session.flush()
        if (_sync_unit_people(session, unit) | _sync_group_ids(session, unit)) and not touched:
            session.get(UnitRow, unit.id).updated_at = now
            changes.updated.append(label)
    for model, ids, kind in ((UnitRow, org.units, "unit"), (PersonRow, org.people, "person")):
        for row in session.scalars(select(model).where(model.active.is_(True))).all():
            if row.id not in ids:
                row.active = False
                row.updated_at = now
                changes.deactivated.append(f"{kind}:{row.id}")
    return changes


def read_organisation(session: Session) -> Organisation:
    """The organisation as stored, inactive people and units included (``active`` says which)."""
    meta = {m.key: m.value for m in session.scalars(select(OrgMeta))}
    roles: dict[str, list[str]] = {}
    for r in session.scalars(select(PersonRoleRow).order_by(PersonRoleRow.role)):
        roles.setdefault(r.person_id, []).append(r.role)
    other_ids: dict[str, dict[str, str]] = {}
    for r in session.scalars(select(PersonPlatformIdRow).order_by(PersonPlatformIdRow.platform)):
        other_ids.setdefault(r.person_id, {})[r.platform] = r.user_id
    people = {
        r.id: Person(id=r.id, name=r.name, wecom=r.wecom_id, dingtalk=r.dingtalk_id, prefer=r.prefer,
                     wechat_plugin=r.wechat_plugin, roles=tuple(roles.get(r.id, ())), active=r.active,
                     ids=other_ids.get(r.id, {}))
        for r in session.scalars(select(PersonRow).order_by(PersonRow.id))
    }
    group_ids: dict[str, dict[str, dict[str, str]]] = {}
    for r in session.scalars(select(UnitGroupIdRow).order_by(UnitGroupIdRow.platform, UnitGroupIdRow.key)):
        group_ids.setdefault(r.unit_id, {}).setdefault(r.platform, {})[r.key] = r.value
    named: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for r in session.scalars(select(UnitPersonRow)):
        named.setdefault((r.unit_id, r.role), []).append((r.position, r.person_id))
    units = {}
    for r in session.scalars(select(UnitRow).order_by(UnitRow.id)):
        def ids(role: str, unit_id: str = r.id) -> tuple[str, ...]:
            return tuple(p for _, p in sorted(named.get((unit_id, role), [])))
        units[r.id] = Unit(
            id=r.id, name=r.name, kind=r.kind, head=r.head_id, liaisons=ids("liaison"), members=ids("member"),
            leader_in_charge=r.leader_in_charge_id, desk=r.desk, active=r.active,
            leaders={key: ids(role)[0] for key, role in LEADER_ROLES.items() if ids(role)},
            groups=UnitGroups(r.wecom_webhook_key, r.wecom_aibot_chatid, r.wecom_appchat_id, r.dingtalk_open_conversation_id,
                              ids=group_ids.get(r.id, {})),
        )
    return Organisation(bureau_name=meta.get("bureau_name", ""), bureau_short=meta.get("bureau_short", ""),
                        people=people, units=units)
