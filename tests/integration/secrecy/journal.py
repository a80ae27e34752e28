"""Everything the emulated platforms showed anyone, in the order they showed it — for the leak test.

The emulators keep what was sent (``messages_for_group``, ``messages_for_user``), but a card shows only its
latest state there: a DingTalk card's first drawing is gone once it is updated, and a WeCom card's per-person
updates replace each other. A leak in any drawing is a leak, so :class:`Journal` wraps the points where the
emulators write (DingTalk: ``records.add``, ``cards.create``, ``cards.update``; WeCom: ``records.add``,
``records.update_card``) and keeps one :class:`Entry` per message and per card drawing, for each chat it
reached — numbered in one sequence across both platforms, so "everything after the marking" is one
comparison (:meth:`Journal.mark`).

An entry's ``text`` is every string it carried, JSON strings opened and URL-encoded ones (a WeCom button's
key, a link in a button's params) decoded as well, so a title hidden inside a button's params is found too.
Nothing here changes what the emulators do or answer: each wrapper calls the original first.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote_plus

import yaml

from bot.emulator.dingtalk import contract

BOT_SENDERS = ("app", "webhook", "aibot")  # WeCom: what the platform delivered (a person's own words are not)
MENTION = re.compile(r"<@([^>\s]+)>")


@dataclass(frozen=True)
class Entry:
    """One message or card drawing in one chat. ``audience``: ``group`` (``where``: the group's name, the
    unit's as the org file gives it) or ``person`` (``where``: the org's person id, or the platform's user id
    for someone the org file does not know)."""

    seq: int
    platform: str
    audience: str
    where: str
    what: str
    text: str
    mentions: tuple[str, ...] = ()
    ref: str = ""

    def __str__(self) -> str:
        return f"#{self.seq} {self.platform} {self.audience} {self.where} [{self.what} {self.ref}]: {self.text[:300]!r}"


def strings(value: Any) -> Iterator[str]:
    """Every string in ``value`` (dict keys too); a string holding JSON is opened, a URL-encoded one decoded."""
    if isinstance(value, str):
        yield value
        stripped = value.strip()
        if stripped[:1] in ("[", "{"):
            try:
                inner = json.loads(stripped)
            except ValueError:
                inner = None
            if inner is not None:
                yield from strings(inner)
        if "%" in value or "+" in value:
            decoded = unquote_plus(value)
            if decoded != value:
                yield decoded
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from strings(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)


def flat(*values: Any) -> str:
    """The strings of ``values``, one a line."""
    return "\n".join(s for v in values for s in strings(v))


class Roster:
    """The org file's people as the platforms know them: user id → person id, and every name."""

    def __init__(self, org_file: Path) -> None:
        data = yaml.safe_load(Path(org_file).read_text(encoding="utf-8")) or {}
        self.people = {str(p["id"]): p for p in data.get("people") or []}
        self.names = {pid: str(p.get("name", "")) for pid, p in self.people.items()}
        self._ids = {(platform, str(p[platform])): pid for pid, p in self.people.items()
                     for platform in ("wecom", "dingtalk") if p.get(platform)}

    def of(self, platform: str, user_id: str) -> str:
        """The person id of a platform's user id (the user id itself when the org file has none)."""
        return self._ids.get((platform, str(user_id)), str(user_id))


