"""``POST /memchat/callback``: verify the signature, parse one message or button click into an Event,
answer ``{"ok": true}`` at once (the worker answers in chat)."""

from __future__ import annotations

import json
from typing import Any, Mapping

from bot.core.errors import PayloadError
from bot.core.event import Event
from bot.platforms.base import Answer, LoggedRefusals, RawRequest
from tests.integration.third_platform.memchat import NAME, signing

DEDUP_TTL = signing.WINDOW + 600
OK = '{"ok": true}'


def _text(body: Mapping[str, Any], key: str, required: bool = True) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or (required and not value):
        raise PayloadError(f"memchat callback lacks {key}")
    return value


def parse(body: Mapping[str, Any], received_at: str) -> Event:
    """One Event from a callback body; raises PayloadError when it is malformed."""
    kind, user, chat = _text(body, "type"), _text(body, "user"), _text(body, "chat")
    chat_type = "group" if body.get("chat_type") == "group" else "single"
    common = dict(platform=NAME, user_id=user, chat_id=chat, chat_type=chat_type, received_at=received_at,
                  channel=NAME, raw=dict(body))
    if kind == "text":
        return Event(kind="text", dedup_key=f"msg:{_text(body, 'id')}", text=_text(body, "text"), **common)
    if kind == "click":
        card, action = _text(body, "card"), _text(body, "action")
        params = body.get("params") if isinstance(body.get("params"), dict) else {}
        return Event(kind="click", dedup_key=f"click:{_text(body, 'id')}:{card}:{user}:{action}", action=action,
                     params={str(k): v for k, v in params.items()}, card_id=card, **common)
    raise PayloadError(f"memchat callback of unknown type {kind!r}")


class MemchatCallback(LoggedRefusals):
    """The one callback route; ``config`` holds MEMCHAT_SECRET."""

    platform = NAME
    dedup_ttl = DEDUP_TTL
    label = "memchat callback"

    def __init__(self, config: Mapping[str, str]) -> None:
        self.secret = config["MEMCHAT_SECRET"]

    def _handle(self, request: RawRequest) -> Answer:
        if request.method != "POST":
            raise PayloadError("the memchat callback takes POST only", status=405)
        signing.verify(self.secret, request.headers.get("x-memchat-timestamp", ""),
                       request.headers.get("x-memchat-signature", ""), request.body)
        try:
            body = json.loads(request.body)
        except (ValueError, RecursionError):
            raise PayloadError("memchat callback is not JSON") from None
        if not isinstance(body, dict):
            raise PayloadError("memchat callback is not a JSON object")
        return Answer(body=OK, content_type="application/json", events=[parse(body, request.received_at)])
