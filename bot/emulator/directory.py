"""The emulator's own reading of the org file: who exists on which platform, and the group chats.

Written apart from ``bot.org`` on purpose: the emulator must not share the bot's mistakes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import yaml

_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


@dataclass
class Directory:
    """People and groups per platform as the platform servers know them.

    ``wecom_users``/``dingtalk_users``: platform user id → display name.
    ``wecom_hooks``: webhook key → group name; ``wecom_aibot_chats``: chat id → group name;
    ``dingtalk_groups``: open conversation id → group name; ``group_members``: group id → member user ids.
    """

    wecom_users: dict[str, str] = field(default_factory=dict)
    dingtalk_users: dict[str, str] = field(default_factory=dict)
    wecom_hooks: dict[str, str] = field(default_factory=dict)
    wecom_aibot_chats: dict[str, str] = field(default_factory=dict)
    dingtalk_groups: dict[str, str] = field(default_factory=dict)
    group_members: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_org_file(cls, path: str | Path, env: Mapping[str, str] | None = None) -> Directory:
        """Read the people and group chats of an org file (no validation: that is the bot's job)."""
        env = os.environ if env is None else env
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        d = cls()
        people = {}
        for p in data.get("people") or []:
            people[str(p.get("id"))] = p
            if p.get("wecom"):
                d.wecom_users[str(p["wecom"])] = str(p.get("name", ""))
            if p.get("dingtalk"):
                d.dingtalk_users[str(p["dingtalk"])] = str(p.get("name", ""))
        for u in data.get("units") or []:
            names = [u.get("head"), *(u.get("liaisons") or []), *(u.get("members") or [])]
            members = [people[str(n)] for n in names if str(n) in people]
            groups = u.get("groups") or {}
            wecom = groups.get("wecom") or {}
            key = _resolve(wecom.get("webhook_key"), env)
            if key:
                d.wecom_hooks[key] = u.get("name", "")
                d.group_members[key] = [str(m["wecom"]) for m in members if m.get("wecom")]
            chat = wecom.get("aibot_chatid")
            if chat:
                d.wecom_aibot_chats[str(chat)] = u.get("name", "")
                d.group_members[str(chat)] = [str(m["wecom"]) for m in members if m.get("wecom")]
            cid = (groups.get("dingtalk") or {}).get("open_conversation_id")
            if cid:
                d.dingtalk_groups[str(cid)] = u.get("name", "")
                d.group_members[str(cid)] = [str(m["dingtalk"]) for m in members if m.get("dingtalk")]
        return d


def _resolve(value, env: Mapping[str, str]) -> str | None:
    if not value:
        return None
    m = _REF.match(str(value))
    return env.get(m.group(1)) if m else str(value)
