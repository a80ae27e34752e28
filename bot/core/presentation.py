"""The one rendering rule of a case's cards: what a group may see, and how a drill looks.

Every outbound card that belongs to a case passes :func:`present` on its way into the outbox (the worker
calls it for every row it adds: ``worker/presenting.py``), whoever built the card and whatever its kind:

- **a drill** (``CaseTraits.drill``): the card's heading starts with :data:`DRILL_MARK` — ``data["title"]``,
  or for a card without one (a ``notice``) its ``data["text"]``, for a picture or file its ``caption`` — for
  every reader, 1:1 or group;
- **a confidential case in a group** (``Audience.GROUP`` and ``CaseTraits.confidential``): a whitelist, not a
  scrub. The card, of any kind, carries only the group notice (:data:`GROUP_NOTICE`: number and grade):
  its data becomes ``{"secret_notice": {"number", "grade"}, "title": "涉密舆情"}`` plus the id-only keys the
  worker and the handlers file its copies by (:data:`ID_KEYS`: ``unit``, ``assignment``, …); only the
  buttons of :data:`GROUP_ACTIONS` stay (签收 and 非本单位职责), no mention (an @ shows a name). It keeps its
  kind, so its copies are still found and updated as that kind's; ``bot.platforms.render`` draws any card
  with ``secret_notice`` by the ``secret_notice`` templates, never by its kind's own. A picture or file (no
  template: ``bot.core.media``) becomes a ``notice`` carrying the same data. The details go 1:1 to the
  named people (``worker/presenting.py``).

Cards that belong to no case (help, digests, my duties, delivery failures) are returned as they are; in a
group the worker's safety net (:func:`unnamed`) still takes out the title and link of any confidential case
their text names. Nothing else decides what a group may see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Iterable

from bot.core.card import Button, Card
from bot.core.media import is_media

__all__ = ["Audience", "CaseTraits", "DRILL_MARK", "GROUP_ACTIONS", "GROUP_NOTICE", "ID_KEYS", "NUMBER",
           "SCRUBBED", "SECRET_KEY", "SECRET_TITLE", "group_notice", "is_secret_notice", "named_numbers", "present",
           "secret_item", "unnamed"]

DRILL_MARK = "【演练】"
GROUP_NOTICE = "涉密舆情 {number}（{grade}）需要您处理，详情已私信发送"
SECRET_TITLE = "涉密舆情"  # the heading of the group notice (where a drill's mark goes)
SECRET_KEY = "secret_notice"  # the data key that makes a card the group notice (``bot.platforms.render``)
SCRUBBED = "（涉密）"  # what stands in for a confidential case's title or link in a card of no case
GROUP_ACTIONS = frozenset({"case.ack", "case.reject"})  # the buttons a group keeps on a confidential case's card
# the data keys a group's notice keeps: ids (and the case's number) its copies are filed and found by
# (worker/outbox_copies.py, handlers/card_copies.py, the approval cards' ``unit`` and ``version``)
ID_KEYS = ("case_id", "case", "unit", "assignment", "version")
NUMBER = re.compile(r"YQ-\d{4}-\d{4,}")  # a case's number in a card's text
HEADINGS = ("title", "text", "caption")  # where the mark goes: the first of these a card's data has (a picture's
# or file's caption, ``bot.core.media``, even an empty one: a drill's picture always carries the mark)


class Audience(StrEnum):
    """Who reads a message: a group chat, or one person."""

    GROUP = "group"
    PERSON = "person"


@dataclass(frozen=True)
class CaseTraits:
    """What the rule reads about the case a card belongs to: ``number`` and ``grade`` (the short label:
    一般, 敏感, 重大, 特别重大) are what a group sees of a confidential case; ``title`` and ``link`` what the
    safety net (:func:`unnamed`) takes out of a card of no case."""

    drill: bool = False
    confidential: bool = False
    title: str = ""
    link: str = ""
    number: str = ""
    grade: str = ""


def group_notice(number: str, grade: str) -> str:
    """「涉密舆情 YQ-…（重大）需要您处理，详情已私信发送」: all a group reads of a confidential case."""
    return GROUP_NOTICE.format(number=number, grade=grade)


def secret_item(grade: str) -> str:
    """How a list (the digest, 我的待办) names a confidential case after its number: 涉密舆情（重大）."""
    return f"{SECRET_TITLE}（{grade}）"


def is_secret_notice(card: Card) -> bool:
    """Whether ``card`` is a confidential case's group notice (drawn by the ``secret_notice`` templates)."""
    return isinstance(card.data.get(SECRET_KEY), dict)


def present(card: Card, audience: Audience | str, case: CaseTraits | None) -> Card:
    """``card`` as ``audience`` may see it, marked when its case is a drill; unchanged without a case."""
    if case is None:
        return card
    if Audience(audience) == Audience.GROUP and case.confidential:
        card = _notice(card, case)
    if case.drill:
        card = _marked(card)
    return card


def _marked(card: Card) -> Card:
    """The card with :data:`DRILL_MARK` before its heading (once, however often it passes)."""
    field = next((f for f in HEADINGS if isinstance(card.data.get(f), str)), None)
    if field is None or card.data[field].startswith(DRILL_MARK):
        return card
    return replace(card, data={**card.data, field: DRILL_MARK + card.data[field]})


def _notice(card: Card, case: CaseTraits) -> Card:
    """The group's notice in place of ``card``: its kind (a picture or file: a ``notice``), its id keys,
    签收 and 非本单位职责 — and of the case only its number and grade."""
    if is_secret_notice(card):
        return card
    ids = {k: card.data[k] for k in ID_KEYS if k in card.data}
    data = {SECRET_KEY: {"number": case.number, "grade": case.grade}, "title": SECRET_TITLE, **ids}
    buttons = tuple(b for b in card.buttons if b.action in GROUP_ACTIONS)
    return Card("notice" if is_media(card) else card.kind, data, buttons)


def unnamed(card: Card, cases: Iterable[CaseTraits]) -> Card:
    """The safety net of a group's card that names confidential ``cases`` by number without belonging to
    them: every string of its data and buttons with their titles and links replaced by :data:`SCRUBBED`."""
    secrets = sorted({s for c in cases for s in (c.title, c.link) if s}, key=len, reverse=True)
    if not secrets:
        return card
    buttons = tuple(Button(_scrub(b.label, secrets), b.action, _scrub(b.params, secrets), b.style)
                    for b in card.buttons)
    return Card(card.kind, _scrub(card.data, secrets), buttons)


def named_numbers(card: Card) -> set[str]:
    """The case numbers the strings of ``card``'s data and buttons name."""
    found: set[str] = set()
    for text in _strings(card.data):
        found.update(NUMBER.findall(text))
    for b in card.buttons:
        found.update(NUMBER.findall(b.label))
    return found


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _scrub(value: Any, secrets: list[str]) -> Any:
    """``value`` with every occurrence of a secret replaced by :data:`SCRUBBED` (strings in lists and dicts too)."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, SCRUBBED)
        return value
    if isinstance(value, (list, tuple)):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    return value
