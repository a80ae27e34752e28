"""Every copy of a unit's card shows the same state (not an intent: no handler).

A warning goes out as several messages (the unit's group on each platform, each liaison 1:1); each
is an outbox row filed under its case, with the card's ``unit`` and ``assignment`` in its data.
After a change, :func:`refresh` answers with one reply per copy: an in-place update of a card we
sent (``Target("card", <outbox id>)``; the worker updates it by the card_ref the platform gave us)
or, where the platform cannot change what it showed (a group card on a platform whose capabilities do
not update one, such as a WeCom group's robot notice; a text-only reader's text), a short follow-up
notice in the same place. Copies that are one card instance in several chats (a platform that puts one
card into many spaces) are updated once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.core.capabilities import Capabilities
from bot.core.card import Card, Reply, Target
from bot.core.org import Organisation
from bot.store.outbox import OutboxRow

SENDS = ("person", "group")


@dataclass(frozen=True)
class Copy:
    """One sent (or still pending) message of a card, as read from the outbox."""

    id: int
    platform: str
    method: str
    address: dict
    card: dict
    card_ref: dict | None


def copies(ctx, case_id: int, kind: str = "case_card", assignment_id: int | None = None) -> list[Copy]:
    """The outbox rows of ``kind`` cards sent for the case (of one assignment); [] without a database."""
    def read(repo) -> list[Copy]:
        session = getattr(repo, "session", None)
        if session is None:
            return []
        rows = session.scalars(select(OutboxRow).where(OutboxRow.case_id == case_id, OutboxRow.method.in_(SENDS))
                               .order_by(OutboxRow.id))
        found = []
        for row in rows:
            data = (row.card or {}).get("data") or {}
            if (row.card or {}).get("kind") == kind and (assignment_id is None or data.get("assignment") == assignment_id):
                found.append(Copy(row.id, row.platform, row.method, dict(row.address or {}), dict(row.card),
                                  dict(row.card_ref) if row.card_ref else None))
        return found
    return ctx.store.run(read) if ctx.store is not None else []


def updatable(row: Copy, capabilities: Capabilities) -> bool:
    """Whether the platform (with these ``capabilities``) lets us change this copy in place: a card with
    buttons, in a group only where group cards can be updated, and not a text-only reader's text."""
    if not (row.card or {}).get("buttons"):
        return False
    if row.method == "group" and not capabilities.updates_group_card:
        return False
    return not (row.address or {}).get("wechat_plugin")


def clicked(row: Copy, card_id: str) -> bool:
    """Whether ``row`` is the card the person clicked (updated through the click itself)."""
    return bool(card_id) and (row.card_ref or {}).get("card_id") == card_id


def refresh(ctx, org: Organisation, rows: list[Copy], card: Card, follow_up: str, case_id: int,
            skip_card: str = "") -> list[Reply]:
    """Replies that bring every copy in ``rows`` to ``card`` (or a ``follow_up`` notice where it cannot change)."""
    replies: list[Reply] = []
    told_groups: set[tuple[str, str]] = set()
    cards_updated: set[tuple[str, str]] = set()  # copies sharing one card instance are updated once
    for row in rows:
        if clicked(row, skip_card):
            continue
        can = ctx.can(row.platform)
        if updatable(row, can):
            instance = (row.platform, str((row.card_ref or {}).get("card_id") or ""))
            if can.one_card_many_spaces and instance[1]:
                if instance in cards_updated:
                    continue
                cards_updated.add(instance)
            replies.append(Reply(card, to=Target("card", str(row.id), row.platform), update=True, case_id=case_id))
            continue
        if not follow_up:
            continue
        if row.method == "group":
            unit = str(((row.card or {}).get("data") or {}).get("unit", ""))
            if unit and (unit, row.platform) not in told_groups:
                told_groups.add((unit, row.platform))
                replies.append(Reply(Card("notice", {"text": follow_up}), to=Target("group", unit, row.platform),
                                     case_id=case_id))
            continue
        person = org.by_platform_id(row.platform, str((row.address or {}).get("user_id", "")))
        if person is not None:
            replies.append(Reply(Card("notice", {"text": follow_up}), to=Target("person", person.id, row.platform),
                                 case_id=case_id))
    return replies
