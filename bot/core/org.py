"""The organisation as plain data: people, units, and the roles both give.

Person roles come from the org file's ``roles:`` list; unit roles (head, liaison, member,
leader in charge, desk, county desk) come from the units that name a person.

Platform ids are mappings keyed by platform name: ``Person.ids`` (a person's user id on each platform)
and ``UnitGroups.ids`` (a unit's group chat ids on each platform, keyed as in the org file's
``groups.<platform>``). The two platforms design.md's org file names keep their fields
(``Person.wecom``/``dingtalk``, ``UnitGroups.wecom_webhook_key`` …); a platform registered besides them
(``bot.core.platform_table``) declares its group keys here with :func:`add_platform`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from bot.core.errors import ConfigError

PERSON_ROLES = ("main_leader", "publicity_leader", "admin")
UNIT_KINDS = ("section", "affiliate", "county")
COUNTY_LEADER_KEYS = ("main", "publicity")  # a county unit's ``leaders:`` keys: its own approvers
PLATFORMS = ("wecom", "dingtalk")  # the platforms design.md's org file names, with their fixed keys

# platform → the keys of its ``groups.<platform>`` mapping in the org file (registered platforms add theirs)
_GROUP_KEYS: dict[str, tuple[str, ...]] = {"wecom": ("webhook_key", "aibot_chatid", "appchat_id"),
                                           "dingtalk": ("open_conversation_id",)}
# group ids through which the bot cannot post unprompted: a WeCom smart-bot chat in callback mode
_REPLY_ONLY: dict[str, tuple[str, ...]] = {"wecom": ("aibot_chatid",)}


def add_platform(name: str, group_keys: Iterable[str]) -> None:
    """Make ``name`` a platform the organisation knows, with the keys of its ``groups.<name>`` mapping;
    declaring it again with the same keys changes nothing; raises ConfigError for another platform's
    name or a name the org file uses already."""
    keys = tuple(group_keys)
    if not name.isidentifier() or len(name) > 16 or name in {"id", "name", "prefer", "wechat_plugin", "roles"}:
        raise ConfigError(f"platform name {name!r} cannot be a key of the org file (an identifier of at most "
                          "16 characters, not a person field)")
    known = _GROUP_KEYS.get(name)
    if known is not None and known != keys:
        raise ConfigError(f"platform {name} is declared twice with different group keys")
    _GROUP_KEYS[name] = keys


def forget_platform(name: str) -> None:
    """Forget a platform declared with :func:`add_platform` (tests that register one for themselves);
    the two of design.md stay."""
    if name not in PLATFORMS:
        _GROUP_KEYS.pop(name, None)


def known_platforms() -> tuple[str, ...]:
    """Every platform the organisation knows: the two of design.md first, then registered ones."""
    return tuple(_GROUP_KEYS)


def group_keys(platform: str) -> tuple[str, ...]:
    """The keys of ``groups.<platform>`` in the org file (empty for a platform nobody declared)."""
    return _GROUP_KEYS.get(platform, ())


def beyond_named(ids: Mapping[str, object]) -> dict:
    """The entries of a mapping by platform (``Person.ids``, ``UnitGroups.ids``) for platforms other than the
    two the org file names (the store keeps those in columns of their own)."""
    return {platform: value for platform, value in ids.items() if platform not in PLATFORMS}


def _key_rank(platform: str):
    """Sort key of a platform's group keys: in the order it declares them, unknown ones last."""
    keys = _GROUP_KEYS.get(platform, ())
    return lambda key: (keys.index(key) if key in keys else len(keys), key)


def _copy(mapping: Mapping) -> dict:
    # a plain dict (dataclasses.asdict copies it; a MappingProxyType it cannot), never changed after __post_init__
    return dict(mapping)


