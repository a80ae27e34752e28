"""memchat's emulator stub: the platform's side of the wire, recording every card it is given and every
change of one, and acting as any person through real signed callbacks. Served on the emulator server's
address (``EmulatorServer(extras=[stub])``): ``base_url`` and ``bot_url`` are set there."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field

import requests
from flask import Blueprint, abort, jsonify, request

from tests.integration.third_platform.memchat.signing import sign


@dataclass
class Sent:
    """One message the bot sent: to a ``user`` or a ``room``; ``versions`` of its card, the latest last."""

    message_id: str
    card_id: str
    to: dict
    versions: list[dict] = field(default_factory=list)

    @property
    def card(self) -> dict:
        """The card as its reader sees it now."""
        return self.versions[-1]


class MemchatStub:
    """The platform's server for the tests; ``secret`` is MEMCHAT_SECRET."""

    base_url_variables = ("MEMCHAT_API_BASE",)

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.base_url = ""
        self.bot_url = ""
        self.sent: list[Sent] = []
        self._dedup: dict[str, Sent] = {}
        self._lock = threading.Lock()
        self._serial = itertools.count(1)

    # --- the API the bot calls --------------------------------------------------------------------
    def blueprint(self) -> Blueprint:
        """The API routes under ``/memchat/api/``."""
        bp = Blueprint("memchat", __name__, url_prefix="/memchat/api")

        @bp.before_request
        def _auth():
            if request.headers.get("Authorization") != f"Bearer {self.secret}":
                abort(401)

        @bp.post("/messages")
        def messages():
            body = request.get_json(force=True)
            to, card = body.get("to") or {}, body.get("card")
            if set(to) not in ({"user"}, {"room"}) or not isinstance(card, dict) or not card.get("title"):
                return jsonify(error="bad message"), 400
            with self._lock:
                sent = self._dedup.get(body.get("dedup") or "")
                if sent is None:
                    n = next(self._serial)
                    sent = Sent(f"m{n}", f"c{n}", to, [card])
                    self.sent.append(sent)
                    if body.get("dedup"):
                        self._dedup[body["dedup"]] = sent
            return jsonify(message_id=sent.message_id, card_id=sent.card_id)

        @bp.post("/cards/<card_id>")
        def update(card_id: str):
            card = request.get_json(force=True).get("card")
            with self._lock:
                sent = next((s for s in self.sent if s.card_id == card_id), None)
                if sent is None or not isinstance(card, dict):
                    return jsonify(error="no such card"), 404
                sent.versions.append(card)
            return jsonify(ok=True)

        return bp

    # --- what the tests read -------------------------------------------------------------------------
    def for_user(self, user: str) -> list[Sent]:
        """What ``user`` received 1:1, oldest first."""
        with self._lock:
            return [s for s in self.sent if s.to.get("user") == user]

    def in_room(self, room: str) -> list[Sent]:
        """What went into ``room``, oldest first."""
        with self._lock:
            return [s for s in self.sent if s.to.get("room") == room]

    # --- acting as a person -------------------------------------------------------------------------
    def _post(self, body: dict) -> requests.Response:
        raw = json.dumps(body, ensure_ascii=False).encode()
        ts = str(int(time.time()))
        return requests.post(self.bot_url + "/memchat/callback", data=raw, timeout=10,
                             headers={"Content-Type": "application/json", "x-memchat-timestamp": ts,
                                      "x-memchat-signature": sign(self.secret, ts, raw)})

    def say(self, user: str, text: str) -> requests.Response:
        """``user`` writes ``text`` to the bot 1:1."""
        return self._post({"type": "text", "id": f"t{next(self._serial)}", "user": user, "chat": user,
                           "chat_type": "single", "text": text})

    def click(self, user: str, sent: Sent, label: str) -> requests.Response:
        """``user`` clicks the button ``label`` of the card ``sent`` as it shows now."""
        button = next(b for b in sent.card["buttons"] if b["label"] == label)
        chat, chat_type = (sent.to["room"], "group") if "room" in sent.to else (user, "single")
        return self._post({"type": "click", "id": f"k{next(self._serial)}", "user": user, "chat": chat,
                           "chat_type": chat_type, "card": sent.card_id, "action": button["action"],
                           "params": button["params"]})
