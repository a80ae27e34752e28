"""Which copies of a card exist: the interface handlers ask, and the worker implements over its outbox.

A card goes out as several messages (a unit's group on each platform, each liaison 1:1); after a change
the handler brings every copy to the new state (``handlers/card_copies.py``). It asks a
:class:`CardCopies` handed in with its context; the worker answers from the outbox
(``worker/outbox_copies.py``); without one (:data:`NO_COPIES`) there are none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["CardCopies", "CardCopy", "NO_COPIES"]


@dataclass(frozen=True)
class CardCopy:
    """One sent (or still pending) message of a card: its outbox id, platform, send method (``person`` or
    ``group``), address, the card as sent (``Card.to_dict()``), the platform's reference to it (or None), and
    whether its row is sent yet (``sent``)."""

    id: int
    platform: str
    method: str
    address: dict
    card: dict
    card_ref: dict | None
    sent: bool = False


class CardCopies(Protocol):
    """Where handlers find the copies of a card they sent."""

    def of_case(self, case_id: int, kind: str = "case_card", assignment_id: int | None = None) -> list[CardCopy]:
        """The copies of ``kind`` cards sent for the case (of one assignment, when given), oldest first."""


class _NoCopies:
    """No outbox behind the context: no copies."""

    def of_case(self, case_id: int, kind: str = "case_card", assignment_id: int | None = None) -> list[CardCopy]:
        """Always []."""
        return []


NO_COPIES: CardCopies = _NoCopies()
