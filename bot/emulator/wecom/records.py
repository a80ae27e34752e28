"""What the emulated WeCom has shown to whom: every message per person and per group chat,
and the current state of every template card (per holder, after updates).

A person's 1:1 chats (with the self-built app, and with the smart bot) are keyed by userid;
group chats by webhook key, smart-bot chatid or appchat chatid.
"""

from __future__ import annotations

import copy
import itertools
import threading
from dataclasses import dataclass, field

from bot.emulator.wecom.cards import callback_keys, links

BOT_SENDERS = ("app", "webhook", "aibot")


@dataclass
class CardState:
    """A template card and what each holder sees now: ``shown[userid]`` is the card as shown,
    ``greyed[userid]`` the replace_name when its buttons were greyed out; ``everyone`` the card as
    last sent or updated for every holder (what a group chat shows)."""

    channel: str
    task_id: str
    shown: dict[str, dict] = field(default_factory=dict)
    greyed: dict[str, str] = field(default_factory=dict)
    everyone: dict | None = None

    def view(self, userid: str) -> dict:
        """JSON form of the card as ``userid`` sees it, with the keys still clickable and the links it opens."""
        card = self.shown[userid]
        greyed = self.greyed.get(userid)
        return {"channel": self.channel, "task_id": self.task_id, "card": copy.deepcopy(card),
                "greyed": greyed, "clickable": [] if greyed is not None else callback_keys(card),
                "links": links(card)}


@dataclass
class Message:
    """One message in one chat. ``sender`` is "app", "webhook", "aibot" or a person's userid."""

    seq: int
    msgid: str
    channel: str
    chat_kind: str
    chat: str
    sender: str
    msgtype: str
    content: dict
    time: float
    truncated: bool = False
    task_id: str | None = None

    def to_dict(self, card: CardState | None = None) -> dict:
        """JSON form; a card message shows the card's current state in this chat."""
        data = {k: copy.deepcopy(v) for k, v in self.__dict__.items()}
        if card is not None and self.chat_kind == "user" and self.chat in card.shown:
            data["content"] = card.view(self.chat)["card"]
            data["greyed"] = card.greyed.get(self.chat)
        elif card is not None and self.chat_kind == "group" and card.everyone is not None:
            data["content"] = copy.deepcopy(card.everyone)
        return data


class Records:
    """Every message and card the emulated WeCom holds; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._seq = itertools.count(1)
        self.chats: dict[tuple[str, str], list[Message]] = {}
        self.cards: dict[tuple[str, str], CardState] = {}
        self.dropped: list[dict] = []

    def add(self, *, channel: str, kind: str, chats: list[str], sender: str, msgtype: str,
            content: dict, time: float, msgid: str, truncated: bool = False,
            task_id: str | None = None) -> None:
        """Record one message delivered into each of ``chats`` of ``kind`` ("user" or "group")."""
        with self._lock:
            for chat in chats:
                message = Message(next(self._seq), msgid, channel, kind, chat, sender, msgtype,
                                  copy.deepcopy(content), time, truncated, task_id)
                self.chats.setdefault((kind, chat), []).append(message)

    def hold_card(self, channel: str, task_id: str, userids: list[str], card: dict) -> None:
        """``userids`` now hold ``card`` (sent on ``channel``: "app" or "aibot")."""
        with self._lock:
            state = self.cards.setdefault((channel, task_id), CardState(channel, task_id))
            state.everyone = copy.deepcopy(card)
            for userid in userids:
                state.shown[userid] = copy.deepcopy(card)
                state.greyed.pop(userid, None)

    def card(self, channel: str, task_id: str) -> CardState | None:
        """The card sent on ``channel`` with ``task_id``, if any."""
        return self.cards.get((channel, task_id))

    def task_used(self, channel: str, task_id: str) -> bool:
        """Whether ``task_id`` was ever used on ``channel`` (task ids are unique forever)."""
        return (channel, task_id) in self.cards

    def update_card(self, channel: str, task_id: str, userids: list[str], *,
                    card: dict | None = None, replace_name: str | None = None, everyone: bool = False) -> None:
        """Replace the card shown to ``userids``, or grey out its buttons with ``replace_name``;
        ``everyone``: the update was for every holder (a group chat shows it too)."""
        with self._lock:
            state = self.cards[(channel, task_id)]
            if everyone and card is not None:
                state.everyone = copy.deepcopy({**card, "task_id": task_id})
            for userid in userids:
                if card is not None:
                    state.shown[userid] = copy.deepcopy({**card, "task_id": task_id})
                    state.greyed.pop(userid, None)
                else:
                    state.greyed[userid] = replace_name or ""

    def drop(self, reason: str, data: dict) -> None:
        """Note a message WeCom accepted but did not deliver (duplicate, reused task_id)."""
        with self._lock:
            self.dropped.append({"reason": reason, "request": copy.deepcopy(data)})

    def messages(self, kind: str, chats: list[str], exclude_people: bool = False) -> list[dict]:
        """Messages of the ``kind`` chats ``chats`` in order, as JSON; ``exclude_people`` keeps
        only what the platform delivered (app, webhook robot, smart bot)."""
        with self._lock:
            found = [m for chat in chats for m in self.chats.get((kind, chat), [])]
            found.sort(key=lambda m: m.seq)
            if exclude_people:
                found = [m for m in found if m.sender in BOT_SENDERS]
            return [m.to_dict(self.cards.get((m.channel, m.task_id)) if m.task_id else None) for m in found]

    def chat_ids(self, kind: str) -> list[str]:
        """Every chat of ``kind`` that has messages."""
        with self._lock:
            return [chat for (k, chat) in self.chats if k == kind]

    def cards_for(self, userid: str) -> list[dict]:
        """Every card ``userid`` holds, in its current state."""
        with self._lock:
            return [s.view(userid) for s in self.cards.values() if userid in s.shown]

    def reset(self) -> None:
        """Forget everything."""
        with self._lock:
            self.chats.clear()
            self.cards.clear()
            self.dropped.clear()
