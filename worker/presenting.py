"""Where the rendering rule meets the outbox: every row the worker adds passes :func:`add_rows`, which shows
each card of a case to its audience through :func:`bot.core.presentation.present` (the 【演练】 mark on a
drill, what a group may see of a confidential case) — replies to events, the clock's reminders and
escalations, an API case's announcement, and any card kind to come. No other worker module calls
``outbox.add`` (a test checks).

The audience of a row: ``group`` and ``person`` say it; an answer where the event came from (``reply``, or
an ``update`` of the clicked card) is the event's chat; an update of an earlier copy (``copy_of``) is that
copy's audience (a group's when the copy cannot be found: in doubt, show what a group may see).

A confidential case (issue 21):

- **details 1:1**: when a fresh message to a group (``group``, or a ``reply`` to an event in a group) becomes
  the group's notice, each person named for the case (``bot.domain.secrecy.named_people``: the county, the
  live assignments' units) who belongs to that group's unit — for a reply, the event's sender alone, when
  named — gets the whole card 1:1 (``person``, on their own platform, filed under the case), unless the same
  batch already gives them a card of that kind of the case 1:1 (a warning goes to liaisons and head already).
  These rows come after the batch's own, so the ids of its rows keep their places. Updates never fan out.
- **an answer in a group about a confidential case is that case's message**, whether or not its handler filed it
  under the case: a ``reply`` (or the clicked card's ``update``) in a group to an event that names a confidential
  case — a click's ``case`` parameter, or a case number in the typed text (``更正 YQ-… 内容``, ``签收 YQ-…``,
  the pointer to a dialog moved 1:1) — is filed under that case before the rule reads it (``_event_case``), so the
  group sees the notice and a named sender gets the answer 1:1.
- **the safety net**: a group's card that names a confidential case's number without being that case's card
  (a row of no case, or of another) loses that case's title and link (``presentation.unnamed``).

A drill (issue 23): a row filed under no case (a dialog's question, its confirmation, 「已提交…」) whose card names
drill cases only is marked as a drill too (``_drill_named``), so every message of a drill says 演练.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.card import Card
from bot.core.org import Organisation, Unit
from bot.core.presentation import NUMBER, Audience, CaseTraits, is_secret_notice, named_numbers, present, unnamed
from bot.domain.grade import Grade
from bot.domain.secrecy import named_people
from bot.store import outbox
from bot.store.case_views import case_row, live_units
from bot.store.cases import CaseRow
from bot.store.org_repo import read_organisation
from worker.addressing import Unreachable, group_addresses, person_message

__all__ = ["Presenter", "add_rows", "traits"]

log = logging.getLogger(__name__)
FRESH = ("group", "reply")  # the sends that are new messages in a chat (an ``update`` changes one)


def traits(row: CaseRow) -> CaseTraits:
    """What the rule reads of a case row (the grade as its short label: 重大)."""
    return CaseTraits(drill=bool(row.drill), confidential=bool(row.confidential), title=row.title or "",
                      link=row.link or "", number=row.number, grade=Grade(row.grade).label.removesuffix("舆情"))


class Presenter:
    """The rule applied to outbox messages in ``session`` (the caller's transaction); cases read once each;
    ``org`` read from the store when a confidential case's details go 1:1 and the caller passed none."""

    def __init__(self, session: Session, org: Organisation | None = None) -> None:
        self.session = session
        self._org = org
        self._cases: dict[int, CaseTraits | None] = {}
        self._numbers: dict[str, tuple[int, CaseTraits] | None] = {}

    @property
    def org(self) -> Organisation:
        """The organisation (the caller's, else read once)."""
        if self._org is None:
            self._org = read_organisation(self.session)
        return self._org

    def case(self, case_id: int | None) -> CaseTraits | None:
        """What the rule reads of the case ``case_id`` (None without a case, or for one not found)."""
        if case_id is None:
            return None
        if case_id not in self._cases:
            row = case_row(self.session, case_id)  # afresh: a marking in this transaction counts
            self._cases[case_id] = None if row is None else traits(row)
        return self._cases[case_id]

    def by_number(self, number: str) -> tuple[int, CaseTraits] | None:
        """The id of the case numbered ``number`` and what the rule reads of it (None for no such case)."""
        if number not in self._numbers:
            row = self.session.scalars(select(CaseRow).where(CaseRow.number == number)
                                       .execution_options(populate_existing=True)).first()
            self._numbers[number] = None if row is None else (row.id, traits(row))
        return self._numbers[number]

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
        """``message`` with its card as its audience may see it (no details 1:1: :meth:`messages`)."""
        audience = self.audience(message.method, message.address)
        card = Card.from_dict(message.card)
        case = self.case(message.case_id) if message.case_id is not None else self._drill_named(card)
        shown = present(card, audience, case)
        if audience == Audience.GROUP and not is_secret_notice(shown):
            shown = self._net(shown, case)
        return message if shown == card else replace(message, card=shown.to_dict())

    def messages(self, messages: list[outbox.Message]) -> list[outbox.Message]:
        """``messages`` as their audiences may see them, then the details 1:1 of every fresh group message
        of a confidential case (module docstring)."""
        messages = [self._event_case(m) for m in messages]
        shown = [self.message(m) for m in messages]
        hidden = [before for before, after in zip(messages, shown)
                  if before.method in FRESH and after is not before and is_secret_notice(Card.from_dict(after.card))]
        if not hidden:
            return shown
        given = {key for m in messages if m.method == "person" and (key := self._given(m))}
        return shown + [m for before in hidden for m in self._details(before, given)]

    def _event_case(self, message: outbox.Message) -> outbox.Message:
        """``message`` filed under the confidential case its event names, when it is an answer in a group to such
        an event and no case was given (module docstring); else as it is."""
        if message.case_id is not None or message.method not in ("reply", "update"):
            return message
        event = message.address.get("event") or {}
        if event.get("chat_type") != "group":
            return message
        try:
            clicked = int((event.get("params") or {}).get("case"))
        except (TypeError, ValueError):
            clicked = None
        if clicked is not None and (case := self.case(clicked)) is not None and case.confidential:
            return replace(message, case_id=clicked)
        for number in NUMBER.findall(str(event.get("text") or "").upper()):
            found = self.by_number(number)
            if found is not None and found[1].confidential:
                return replace(message, case_id=found[0])
        return message

    def _drill_named(self, card: Card) -> CaseTraits | None:
        """A card filed under no case (a dialog's question or answer) that names drill cases only: marked as a drill
        (issue 23: every card and message of a drill says 演练); None otherwise."""
        found = [self.by_number(n) for n in sorted(named_numbers(card))]
        if found and all(f is not None and f[1].drill for f in found):
            return CaseTraits(drill=True)
        return None

    def _net(self, card: Card, case: CaseTraits | None) -> Card:
        """The safety net: ``card`` without the title and link of any other confidential case it names."""
        own = case.number if case else ""
        found = [self.by_number(n) for n in sorted(named_numbers(card) - {own})]
        named = [c for f in found if f is not None and (c := f[1]).confidential]
        return unnamed(card, named) if named else card

    def _given(self, message: outbox.Message) -> tuple[str, int, str] | None:
        """(person, case, card kind) of a 1:1 row of a case."""
        if message.case_id is None:
            return None
        person = self.org.by_platform_id(message.platform, str(message.address.get("user_id", "")))
        return (person.id, message.case_id, str(message.card.get("kind"))) if person else None

    def _details(self, message: outbox.Message, given: set[tuple[str, int, str]]) -> list[outbox.Message]:
        """The whole card of a group ``message`` 1:1 to each named person of its chat not given it yet."""
        row = case_row(self.session, message.case_id)
        named = named_people(self.org, county=row.county, units=live_units(self.session, row.id))
        kind = str(message.card.get("kind"))
        card = present(Card.from_dict(message.card), Audience.PERSON, self.case(message.case_id))
        out = []
        for pid in self._readers(message, named):
            if (pid, row.id, kind) in given:
                continue
            given.add((pid, row.id, kind))
            try:
                out.append(person_message(self.org, pid, card, f"{message.dedup_id}:1to1:{pid}", row.id))
            except Unreachable as exc:
                log.warning("confidential case %s: %s gets no details 1:1: %s", row.number, pid, exc)
        return out

    def _readers(self, message: outbox.Message, named: list[str]) -> list[str]:
        """The named people who read ``message``'s chat: its unit's (a group send), or the event's sender."""
        if message.method == "reply":
            event = message.address.get("event") or {}
            person = self.org.by_platform_id(str(event.get("platform") or message.platform),
                                             str(event.get("user_id", "")))
            return [person.id] if person is not None and person.id in named else []
        unit = self._unit_of(message)
        return [pid for pid in named if unit is not None and pid in unit.people]

    def _unit_of(self, message: outbox.Message) -> Unit | None:
        """The unit whose group chat ``message`` goes to (by the chat's ids), or None."""
        group = message.address.get("group") or {}
        for unit in self.org.units.values():
            try:
                if group and group_addresses(self.org, unit.id).get(message.platform) == group:
                    return unit
            except Unreachable:
                continue
        return None


def add_rows(session: Session, messages: list[outbox.Message], now: datetime,
             org: Organisation | None = None) -> list[int | None]:
    """Add ``messages`` to the outbox in the caller's transaction, each through the rendering rule, then the
    details 1:1 they call for (:meth:`Presenter.messages`); the ids (None for a dedup_id already there), in
    order: ``messages``' first. ``org``: the caller's organisation, when it holds one."""
    return [outbox.add(session, m, now) for m in Presenter(session, org).messages(messages)]
