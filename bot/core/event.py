"""The normalised inbound event: what a route hands to the worker, as plain JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    """One thing a person did on a platform, stripped of the platform's wire format.

    ``kind``: ``text`` | ``link`` | ``click`` | ``mention`` | ``system`` | ``media`` (pictures and files
    only; a text with pictures keeps its kind and carries them too).
    ``chat_type``: ``single`` (1:1) or ``group``.
    ``reply``: an opaque reply handle (WeCom ``response_url``/``ResponseCode``,
    DingTalk ``sessionWebhook``) that only the platform adapter interprets.
    ``dedup_key``: the platform's event identity; a retry carries the same key.
    ``attachments``: pictures and files sent with the message (``bot.platforms.attachments``);
    ``unsupported``: the platform's name of a message type the bot cannot use (a location, ...).
    ``raw`` is for logs only, never for handlers.
    """

    platform: str
    kind: str
    user_id: str
    chat_id: str
    chat_type: str
    dedup_key: str
    received_at: str
    text: str = ""
    url: str = ""
    title: str = ""
    action: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    card_id: str = ""
    reply: dict[str, Any] = field(default_factory=dict)
    channel: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    unsupported: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (the RQ job argument)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        """Build an Event from :meth:`to_dict` output; unknown keys are ignored."""
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})