@dataclass(frozen=True)
class Person:
    """One person; ``ids`` holds their user id on each platform where they have one (at least one);
    ``wecom``/``dingtalk`` are the same ids for the two platforms the org file names."""

    id: str
    name: str
    wecom: str | None = None
    dingtalk: str | None = None
    prefer: str | None = None
    wechat_plugin: bool = False
    roles: tuple[str, ...] = ()
    active: bool = True
    ids: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        named = {p: uid for p, uid in (("wecom", self.wecom), ("dingtalk", self.dingtalk)) if uid}
        for platform, uid in self.ids.items():
            if uid and named.setdefault(platform, uid) != uid:
                raise ValueError(f"person {self.id}: two {platform} ids")
        object.__setattr__(self, "ids", _copy(named))
        object.__setattr__(self, "wecom", named.get("wecom"))
        object.__setattr__(self, "dingtalk", named.get("dingtalk"))

    @property
    def platform(self) -> str:
        """The platform that gets this person's messages: the preferred one, else the first they are on."""
        if self.prefer:
            return self.prefer
        return next(iter(self.ids), "dingtalk")

    def user_id(self, platform: str) -> str | None:
        """This person's user id on ``platform``, if any."""
        return self.ids.get(platform)

    def user_ids(self) -> dict[str, str]:
        """This person's user id on each platform where they have one."""
        return dict(self.ids)

    def reads_text_only(self, platform: str) -> bool:
        """Whether this person reads ``platform``'s messages on a client that shows plain text only (WeCom
        through the WeChat plugin, the org file's ``wechat_plugin``)."""
        return self.wechat_plugin and platform == "wecom"


@dataclass(frozen=True)
class UnitGroups:
    """A unit's group chats: ``ids`` maps each platform to its ids as the org file keys them
    (``{"wecom": {"webhook_key": …, "aibot_chatid": …}, "dingtalk": {"open_conversation_id": …}}``; a
    webhook key may be a ``${VAR}`` reference). The WeCom and DingTalk ids are fields too."""

    wecom_webhook_key: str | None = None
    wecom_aibot_chatid: str | None = None
    wecom_appchat_id: str | None = None
    dingtalk_open_conversation_id: str | None = None
    ids: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        merged: dict[str, dict[str, str]] = {}
        for platform in PLATFORMS:
            for key in _GROUP_KEYS[platform]:
                value = getattr(self, f"{platform}_{key}")
                if value:
                    merged.setdefault(platform, {})[key] = value
        for platform, sub in self.ids.items():
            for key, value in sub.items():
                if value and merged.setdefault(platform, {}).setdefault(key, value) != value:
                    raise ValueError(f"two values of groups.{platform}.{key}")
        order = [*PLATFORMS, *(p for p in merged if p not in PLATFORMS)]  # as the fields and the store have them
        ranked = {p: {k: merged[p][k] for k in sorted(merged[p], key=_key_rank(p))} for p in order if merged.get(p)}
        object.__setattr__(self, "ids", ranked)
        for platform in PLATFORMS:
            for key in _GROUP_KEYS[platform]:
                object.__setattr__(self, f"{platform}_{key}", merged.get(platform, {}).get(key))

    def by_platform(self) -> dict[str, dict[str, str]]:
        """The unit's group chat on each platform where it has one, as that platform's ids (the address a
        messenger's ``send_to_group`` takes: ``<platform>_<key>`` for each key of ``groups.<platform>``; a
        webhook key may still be a ``${VAR}`` reference)."""
        return {platform: {f"{platform}_{k}": v for k, v in sub.items()} for platform, sub in self.ids.items()}

    def notice_platforms(self) -> tuple[str, ...]:
        """The platforms where a notice can go into the unit's group: any group id but one the bot can only
        answer through (a WeCom smart-bot chat alone: in callback mode the smart bot cannot post unprompted)."""
        return tuple(p for p, sub in self.ids.items() if set(sub) - set(_REPLY_ONLY.get(p, ())))


