"""What a chat platform can do, as one frozen value per platform: the questions the worker and the
handlers ask instead of comparing platform names.

Each adapter package declares its own value (``bot/platforms/<name>/capabilities.py``) and its
messenger exposes it as ``capabilities``; the worker reads them from its messengers and hands them to
handlers in their Context (``ctx.capabilities[platform]``). A platform nobody configured can do
nothing: :data:`NOTHING`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

__all__ = ["CARD_API", "Capabilities", "NOTHING", "RateLimit"]

# the rate-limit entry that, when a platform declares it, every card with buttons to a person or a
# group counts against (one API for both), instead of its method's own entry
CARD_API = "card"


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``capacity`` sends at once, ``per_second`` tokens back each second; one bucket
    per recipient (``per_recipient``) or one for the whole app."""

    capacity: int
    per_second: float
    per_recipient: bool = True


@dataclass(frozen=True)
class Capabilities:
    """What one platform's adapter can do (the defaults: nothing beyond one plain message at a time).

    * ``updates_group_card`` — a card posted in a group can be changed in place afterwards;
    * ``unclicked_card_updates`` — how many times a 1:1 card nobody clicked can be changed in place
      (None: unlimited; 0: a changed card goes out as a fresh one);
    * ``per_viewer_buttons`` — a group card can show each member buttons of their own;
    * ``card_spaces`` — one card instance goes into up to this many chats in one call, and each
      update shows in all of them (1: one chat per card);
    * ``people_per_call`` — one plain message goes 1:1 to up to this many people in one call;
    * ``dialogs_one_to_one`` — a dialog begun in a group can continue in the person's 1:1 chat;
    * ``answers_clicks_one_to_one`` — the answer to a click on a group card reaches the clicker 1:1 anyway
      (no pointer to the 1:1 chat is needed after one);
      ``one_to_one_chat`` names that chat in words for the pointer left in the group;
    * ``mentions_in_groups`` — a group notice can @-mention people by their user ids;
    * ``text_only_readers`` — a person may read on a client that shows plain text only (the org
      file's ``wechat_plugin``); the messenger then takes ``wechat_plugin=True``;
    * ``sends_images``, ``sends_files`` — the messenger sends pictures / files;
    * ``rate_limits`` — per API (an outbox method ``person``/``group``, or :data:`CARD_API`).
    """

    updates_group_card: bool = False
    unclicked_card_updates: int | None = 0
    per_viewer_buttons: bool = False
    card_spaces: int = 1
    people_per_call: int = 1
    dialogs_one_to_one: bool = False
    answers_clicks_one_to_one: bool = False
    one_to_one_chat: str = "与“舆情助手”的单聊"
    mentions_in_groups: bool = False
    text_only_readers: bool = False
    sends_images: bool = False
    sends_files: bool = False
    rate_limits: Mapping[str, RateLimit] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate_limits", MappingProxyType(dict(self.rate_limits)))

    @property
    def one_card_many_spaces(self) -> bool:
        """Whether one card instance can go into several chats at once (and be updated in all)."""
        return self.card_spaces > 1

    @property
    def batches_people(self) -> bool:
        """Whether one plain 1:1 message can go to several people in one call."""
        return self.people_per_call > 1

    def rate_api(self, method: str, has_buttons: bool) -> str:
        """The rate limit a send counts against: :data:`CARD_API` for a card with buttons where the
        platform declares one such limit, else the send's method."""
        return CARD_API if has_buttons and CARD_API in self.rate_limits else method


NOTHING = Capabilities()
