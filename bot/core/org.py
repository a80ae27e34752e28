"""The organisation as plain data: people, units, and the roles both give.

Person roles come from the org file's ``roles:`` list; unit roles (head, liaison, member,
leader in charge, desk, county desk) come from the units that name a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

PERSON_ROLES = ("main_leader", "publicity_leader", "admin")
UNIT_KINDS = ("section", "affiliate", "county")
PLATFORMS = ("wecom", "dingtalk")


@dataclass(frozen=True)
class Person:
    """One person; ``wecom``/``dingtalk`` are platform user ids, at least one is set."""

    id: str
    name: str
    wecom: str | None = None
    dingtalk: str | None = None
    prefer: str | None = None
    wechat_plugin: bool = False
    roles: tuple[str, ...] = ()
    active: bool = True

    @property
    def platform(self) -> str:
        """The platform that gets this person's messages."""
        if self.prefer:
            return self.prefer
        return "wecom" if self.wecom else "dingtalk"

    def user_id(self, platform: str) -> str | None:
        """This person's user id on ``platform``, if any."""
        return self.wecom if platform == "wecom" else self.dingtalk

    def user_ids(self) -> dict[str, str]:
        """This person's user id on each platform where they have one."""
        return {p: uid for p, uid in (("wecom", self.wecom), ("dingtalk", self.dingtalk)) if uid}

    def reads_text_only(self, platform: str) -> bool:
        """Whether this person reads ``platform``'s messages on a client that shows plain text only (WeCom
        through the WeChat plugin, the org file's ``wechat_plugin``)."""
        return self.wechat_plugin and platform == "wecom"


@dataclass(frozen=True)
class UnitGroups:
    """A unit's group chats: WeCom webhook robot key (may be a ``${VAR}`` reference), smart-bot chat id,
    an app-created chat id, and the DingTalk open conversation id."""

    wecom_webhook_key: str | None = None
    wecom_aibot_chatid: str | None = None
    wecom_appchat_id: str | None = None
    dingtalk_open_conversation_id: str | None = None

    def by_platform(self) -> dict[str, dict[str, str]]:
        """The unit's group chat on each platform where it has one, as that platform's ids (the address a
        messenger's ``send_to_group`` takes; a webhook key may still be a ``${VAR}`` reference)."""
        wecom = {"wecom_webhook_key": self.wecom_webhook_key, "wecom_aibot_chatid": self.wecom_aibot_chatid,
                 "wecom_appchat_id": self.wecom_appchat_id}
        dingtalk = {"dingtalk_open_conversation_id": self.dingtalk_open_conversation_id}
        out = {"wecom": {k: v for k, v in wecom.items() if v}, "dingtalk": {k: v for k, v in dingtalk.items() if v}}
        return {platform: ids for platform, ids in out.items() if ids}

    def notice_platforms(self) -> tuple[str, ...]:
        """The platforms where a notice can go into the unit's group: a WeCom webhook robot or app chat (not a
        smart-bot chat alone: in callback mode the smart bot cannot post unprompted), a DingTalk conversation."""
        wecom = bool(self.wecom_webhook_key or self.wecom_appchat_id)
        return tuple(p for p, on in (("wecom", wecom), ("dingtalk", bool(self.dingtalk_open_conversation_id))) if on)


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

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone the unit names (head, liaisons, members), in that order, once each."""
        seen: dict[str, None] = {}
        for pid in (self.head, *self.liaisons, *self.members):
            seen.setdefault(pid, None)
        return tuple(seen)


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

    def units_of(self, person_id: str) -> Iterable[Unit]:
        """The active units that name this person as head, liaison or member."""
        return (u for u in self.units.values() if u.active and person_id in u.people)

    def units_led_by(self, person_id: str) -> Iterable[Unit]:
        """The active units whose leader in charge is this person."""
        return (u for u in self.units.values() if u.active and u.leader_in_charge == person_id)
