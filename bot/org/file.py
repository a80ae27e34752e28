"""Parse the organisation file (design.md, "Organisation file") and validate it whole.

Every problem is collected with its line number; one bad entry refuses the whole file.
``${VAR}`` values are kept as references: they are read from the environment when used.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.core.org import (COUNTY_LEADER_KEYS, PERSON_ROLES, UNIT_KINDS, Organisation, Person, Unit, UnitGroups,
                          group_keys, known_platforms)
from bot.domain.yaml_lines import FileErrors, LineMap, line_of, load_marked, read_text

ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
PERSON_FIELDS = {"id", "name", "prefer", "wechat_plugin", "roles"}
UNIT_KEYS = {"id", "name", "kind", "desk", "head", "liaisons", "members", "leader_in_charge", "groups", "leaders"}
LED_KINDS = ("section", "affiliate")  # design.md: every section and affiliate names a leader_in_charge


class OrgFileError(FileErrors):
    """The org file is refused; ``errors`` lists ``(line, message)`` pairs, ``str()`` shows them all."""


class _Checker:
    def __init__(self) -> None:
        self.errors: list[tuple[int, str]] = []

    def err(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    def text(self, obj: LineMap, key: str, what: str, required: bool = True) -> str | None:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.err(line_of(obj), f"{what} has no {key}")
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            self.err(line_of(obj, key), f"{what}: {key} must be text")
            return None
        return str(value)

    def id_list(self, obj: LineMap, key: str, what: str) -> tuple[str, ...]:
        value = obj.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            self.err(line_of(obj, key), f"{what}: {key} must be a list of person ids")
            return ()
        return tuple(str(v) for v in value)

    def unknown_keys(self, obj: LineMap, allowed: set[str], what: str) -> None:
        for key in obj:
            if key not in allowed:
                self.err(line_of(obj, key), f"{what}: unknown field {key!r} (allowed: {', '.join(sorted(allowed))})")


def _either(names: tuple[str, ...], joint: str) -> str:
    """``wecom or dingtalk``; ``wecom, dingtalk or x`` with a registered platform."""
    return f"{', '.join(names[:-1])} {joint} {names[-1]}" if len(names) > 1 else names[0]


def _person(c: _Checker, raw: Any) -> Person | None:
    if not isinstance(raw, LineMap):
        c.err(0, "every entry of people must be a mapping")
        return None
    platforms = known_platforms()
    pid = c.text(raw, "id", "a person")
    what = f"person {pid or '?'}"
    c.unknown_keys(raw, PERSON_FIELDS | set(platforms), what)
    name = c.text(raw, "name", what)
    ids = {p: uid for p in platforms if (uid := c.text(raw, p, what, required=False))}
    if not ids:
        others = f" (nor {_either(platforms[2:], 'nor')})" if platforms[2:] else ""
        c.err(line_of(raw), f"{what} has neither a wecom nor a dingtalk id{others}")
    prefer = c.text(raw, "prefer", what, required=False)
    if prefer and prefer not in platforms:
        c.err(line_of(raw, "prefer"), f"{what}: prefer must be {_either(platforms, 'or')}, not {prefer!r}")
    elif prefer and prefer not in ids:
        c.err(line_of(raw, "prefer"), f"{what} prefers {prefer} but has no {prefer} id")
    roles = c.id_list(raw, "roles", what)
    for role in roles:
        if role not in PERSON_ROLES:
            c.err(line_of(raw, "roles"), f"{what}: unknown role {role!r} (known: {', '.join(PERSON_ROLES)})")
    plugin = raw.get("wechat_plugin", False)
    if not isinstance(plugin, bool):
        c.err(line_of(raw, "wechat_plugin"), f"{what}: wechat_plugin must be true or false")
        plugin = False
    if not pid or not name:
        return None
    return Person(id=pid, name=name, prefer=prefer, wechat_plugin=plugin, roles=roles, ids=ids)


def _groups(c: _Checker, raw: Any, what: str) -> UnitGroups:
    if raw is None:
        return UnitGroups()
    if not isinstance(raw, LineMap):
        c.err(0, f"{what}: groups must be a mapping")
        return UnitGroups()
    ids: dict[str, dict[str, str]] = {}
    for platform, sub in raw.items():
        keys = group_keys(platform)
        if not keys or not isinstance(sub, LineMap):
            c.err(line_of(raw, platform), f"{what}: groups.{platform} is not a known platform mapping "
                                          f"({', '.join(known_platforms())})")
            continue
        c.unknown_keys(sub, set(keys), f"{what} groups.{platform}")
        ids[platform] = {k: v for k in keys if (v := c.text(sub, k, f"{what} groups.{platform}", required=False))}
    return UnitGroups(ids=ids)


def _county_leaders(c: _Checker, raw: LineMap, kind: str | None, what: str) -> tuple[dict[str, str], dict[str, int]]:
    """A county's ``leaders: {main: …, publicity: …}`` (its own approvers; each defaults to its head), with the
    line of each id for the unknown-person check; only a county unit may have it."""
    if "leaders" not in raw:
        return {}, {}
    value = raw.get("leaders")
    if kind and kind != "county":
        c.err(line_of(raw, "leaders"), f"{what}: leaders is for a county bureau (kind: county), not a {kind}; "
                                       "the city's leaders are the people with roles main_leader and publicity_leader")
        return {}, {}
    if value is None:
        return {}, {}
    if not isinstance(value, LineMap):
        c.err(line_of(raw, "leaders"),
              f"{what}: leaders must be a mapping {{main: <person id>, publicity: <person id>}}")
        return {}, {}
    c.unknown_keys(value, set(COUNTY_LEADER_KEYS), f"{what} leaders")
    leaders = {k: pid for k in COUNTY_LEADER_KEYS if (pid := c.text(value, k, f"{what} leaders", required=False))}
    return leaders, {f"leaders.{k}": line_of(value, k) or line_of(raw, "leaders") for k in leaders}


def _unit(c: _Checker, raw: Any) -> tuple[Unit | None, dict[str, int]]:
    if not isinstance(raw, LineMap):
        c.err(0, "every entry of units must be a mapping")
        return None, {}
    uid = c.text(raw, "id", "a unit")
    what = f"unit {uid or '?'}"
    c.unknown_keys(raw, UNIT_KEYS, what)
    name = c.text(raw, "name", what)
    kind = c.text(raw, "kind", what)
    if kind and kind not in UNIT_KINDS:
        c.err(line_of(raw, "kind"), f"{what}: kind must be one of {', '.join(UNIT_KINDS)}, not {kind!r}")
    head = c.text(raw, "head", what)
    liaisons = c.id_list(raw, "liaisons", what)
    if not liaisons:
        c.err(line_of(raw), f"{what} has no liaison")
    desk = raw.get("desk", False)
    if not isinstance(desk, bool):
        c.err(line_of(raw, "desk"), f"{what}: desk must be true or false")
        desk = False
    if desk and kind == "county":
        c.err(line_of(raw, "desk"), f"{what}: a county bureau is its own desk; desk: true is for the city desk")
    leader = c.text(raw, "leader_in_charge", what, required=False)
    leaders, leader_lines = _county_leaders(c, raw, kind, what)
    if kind in LED_KINDS and raw.get("leader_in_charge") in (None, ""):
        c.err(line_of(raw), f"{what} has no leader_in_charge (every section and affiliate names one)")
    unit = None
    if uid and name and kind and head:
        unit = Unit(
            id=uid, name=name, kind=kind, head=head, liaisons=liaisons,
            members=c.id_list(raw, "members", what), leader_in_charge=leader,
            desk=desk, groups=_groups(c, raw.get("groups"), what), leaders=leaders,
        )
    refs = {k: line_of(raw, k) for k in ("head", "liaisons", "members", "leader_in_charge")} | leader_lines
    return unit, refs


def _check_unique(c: _Checker, items: list[tuple[int, str | None]], what: str) -> None:
    first: dict[str, int] = {}
    for line, value in items:
        if value is None:
            continue
        if value in first:
            c.err(line, f"duplicate {what} {value!r} (first on line {first[value]})")
        else:
            first[value] = line


def _check_leaders(c: _Checker, raw_people: list, where: int) -> None:
    """design.md: exactly one person is ``main_leader`` and at least one ``publicity_leader`` (who approves
    is always defined). Read from the entries as written, so a person refused for another reason still counts."""
    holders: dict[str, list[tuple[int, str]]] = {"main_leader": [], "publicity_leader": []}
    for raw in raw_people:
        roles = raw.get("roles") if isinstance(raw, LineMap) else None
        for role in holders:
            if isinstance(roles, list) and role in roles:
                holders[role].append((line_of(raw, "roles"), str(raw.get("id") or "?")))
    mains = holders["main_leader"]
    if not mains:
        c.err(where, "no main leader: exactly one person has roles: [main_leader]")
    for line, pid in mains[1:]:
        c.err(line, f"person {pid} is a second main leader ({mains[0][1]} on line {mains[0][0]} is one already): "
                    "exactly one person has roles: [main_leader]")
    if not holders["publicity_leader"]:
        c.err(where, "no publicity leader: at least one person has roles: [publicity_leader]")


def parse_org_text(text: str, source: str = "") -> Organisation:
    """Parse and validate an org file's text; raises OrgFileError listing every problem with its line."""
    data = load_marked(text, source, OrgFileError)
    c = _Checker()
    if not isinstance(data, LineMap):
        raise OrgFileError([(1, "the file must be a mapping with bureau, people and units")], source)
    c.unknown_keys(data, {"bureau", "people", "units"}, "the file")
    bureau = data.get("bureau")
    if not isinstance(bureau, LineMap):
        c.err(line_of(data, "bureau") or 1, "bureau: {name, short} is missing")
        bureau = LineMap()
    bname = c.text(bureau, "name", "bureau") if bureau else None
    bshort = c.text(bureau, "short", "bureau", required=False) if bureau else None
    raw_people = data.get("people") or []
    raw_units = data.get("units") or []
    if not isinstance(raw_people, list) or not raw_people:
        c.err(line_of(data, "people") or 1, "people: the list of people is missing or empty")
        raw_people = []
    if not isinstance(raw_units, list) or not raw_units:
        c.err(line_of(data, "units") or 1, "units: the list of units is missing or empty")
        raw_units = []
    people = [(line_of(r), _person(c, r)) for r in raw_people]
    if raw_people:
        _check_leaders(c, raw_people, line_of(data, "people"))
    _check_unique(c, [(line, p.id if p else None) for line, p in people], "person id")
    for platform in known_platforms():
        _check_unique(c, [(line, p.user_id(platform) if p else None) for line, p in people], f"{platform} id")
    known = {p.id for _, p in people if p}
    units = [(line_of(r), *_unit(c, r)) for r in raw_units]
    _check_unique(c, [(line, u.id if u else None) for line, u, _ in units], "unit id")
    _check_unique(c, [(line, u.name if u else None) for line, u, _ in units], "unit name")
    for _, unit, refs in units:
        if unit is None:
            continue
        named = [("head", unit.head), *(("liaisons", p) for p in unit.liaisons), *(("members", p) for p in unit.members)]
        if unit.leader_in_charge:
            named.append(("leader_in_charge", unit.leader_in_charge))
        named.extend((f"leaders.{k}", pid) for k, pid in unit.leaders.items())
        for key, pid in named:
            if pid not in known:
                c.err(refs[key], f"unit {unit.id}: {key} names unknown person {pid!r}")
    desks = [u for _, u, _ in units if u and u.desk]
    if not desks:
        c.err(line_of(data, "units") or 1, "no desk unit: mark the city desk with desk: true")
    elif len(desks) > 1:
        c.err(line_of(data, "units"), f"more than one desk unit: {', '.join(u.id for u in desks)}")
    if c.errors:
        raise OrgFileError(c.errors, source)
    return Organisation(
        bureau_name=bname or "",
        bureau_short=bshort or bname or "",
        people={p.id: p for _, p in people if p},
        units={u.id: u for _, u, _ in units if u},
    )


def parse_org_file(path: str | Path) -> Organisation:
    """Read and validate an org file; raises OrgFileError (with the file name) or ConfigError."""
    return parse_org_text(read_text(path, "org file"), source=str(path))


def env_references(org: Organisation) -> list[str]:
    """The ``${VAR}`` names the organisation refers to."""
    names = []
    for unit in org.units.values():
        for value in (v for sub in unit.groups.ids.values() for v in sub.values()):
            match = ENV_REF.match(value or "")
            if match:
                names.append(match.group(1))
    return names


def resolve(value: str | None, env: dict[str, str]) -> str | None:
    """Resolve a ``${VAR}`` reference against ``env``; plain values pass through; unset → None."""
    match = ENV_REF.match(value or "")
    if not match:
        return value
    return env.get(match.group(1)) or None
