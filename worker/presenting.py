"""Where the rendering rule meets the outbox: every row the worker adds passes :func:`add_rows`, which shows
each card of a case to its audience through :func:`bot.core.presentation.present` (the 【演练】 mark on a
drill, what a group may see of a confidential case) — replies to events, the clock's reminders and
escalations, an API case's announcement, and any card kind to come. Rows without a case (digests,
delivery failures, help) pass unchanged. No other worker module calls ``outbox.add`` (a test checks).

The audience of a row: ``group`` and ``person`` say it; an answer where the event came from (``reply``, or
an ``update`` of the clicked card) is the event's chat; an update of an earlier copy (``copy_of``) is that
copy's audience (a group's when the copy cannot be found: in doubt, show what a group may see)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.card import Card
from bot.core.presentation import Audience, CaseTraits, present
from bot.store import outbox
from bot.store.cases import CaseRow

__all__ = ["Presenter", "add_rows"]


class Presenter:
    """The rule applied to outbox messages in ``session`` (the caller's transaction); cases read once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cases: dict[int, CaseTraits | None] = {}

    def case(self, case_id: int | None) -> CaseTraits | None:
        """What the rule reads of the case ``case_id`` (None without a case, or for one not found)."""
        if case_id is None:
            return None
        if case_id not in self._cases:
            row = self.session.get(CaseRow, case_id)
            self._cases[case_id] = None if row is None else CaseTraits(
                drill=bool(row.drill), confidential=bool(row.confidential), title=row.title or "", link=row.link or "")
        return self._cases[case_id]

    def audience(self, method: str, address: dict) -> Audience:
        """Who reads a row sent by ``method`` to ``address``."""
        if method == "group":
            return Audience.GROUP
        if method == "update" and address.get("copy_of") is not None:
            original = self.session.get(outbox.OutboxRow, int(address["copy_of"]))
            return self.audience(original.method, original.address or {}) if original else Audience.GROUP
        event = address.get("event") or {}
        in_group = method in ("reply", "update") and event.get("chat_type") == "group"
        return Audience.GROUP if in_group else Audience.PERSON

    def message(self, message: outbox.Message) -> outbox.Message:
        """``message`` with its card as its audience may see it."""
        case = self.case(message.case_id)
        if case is None:
            return message
        card = present(Card.from_dict(message.card), self.audience(message.method, message.address), case)
        return replace(message, card=card.to_dict())


def add_rows(session: Session, messages: list[outbox.Message], now: datetime) -> list[int | None]:
    """Add ``messages`` to the outbox in the caller's transaction, each through the rendering rule; their ids
    (None for a dedup_id already there), in order."""
    presenter = Presenter(session)
    return [outbox.add(session, presenter.message(m), now) for m in messages]
