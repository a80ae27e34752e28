"""Turn a reply's Target (a person or unit of the organisation) into outbox messages on the right
platform: a person on the platform that gets their messages, a unit's group on every platform where
it has one (or the one the target names; ``UnitGroups.by_platform``). Webhook keys given as ``${VAR}`` are
read here, at send time."""

from __future__ import annotations

import os
from typing import Mapping

from bot.core.card import Card, Target
from bot.core.org import Organisation
from bot.org.file import resolve
from bot.store.outbox import Message


class Unreachable(LookupError):
    """The target has no way to receive messages (unknown, inactive, or no group on that platform)."""


def person_message(org: Organisation, person_id: str, card: Card, dedup_id: str, case_id: int | None = None,
                   platform: str = "") -> Message:
    """A 1:1 message to a person; raises Unreachable for an unknown or inactive person."""
    person = org.person(person_id)
    if person is None or not person.active:
        raise Unreachable(f"person {person_id} is unknown or inactive")
    chosen = platform or person.platform
    user_id = person.user_id(chosen)
    if not user_id:
        raise Unreachable(f"person {person_id} is not on {chosen}")
    address = {"user_id": user_id, "wechat_plugin": person.reads_text_only(chosen)}
    return Message(dedup_id, chosen, "person", address, card.to_dict(), case_id)


def group_addresses(org: Organisation, unit_id: str, env: Mapping[str, str] | None = None) -> dict[str, dict]:
    """The unit's group chats per platform, with secrets resolved; empty when it has none."""
    unit = org.units.get(unit_id)
    if unit is None or not unit.active:
        raise Unreachable(f"unit {unit_id} is unknown or inactive")
    env = dict(os.environ if env is None else env)
    out: dict[str, dict] = {}
    for platform, ids in unit.groups.by_platform().items():
        resolved = {k: v for k, v in ((k, resolve(v, env)) for k, v in ids.items()) if v}
        if resolved:
            out[platform] = resolved
    return out


def group_messages(org: Organisation, unit_id: str, card: Card, dedup_id: str, case_id: int | None = None,
                   platform: str = "", env: Mapping[str, str] | None = None) -> list[Message]:
    """Messages to the unit's group chat(s); raises Unreachable when it has no group (on that platform)."""
    groups = group_addresses(org, unit_id, env)
    if platform:
        groups = {p: a for p, a in groups.items() if p == platform}
    if not groups:
        raise Unreachable(f"unit {unit_id} has no group chat{' on ' + platform if platform else ''}")
    return [Message(f"{dedup_id}:{p}", p, "group", {"group": a}, card.to_dict(), case_id) for p, a in groups.items()]


def target_messages(org: Organisation, target: Target, card: Card, dedup_id: str,
                    case_id: int | None = None) -> list[Message]:
    """The outbox messages for one Target; raises Unreachable."""
    if target.kind == "person":
        return [person_message(org, target.id, card, dedup_id, case_id, target.platform)]
    if target.kind == "group":
        return group_messages(org, target.id, card, dedup_id, case_id, target.platform)
    raise Unreachable(f"unknown target kind {target.kind!r}")
