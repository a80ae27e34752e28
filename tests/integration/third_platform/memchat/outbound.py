"""memchat's messenger: renders ``memchat/<kind>.json.j2`` and calls the platform's small JSON API."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Mapping

import requests

from bot.core.card import Card
from bot.core.errors import PlatformError
from bot.core.event import Event
from bot.platforms.base import SentMessage
from bot.platforms.render import render_json
from tests.integration.third_platform.memchat import NAME
from tests.integration.third_platform.memchat.capabilities import CAPABILITIES


class MemchatMessenger:
    """Sends and updates cards on memchat (worker only); every method raises PlatformError on failure."""

    platform = NAME
    capabilities = CAPABILITIES

    def __init__(self, config: Mapping[str, str], *, redis: Any = None, templates_dir: str | Path) -> None:
        self.base = config["MEMCHAT_API_BASE"].rstrip("/") + "/memchat/api"
        self.secret = config["MEMCHAT_SECRET"]
        self.templates_dir = templates_dir

    def _call(self, path: str, body: dict) -> dict:
        try:
            answer = requests.post(self.base + path, json=body, timeout=10,
                                   headers={"Authorization": f"Bearer {self.secret}"})
        except requests.RequestException as exc:
            raise PlatformError(f"memchat unreachable: {exc}", retryable=True) from None
        if answer.status_code != 200:
            raise PlatformError(f"memchat answered {answer.status_code}: {answer.text[:200]}",
                                code=answer.status_code, retryable=answer.status_code >= 500)
        return answer.json()

    def _send(self, to: dict, card: Card, dedup_id: str) -> SentMessage:
        sent = self._call("/messages", {"to": to, "card": render_json(self.templates_dir, NAME, card), "dedup": dedup_id})
        return SentMessage(NAME, sent["message_id"], {"card_id": sent["card_id"]})

    def send_to_person(self, user_id: str, card: Card, *, dedup_id: str = "") -> SentMessage:
        """A card 1:1."""
        return self._send({"user": user_id}, card, dedup_id)

    def send_to_group(self, group: Mapping[str, str], card: Card, *, dedup_id: str = "") -> SentMessage:
        """A card into the unit's room (``groups.memchat.room`` of the org file)."""
        room = group.get(f"{NAME}_room")
        if not room:
            raise PlatformError("this unit has no memchat room (groups.memchat.room in the org file)")
        return self._send({"room": room}, card, dedup_id)

    def reply(self, event: Event, card: Card) -> SentMessage:
        """Where the event came from: a click is answered 1:1 to who clicked, a message in its chat."""
        to = {"room": event.chat_id} if event.chat_type == "group" and event.kind != "click" else {"user": event.user_id}
        body = json.dumps(card.to_dict(), sort_keys=True, ensure_ascii=False)
        return self._send(to, card, f"reply|{event.dedup_key}|{hashlib.sha256(body.encode()).hexdigest()[:16]}")

    def update_card(self, card_ref: Mapping[str, Any], card: Card, *, event: Event | None = None) -> SentMessage:
        """Show the card's new state in place, wherever it is."""
        card_id = str(card_ref.get("card_id") or "")
        if not card_id:
            raise PlatformError("no memchat card id to update")
        self._call(f"/cards/{card_id}", {"card": render_json(self.templates_dir, NAME, card)})
        return SentMessage(NAME, card_id, {"card_id": card_id})
