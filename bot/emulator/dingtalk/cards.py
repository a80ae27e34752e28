"""Interactive card instances: who can see each card and what each person sees on it.

Owns: ``CardInstance`` (public ``cardParamMap``, per-person private data, the spaces it was
delivered to) and ``CardBook`` (create once per requested ``outTrackId`` — under that id, or under an
id of the platform's own when the emulator plays that reading — update with DingTalk's
replace-or-by-key semantics, apply a callback's answer). One instance is shared by everyone
holding the card, so an update changes what all of them see.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

from bot.emulator.dingtalk import contract

__all__ = ["CardInstance", "CardBook"]


@dataclass
class CardInstance:
    """One card. ``spaces`` are (IM_GROUP, cid) or (IM_ROBOT, userid) pairs."""

    out_track_id: str
    template_id: str
    public: dict[str, str]
    private: dict[str, dict[str, str]]
    spaces: list[tuple[str, str]]
    recipients: list[str] | None = None
    callback_type: str = ""
    route_key: str = ""
    created_at: float = 0.0
    updates: int = 0
    deliver_results: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)

    def params_for(self, userid: str) -> dict[str, str]:
        """The variables this person sees: public data overlaid with their private data."""
        return {**self.public, **self.private.get(userid, {})}

    def view(self, userid: str | None = None) -> dict:
        """The rendered card for one person (or the public view)."""
        return contract.render(self.params_for(userid) if userid else self.public)

    def groups(self) -> list[str]:
        """The group chats this card sits in."""
        return [sid for stype, sid in self.spaces if stype == "IM_GROUP"]

    def to_dict(self, userid: str | None = None) -> dict:
        """Plain data for the control endpoints and the console."""
        return {"outTrackId": self.out_track_id, "cardTemplateId": self.template_id,
                "cardParamMap": dict(self.public), "privateData": {u: dict(p) for u, p in self.private.items()},
                "spaces": [f"{t}.{i}" for t, i in self.spaces], "recipients": self.recipients,
                "callbackType": self.callback_type, "callbackRouteKey": self.route_key,
                "updates": self.updates, "view": self.view(userid)}


class CardBook:
    """All card instances; ``members(cid)`` tells who is in a group."""

    def __init__(self, members: Callable[[str], list[str]]) -> None:
        self._members = members
        self._lock = threading.RLock()
        self._cards: dict[str, CardInstance] = {}
        self._requested: dict[str, str] = {}  # the outTrackId a caller asked for → the card's id

    def create(self, card: CardInstance, own_id: str = "") -> tuple[CardInstance, bool]:
        """Store a new card under its ``outTrackId``, or under ``own_id`` when given (the platform naming the
        card itself); an ``outTrackId`` asked for before keeps the old card (returns created=False)."""
        with self._lock:
            requested = card.out_track_id
            old = self._cards.get(self._requested.get(requested, requested))
            if old is not None:
                return old, False
            card.out_track_id = own_id or requested
            self._requested[requested] = card.out_track_id
            self._cards[card.out_track_id] = card
            return card, True

    def get(self, out_track_id: str) -> CardInstance | None:
        """The card with this ``outTrackId``, or None."""
        with self._lock:
            return self._cards.get(out_track_id)

    def all(self) -> list[CardInstance]:
        """Every card, oldest first."""
        with self._lock:
            return list(self._cards.values())

    def viewers(self, card: CardInstance) -> set[str]:
        """Everyone who holds this card in one of its spaces."""
        people: set[str] = set()
        for stype, sid in card.spaces:
            if stype == "IM_ROBOT":
                people.add(sid)
            elif stype == "IM_GROUP":
                members = set(self._members(sid))
                people |= members & set(card.recipients) if card.recipients else members
        return people

    def update(self, card: CardInstance, public: dict | None, private: dict | None,
               public_by_key: bool, private_by_key: bool, source: str) -> None:
        """Apply new public and private data; without ``by_key`` the whole map is replaced."""
        with self._lock:
            if public is not None:
                card.public = {**card.public, **public} if public_by_key else dict(public)
            for user, params in (private or {}).items():
                old = card.private.get(user, {})
                card.private[user] = {**old, **params} if private_by_key else dict(params)
            card.updates += 1
            card.history.append({"source": source, "cardParamMap": public, "privateData": private})

    def clear(self) -> None:
        """Forget every card."""
        with self._lock:
            self._cards.clear()
            self._requested.clear()
