"""The one rendering rule of a case's cards: what a group may see, and how a drill looks.

Every outbound card that belongs to a case passes :func:`present` on its way into the outbox (the worker
calls it for every row it adds: ``worker/presenting.py``), whoever built the card and whatever its kind:

- **a drill** (``CaseTraits.drill``): the card's heading starts with :data:`DRILL_MARK` — ``data["title"]``,
  or for a card without one (a ``notice``) its ``data["text"]``, for a picture or file its ``caption`` — for
  every reader, 1:1 or group;
- **a confidential case in a group** (``Audience.GROUP`` and ``CaseTraits.confidential``): the group sees
  neither the case's title nor its link: the body says only :data:`HIDDEN_IN_GROUP`, attachments' links
  are dropped, any other value that carries the title or the link loses it, and only the buttons of
  :data:`GROUP_ACTIONS_WHEN_HIDDEN` stay (签收 and 非本单位职责; the rest of the work goes 1:1).
  A picture or file of such a case (``bot.core.media``) is not sent to the group at all: the group gets a
  ``notice`` saying :data:`HIDDEN_IN_GROUP` instead.

Cards that belong to no case (help, digests, my duties, delivery failures) are returned as they are.
The 涉密 issue widens the confidential branch here; nothing else decides what a group may see.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from bot.core.card import Card
from bot.core.media import is_media

__all__ = ["Audience", "CaseTraits", "DRILL_MARK", "GROUP_ACTIONS_WHEN_HIDDEN", "HIDDEN_IN_GROUP", "HIDDEN_VALUE",
           "present"]

DRILL_MARK = "【演练】"
HIDDEN_IN_GROUP = "涉密案件：内容不在群内显示，详情已单独发送给本单位联络员和负责人。"
HIDDEN_VALUE = "（涉密）"
GROUP_ACTIONS_WHEN_HIDDEN = frozenset({"case.ack", "case.reject"})
HEADINGS = ("title", "text", "caption")  # where the mark goes: the first of these a card's data has (a picture's
# or file's caption, ``bot.core.media``, even an empty one: a drill's picture always carries the mark)


class Audience(StrEnum):
    """Who reads a message: a group chat, or one person."""

    GROUP = "group"
    PERSON = "person"


@dataclass(frozen=True)
class CaseTraits:
    """What the rule reads about the case a card belongs to (``title`` and ``link``: what a group must not
    see of a confidential case)."""

    drill: bool = False
    confidential: bool = False
    title: str = ""
    link: str = ""


def present(card: Card, audience: Audience | str, case: CaseTraits | None) -> Card:
    """``card`` as ``audience`` may see it, marked when its case is a drill; unchanged without a case."""
    if case is None:
        return card
    if Audience(audience) == Audience.GROUP and case.confidential:
        card = Card("notice", {"text": HIDDEN_IN_GROUP}) if is_media(card) else _hidden(card, case)
    if case.drill:
        card = _marked(card)
    return card


def _marked(card: Card) -> Card:
    """The card with :data:`DRILL_MARK` before its heading (once, however often it passes)."""
    field = next((f for f in HEADINGS if isinstance(card.data.get(f), str)), None)
    if field is None or card.data[field].startswith(DRILL_MARK):
        return card
    return replace(card, data={**card.data, field: DRILL_MARK + card.data[field]})


def _hidden(card: Card, case: CaseTraits) -> Card:
    """The card with nothing of the case's content: body, links, title and link gone; only safe buttons."""
    secrets = sorted((s for s in (case.link, case.title) if s), key=len, reverse=True)
    data = {k: v if k in ("mentions",) else _scrub(v, secrets) for k, v in card.data.items()}
    if "body" in data:
        data["body"] = HIDDEN_IN_GROUP
    if "links" in data:
        data["links"] = []
    buttons = tuple(b for b in card.buttons if b.action in GROUP_ACTIONS_WHEN_HIDDEN)
    return replace(card, data=data, buttons=buttons)


def _scrub(value: Any, secrets: list[str]) -> Any:
    """``value`` with every occurrence of a secret replaced by :data:`HIDDEN_VALUE` (strings in lists and dicts too)."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, HIDDEN_VALUE)
        return value
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    return value