@dataclass(frozen=True)
class Unit:
    """A section, affiliated unit or county bureau."""

    id: str
    name: str
    kind: str
    head: str
    liaisons: tuple[str, ...]
    members: tuple[str, ...] = ()
    leader_in_charge: str | None = None
    desk: bool = False
    groups: UnitGroups = field(default_factory=UnitGroups)
    active: bool = True
    leaders: Mapping[str, str] = field(default_factory=dict, hash=False)  # a county's {"main": id, "publicity": id}

    def __post_init__(self) -> None:
        object.__setattr__(self, "leaders", _copy(self.leaders or {}))

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone the unit names (head, liaisons, members), in that order, once each."""
        seen: dict[str, None] = {}
        for pid in (self.head, *self.liaisons, *self.members):
            seen.setdefault(pid, None)
        return tuple(seen)


@dataclass(frozen=True)
class CountyLeaders:
    """A county bureau's own approvers (the org file's ``leaders:`` of a county unit): its main leader and
    its publicity leader, person ids; None when the county has nobody active for the post."""

    main: str | None
    publicity: str | None

    def ids(self) -> tuple[str, ...]:
        """Both posts' holders, main first, once each (one person may hold both)."""
        return tuple(dict.fromkeys(p for p in (self.main, self.publicity) if p))


@dataclass(frozen=True)
class Organisation:
    """The whole organisation: the bureau's names, people and units, looked up by id."""

    bureau_name: str
    bureau_short: str
    people: dict[str, Person]
    units: dict[str, Unit]

    def person(self, person_id: str) -> Person | None:
        """The person with this org id, or None."""
        return self.people.get(person_id)

    def by_platform_id(self, platform: str, user_id: str) -> Person | None:
        """The active person with this platform user id, or None."""
        for person in self.people.values():
            if person.active and person.user_id(platform) == user_id:
                return person
        return None

    def desk_unit(self) -> Unit | None:
        """The city desk (the unit with ``desk: true``)."""
        return next((u for u in self.units.values() if u.desk and u.active), None)

    def desk_name(self) -> str:
        """The city desk's name as the org file spells it (``舆情工作台`` when no active unit is the desk)."""
        desk = self.desk_unit()
        return desk.name if desk is not None else "舆情工作台"

    def counties(self) -> list[Unit]:
        """The active county bureaus, in the org file's order."""
        return [u for u in self.units.values() if u.kind == "county" and u.active]

    def units_of(self, person_id: str) -> Iterable[Unit]:
        """The active units that name this person as head, liaison or member."""
        return (u for u in self.units.values() if u.active and person_id in u.people)

    def units_led_by(self, person_id: str) -> Iterable[Unit]:
        """The active units whose leader in charge is this person."""
        return (u for u in self.units.values() if u.active and u.leader_in_charge == person_id)

    def main_leader(self) -> Person:
        """The bureau's main leader (主要领导): the one active person with the ``main_leader`` role; raises
        ConfigError when there is none or more than one (the org file allows exactly one)."""
        found = [p for p in self.people.values() if p.active and "main_leader" in p.roles]
        if len(found) != 1:
            raise ConfigError(f"the organisation has {len(found)} main leaders; exactly one person has the "
                              "main_leader role (load a valid org file)")
        return found[0]

    def publicity_leaders(self) -> list[Person]:
        """The active people with the ``publicity_leader`` role (分管宣传领导), in the org file's order."""
        return [p for p in self.people.values() if p.active and "publicity_leader" in p.roles]

    def leader_in_charge_of(self, unit_id: str) -> Person | None:
        """The active leader in charge (分管局领导) of this unit, or None: a county may name none, and an
        unknown unit or a deactivated leader gives None too."""
        unit = self.units.get(unit_id)
        person = self.people.get(unit.leader_in_charge) if unit is not None and unit.leader_in_charge else None
        return person if person is not None and person.active else None

    def county_leaders(self, county_id: str) -> CountyLeaders:
        """The county's own leaders: each post's named person when active, else the county's head when
        active, else None (an unknown unit or one that is not a county gives None for both)."""
        unit = self.units.get(county_id)
        if unit is None or unit.kind != "county":
            return CountyLeaders(None, None)

        def active(pid: str | None) -> str | None:
            person = self.people.get(pid) if pid else None
            return pid if person is not None and person.active else None

        head = active(unit.head)
        return CountyLeaders(main=active(unit.leaders.get("main")) or head,
                             publicity=active(unit.leaders.get("publicity")) or head)
