"""The platform interfaces: inbound (verify, parse, answer) and outbound (render, send, update).

Inbound adapters see a :class:`RawRequest` (plain data, no Flask) and return an :class:`Answer`
carrying the normalised events to enqueue; they raise ``SignatureError`` for what is not authentic
and ``PayloadError`` for what is not well-formed. Outbound adapters (:class:`Messenger`) run in the
worker only; each declares what its platform can do (``capabilities``, a ``bot.core`` value), and the
worker asks that instead of the platform's name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol

from bot.core.capabilities import Capabilities
from bot.core.card import Card
from bot.core.errors import PayloadError, SignatureError
from bot.core.event import Event
from bot.platforms.fitting import Fitted
from bot.core.media import Media

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RawRequest:
    """An HTTP request as an adapter sees it: the raw body read once, before anything parses it."""

    method: str
    path: str
    args: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    received_at: str = ""


@dataclass
class Answer:
    """What the route answers (status, body, content type) and the events it must enqueue."""

    status: int = 200
    body: str | bytes = "success"
    content_type: str = "text/plain; charset=utf-8"
    events: list[Event] = field(default_factory=list)


class LoggedRefusals:
    """Mixin of a callback adapter: ``handle`` runs ``_handle`` and logs every refusal with the request's ids."""

    label = "callback"

    def handle(self, request: RawRequest) -> Answer:
        """Verify, parse and answer; raises SignatureError (403) or PayloadError (400), logged."""
        try:
            return self._handle(request)
        except (SignatureError, PayloadError) as exc:
            log.warning("%s refused %s timestamp=%s nonce=%s: %s", self.label, request.method,
                        request.args.get("timestamp"), request.args.get("nonce"), exc)
            raise

    def _handle(self, request: RawRequest) -> Answer:
        raise NotImplementedError


class InboundAdapter(Protocol):
    """One callback route of one platform."""

    platform: str
    dedup_ttl: int  # seconds; at least the route's timestamp window plus a margin

    def handle(self, request: RawRequest) -> Answer:
        """Verify, parse and answer; raises SignatureError or PayloadError for refused requests."""


@dataclass(frozen=True)
class SentMessage:
    """What a send returned: the platform's message id and, for cards, the handle to update them."""

    platform: str
    message_id: str = ""
    card_ref: dict[str, Any] = field(default_factory=dict)


class Messenger(Protocol):
    """Outbound messages of one platform (worker only). Every method raises PlatformError on failure.

    ``capabilities`` says what the platform can do; a messenger whose capabilities batch people or put
    one card into many spaces is a :class:`ManyAtOnce` too. Where ``text_only_readers`` holds,
    ``send_to_person``, ``reply`` and ``update_card`` also take ``wechat_plugin=True`` (plain text)."""

    platform: str
    capabilities: Capabilities

    def send_to_person(self, user_id: str, card: Card, *, dedup_id: str = "") -> SentMessage:
        """Send a card (or its text fallback) to one person 1:1."""

    def send_to_group(self, group: Mapping[str, str], card: Card, *, dedup_id: str = "") -> SentMessage:
        """Send to a unit's group chat; ``group`` holds that platform's ids from the org file."""

    def reply(self, event: Event, card: Card) -> SentMessage:
        """Answer an event where it came from (reply handle while valid, else the chat it came from)."""

    def update_card(self, card_ref: Mapping[str, Any], card: Card, *, event: Event | None = None) -> SentMessage:
        """Show a new state of a card already sent (after a click: in place, or a fresh card)."""


class Fits(Messenger, Protocol):
    """Optional: a messenger whose platform limits what one card holds. The worker asks ``fit`` before it
    sends a card and adds what it answers must follow (``worker/follow_ups.py``); the messenger itself
    keeps every card it sends within the limits (cut with a mark saying where the rest follows)."""

    def fit(self, card: Card, *, method: str = "person") -> Fitted:
        """``card`` as it will be sent by the outbox ``method`` (person, group, reply, update) and the cards
        that must follow it into the same chat (its full text where the card shows it cut, the buttons that
        did not fit) — ``bot/platforms/fitting.py``."""


class ManyAtOnce(Messenger, Protocol):
    """The sends of a messenger whose capabilities batch people (``people_per_call`` > 1) or put one card
    instance into many chats (``card_spaces`` > 1); the worker calls them only then."""

    def send_to_people(self, user_ids: list[str], card: Card) -> list[SentMessage]:
        """One plain 1:1 message to many people, ``people_per_call`` a call; refused people are named in
        the ``card_ref`` (``invalid``, ``throttled``) by :meth:`recipient_id`."""

    def space(self, method: str, address: Mapping[str, Any]) -> str:
        """The chat an outbox ``person`` or ``group`` address names, as :meth:`send_card_to_spaces` takes it."""

    def recipient_id(self, method: str, address: Mapping[str, Any]) -> str:
        """How the platform names the recipient of an outbox ``person`` or ``group`` address in a refusal."""

    def send_card_to_spaces(self, spaces: list[str], card: Card, *, dedup_id: str = "") -> SentMessage:
        """One card instance into several chats (:meth:`space`), at most ``card_spaces``; every holder sees
        each later update; refused chats are named in ``card_ref["invalid"]`` by :meth:`recipient_id`."""


class SendsMedia(Messenger, Protocol):
    """The sends of a messenger whose capabilities say ``sends_images`` or ``sends_files``
    (``bot.core.media``): the worker hands it the stored bytes with the card's :class:`Media`."""

    def send_media_to_person(self, user_id: str, media: Media, content: bytes) -> SentMessage:
        """A picture or file to one person 1:1."""

    def send_media_to_group(self, group: Mapping[str, str], media: Media, content: bytes) -> SentMessage:
        """A picture or file into a unit's group chat."""