class Journal:
    """What both emulators of ``emulator`` (an ``EmulatorServer``) show from now on; see the module's text."""

    def __init__(self, emulator, org_file: Path) -> None:
        self.dt, self.wecom = emulator.dingtalk, emulator.wecom
        self.people = Roster(org_file)
        self._lock = threading.RLock()
        self._seq = itertools.count(1)
        self.entries: list[Entry] = []
        self._wrap_dingtalk()
        self._wrap_wecom()

    # --- reading ---------------------------------------------------------------------------------
    def mark(self) -> int:
        """The number of the last entry so far: entries after it came later."""
        with self._lock:
            return self.entries[-1].seq if self.entries else 0

    def select(self, audience: str | None = None, after: int = 0, where: str | None = None,
               platform: str | None = None) -> list[Entry]:
        """The entries of ``audience`` (``where``, ``platform``) numbered above ``after``, in order."""
        with self._lock:
            return [e for e in self.entries if e.seq > after and (audience is None or e.audience == audience)
                    and (where is None or e.where == where) and (platform is None or e.platform == platform)]

    def dump(self, path: Path) -> None:
        """Every entry as a JSON line (for reading a failure afterwards)."""
        with self._lock:
            lines = [json.dumps(asdict(e), ensure_ascii=False) for e in self.entries]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    # --- writing ---------------------------------------------------------------------------------
    def _add(self, platform: str, audience: str, where: str, what: str, text: str,
             mentions: tuple[str, ...] = (), ref: str = "") -> None:
        with self._lock:
            self.entries.append(Entry(next(self._seq), platform, audience, where, what, text, mentions, ref))

    def _dt_group(self, cid: str) -> str:
        return self.dt.directory.dingtalk_groups.get(cid, cid)

    def _wecom_group(self, chat: str) -> str:
        d = self.wecom.directory
        return d.wecom_hooks.get(chat) or d.wecom_aibot_chats.get(chat) or \
            (self.wecom.appchats.get(chat) or {}).get("name") or chat

    def _wrap_dingtalk(self) -> None:
        dt, journal = self.dt, self
        add, create, update = dt.records.add, dt.cards.create, dt.cards.update

        def recorded_add(**fields):
            message = add(**fields)
            if message.sender == "bot":
                if message.group is not None:
                    journal._add("dingtalk", "group", journal._dt_group(message.group), message.channel,
                                 flat(message.content), tuple(message.at_user_ids), message.out_track_id or "")
                elif message.user is not None:
                    journal._add("dingtalk", "person", journal.people.of("dingtalk", message.user), message.channel,
                                 flat(message.content), (), message.out_track_id or "")
            return message

        def drawing(card, what: str) -> None:
            text = flat(card.public, contract.render(card.public), card.private)
            for stype, sid in card.spaces:
                if stype == "IM_GROUP":
                    journal._add("dingtalk", "group", journal._dt_group(sid), what, text, (), card.out_track_id)
                else:
                    journal._add("dingtalk", "person", journal.people.of("dingtalk", sid), what, text, (),
                                 card.out_track_id)

        def recorded_create(card, own_id: str = ""):
            with dt.cards._lock:
                stored, created = create(card, own_id)
                if created:
                    drawing(stored, "card")
            return stored, created

        def recorded_update(card, *args, **kwargs):
            with dt.cards._lock:
                result = update(card, *args, **kwargs)
                drawing(card, "card update")
            return result

        dt.records.add, dt.cards.create, dt.cards.update = recorded_add, recorded_create, recorded_update

    def _wrap_wecom(self) -> None:
        wecom, journal = self.wecom, self
        records = wecom.records
        add, update_card = records.add, records.update_card

        def mentions_of(content: Any, text: str) -> tuple[str, ...]:
            listed = []
            if isinstance(content, dict):
                for key in ("mentioned_list", "mentioned_mobile_list"):
                    listed += [str(x) for x in content.get(key) or []]
            return tuple(listed + MENTION.findall(text))

        def recorded_add(*, channel, kind, chats, sender, msgtype, content, **rest):
            add(channel=channel, kind=kind, chats=chats, sender=sender, msgtype=msgtype, content=content, **rest)
            if sender in BOT_SENDERS:
                text = flat(content)
                for chat in chats:
                    if kind == "group":
                        journal._add("wecom", "group", journal._wecom_group(chat), f"{channel} {msgtype}", text,
                                     mentions_of(content, text), rest.get("task_id") or rest.get("msgid") or "")
                    else:
                        journal._add("wecom", "person", journal.people.of("wecom", chat), f"{channel} {msgtype}",
                                     text, (), rest.get("task_id") or rest.get("msgid") or "")

        def recorded_update(channel, task_id, userids, *, card=None, replace_name=None, everyone=False):
            with records._lock:
                update_card(channel, task_id, userids, card=card, replace_name=replace_name, everyone=everyone)
                text = flat(card or {}, replace_name or "")
                for userid in userids:
                    journal._add("wecom", "person", journal.people.of("wecom", userid), "card update", text, (),
                                 task_id)
                if card is not None and everyone:
                    groups = {m.chat for (kind, _), chat in records.chats.items() if kind == "group"
                              for m in chat if m.task_id == task_id and m.channel == channel}
                    for chat in sorted(groups):
                        journal._add("wecom", "group", journal._wecom_group(chat), "card update", text, (), task_id)

        records.add, records.update_card = recorded_add, recorded_update
