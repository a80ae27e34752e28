"""Every copy of a unit's card shows the same state (not an intent: no handler).

A warning goes out as several messages (the unit's group on each platform, each liaison 1:1); each
is an outbox row filed under its case, with the card's ``unit`` and ``assignment`` in its data. Which
copies exist the handler asks its context (``ctx.card_copies``: ``bot.core.card_copies.CardCopies``, which
the worker answers from its outbox). After a change, :func:`refresh` answers
with one reply per copy: an in-place update of a card we
sent (``Target("card", <outbox id>)``; the worker updates it by the card_ref the platform gave us)
or, where the platform cannot change what it showed (a group card on a platform whose capabilities do
not update one, such as a WeCom group's robot notice; a text-only reader's text), a short follow-up
notice in the same place. Copies that are one card instance in several chats (a platform that puts one
card into many spaces) are updated once.
"""

from __future__ import annotations

from bot.core.capabilities import Capabilities
from bot.core.card import Card, Reply, Target
from bot.core.card_copies import CardCopy
from bot.core.org import Organisation
from bot.domain.cards import notice


def updatable(row: CardCopy, capabilities: Capabilities) -> bool:
    """Whether the platform (with these ``capabilities``) lets us change this copy in place: a card with
    buttons, in a group only where group cards can be updated, and not a text-only reader's text."""
    if not (row.card or {}).get("buttons"):
        return False
    if row.method == "group" and not capabilities.updates_group_card:
        return False
    return not (row.address or {}).get("wechat_plugin")


def first_of_its_instance(row: CardCopy, capabilities: Capabilities, seen: set[tuple[str, str]]) -> bool:
    """Whether ``row`` is the first copy of its card instance in ``seen`` (which it joins): on a platform that puts
    one card into many spaces, the copies sharing one instance are updated once; elsewhere every copy is first."""
    instance = (row.platform, str((row.card_ref or {}).get("card_id") or ""))
    if not (capabilities.one_card_many_spaces and instance[1]):
        return True
    if instance in seen:
        return False
    seen.add(instance)
    return True


def clicked(row: CardCopy, card_id: str) -> bool:
    """Whether ``row`` is the card the person clicked (updated through the click itself)."""
    return bool(card_id) and (row.card_ref or {}).get("card_id") == card_id


def refresh(ctx, org: Organisation, rows: list[CardCopy], card: Card, follow_up: str, case_id: int,
            skip_card: str = "", skip_person: str = "") -> list[Reply]:
    """Replies that bring every copy in ``rows`` to ``card`` (or a ``follow_up`` notice where it cannot change;
    none 1:1 to ``skip_person``, who was answered already)."""
    replies: list[Reply] = []
    told_groups: set[tuple[str, str]] = set()
    cards_updated: set[tuple[str, str]] = set()  # copies sharing one card instance are updated once
    for row in rows:
        if clicked(row, skip_card):
            continue
        can = ctx.can(row.platform)
        if updatable(row, can):
            if not first_of_its_instance(row, can, cards_updated):
                continue
            replies.append(Reply(card, to=Target("card", str(row.id), row.platform), update=True, case_id=case_id))
            continue
        if not follow_up:
            continue
        if row.method == "group":
            unit = str(((row.card or {}).get("data") or {}).get("unit", ""))
            if unit and (unit, row.platform) not in told_groups:
                told_groups.add((unit, row.platform))
                replies.append(Reply(notice(follow_up), to=Target("group", unit, row.platform),
                                     case_id=case_id))
            continue
        person = org.by_platform_id(row.platform, str((row.address or {}).get("user_id", "")))
        if person is not None and person.id != skip_person:
            replies.append(Reply(notice(follow_up), to=Target("person", person.id, row.platform),
                                 case_id=case_id))
    return replies
