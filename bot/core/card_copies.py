"""Which copies of a card exist: the interface handlers ask, and the worker implements over its outbox.

A card goes out as several messages (a unit's group on each platform, each liaison 1:1); after a change
the handler brings every copy to the new state (``handlers/card_copies.py``). It asks a
:class:`CardCopies` handed in with its context; the worker answers from the outbox
(``worker/outbox_copies.py``); without one (:data:`NO_COPIES`) there are none. A case marked 涉密 asks for
every message of the case that reached a group, of any kind (:meth:`CardCopies.in_groups`), to re-draw or
list them (``handlers/secrecy.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["CardCopies", "CardCopy", "NO_COPIES", "in_group"]


@dataclass(frozen=True)
class CardCopy:
    """One sent (or still pending) message of a card: its outbox id, platform, send method (``person``,
    ``group``, or ``reply`` where an event came from), address, the card as sent (``Card.to_dict()``), the
    platform's reference to it (or None), whether its row is sent yet (``sent``) and when (``sent_at``)."""

    id: int
    platform: str
    method: str
    address: dict
    card: dict
    card_ref: dict | None
    sent: bool = False
    sent_at: datetime | None = None


def in_group(method: str, address: dict) -> bool:
    """Whether a message sent by ``method`` to ``address`` goes to a group chat: a group send, or an answer
    to an event that came from a group."""
    if method == "group":
        return True
    return method == "reply" and ((address or {}).get("event") or {}).get("chat_type") == "group"


class CardCopies(Protocol):
    """Where handlers find the copies of a card they sent."""

    def of_case(self, case_id: int, kind: str = "case_card", assignment_id: int | None = None) -> list[CardCopy]:
        """The copies of ``kind`` cards sent for the case (of one assignment, when given), oldest first."""

    def in_groups(self, case_id: int) -> list[CardCopy]:
        """Every message of the case, of any kind, that went (or is to go) to a group chat — group sends and
        answers to events from a group — oldest first; none that finally failed."""


class _NoCopies:
    """No outbox behind the context: no copies."""

    def of_case(self, case_id: int, kind: str = "case_card", assignment_id: int | None = None) -> list[CardCopy]:
        """Always []."""
        return []

    def in_groups(self, case_id: int) -> list[CardCopy]:
        """Always []."""
        return []


NO_COPIES: CardCopies = _NoCopies()
