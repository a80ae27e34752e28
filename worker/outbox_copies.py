"""The copies of a card, as the worker's outbox holds them: :class:`bot.core.card_copies.CardCopies` over the
event's own transaction, handed to handlers in their context."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.card_copies import CardCopy, in_group
from bot.store.outbox import FAILED, SENT, OutboxRow

__all__ = ["OutboxCopies"]

SENDS = ("person", "group")


def _copy(row: OutboxRow) -> CardCopy:
    return CardCopy(row.id, row.platform, row.method, dict(row.address or {}), dict(row.card or {}),
                    dict(row.card_ref) if row.card_ref else None, row.state == SENT, row.sent_at)


class OutboxCopies:
    """CardCopies read from the outbox rows filed under a case (in ``session``, the event's transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of_case(self, case_id: int, kind: str = "case_card", assignment_id: int | None = None) -> list[CardCopy]:
        """The outbox rows of ``kind`` cards sent for the case (of one assignment), oldest first."""
        rows = self.session.scalars(select(OutboxRow).where(OutboxRow.case_id == case_id, OutboxRow.method.in_(SENDS))
                                    .order_by(OutboxRow.id))
        found = []
        for row in rows:
            card = row.card or {}
            data = card.get("data") or {}
            if card.get("kind") == kind and (assignment_id is None or data.get("assignment") == assignment_id):
                found.append(_copy(row))
        return found

    def in_groups(self, case_id: int) -> list[CardCopy]:
        """The case's rows to a group chat (group sends, answers in a group), any kind, oldest first; none failed."""
        rows = self.session.scalars(select(OutboxRow).where(OutboxRow.case_id == case_id,
                                                            OutboxRow.method.in_(("group", "reply")),
                                                            OutboxRow.state != FAILED).order_by(OutboxRow.id))
        return [_copy(row) for row in rows if in_group(row.method, row.address or {})]
