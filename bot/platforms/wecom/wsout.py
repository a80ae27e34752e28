"""What the worker sends through the smart bot's long connection (channel ``wecom_aibot_ws``).

The worker holds no connection: each frame goes to the connector through the Redis
:class:`~bot.platforms.wecom.relay.Relay`, and WeCom's ack comes back the same way.

* ``send``: ``aibot_send_msg`` to a group ``chatid`` (case-sensitive, as the org file gives it) or
  to a person (their userid): a ``button_interaction`` template card — in groups too, in parts of at
  most 6 buttons, a settled one as a ``text_notice`` — or markdown (≤ 20480 bytes). A card's task_id
  derives from the outbox row's dedup id, so a resend of the same row is refused with 42014 (task ids are
  unique forever): ``AlreadySent``, which the worker counts as delivered on a retry.
* ``update``: after a click, ``aibot_respond_update_msg`` on the click's req_id replaces the card
  for everyone in the chat ("已由 … 签收"), but only within WeCom's 5-second window; we try within
  ``UPDATE_BUDGET`` seconds of the frame's arrival and otherwise, or when WeCom refuses, post a
  fresh card into the chat.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Mapping

from bot.core.card import Card
from bot.core.errors import AlreadySent, PlatformError
from bot.core.event import Event
from bot.platforms.base import SentMessage
from bot.platforms.wecom.bodies import PLATFORM, Bodies
from bot.platforms.wecom.buttons import task_id as new_task_id
from bot.platforms.wecom.client import TASK_ID_TAKEN, check
from bot.platforms.wecom.relay import Relay
from bot.platforms.wecom.wsframes import CHANNEL, SEND_MSG, UPDATE_MSG

log = logging.getLogger(__name__)

UPDATE_BUDGET = 4.0  # seconds after the click; WeCom allows 5, the rest is the relay's way there


class WsSender:
    """Sends and updates through the connector; every method raises PlatformError on failure."""

    def __init__(self, relay: Relay, bodies: Bodies) -> None:
        self.relay = relay
        self.bodies = bodies

    def send(self, chatid: str, card: Card, dedup_id: str = "") -> SentMessage:
        """Post ``card`` into the chat ``chatid`` (a group chatid or a userid)."""
        task_id = new_task_id(dedup_id)
        bodies = self.bodies.cards(card, task_id) or [self.bodies.aibot(card, task_id, cards=False)]
        taken = [self._send_one(chatid, body) for body in bodies]
        if bodies[0]["msgtype"] != "template_card":
            return SentMessage(PLATFORM)
        ref = {"channel": CHANNEL, "card_id": task_id, "chat_id": chatid}
        if taken[0]:
            raise AlreadySent(f"WeCom {SEND_MSG}: task_id {task_id} has existed (42014)", code=TASK_ID_TAKEN,
                              card_ref=ref)
        return SentMessage(PLATFORM, card_ref=ref)

    def _send_one(self, chatid: str, body: dict[str, Any]) -> bool:
        """Send one body; True when WeCom refused its card's task_id as taken (42014)."""
        try:
            check(SEND_MSG, self.relay.call(SEND_MSG, {"chatid": chatid, **body}))
        except PlatformError as exc:
            if exc.code != TASK_ID_TAKEN or body["msgtype"] != "template_card":
                raise
            return True
        return False

    def update(self, card_ref: Mapping[str, Any], card: Card, event: Event | None) -> SentMessage:
        """Show ``card`` in place of the clicked card while WeCom allows it, else as a fresh card."""
        reply = dict(event.reply) if event is not None else {}
        task_id = str(card_ref.get("card_id") or (event.card_id if event else ""))
        chat = str(card_ref.get("chat_id") or reply.get("chat_id") or (event.chat_id if event else ""))
        req_id = str(reply.get("req_id") or card_ref.get("req_id") or "")
        age = time.time() - float(reply.get("received") or card_ref.get("received") or 0)
        if req_id and task_id and age < UPDATE_BUDGET and self._update(req_id, task_id, card):
            return SentMessage(PLATFORM, card_ref={"channel": CHANNEL, "card_id": task_id, "chat_id": chat})
        if not chat:
            raise PlatformError("WeCom smart bot: the card update names no chat", retryable=False)
        log.info("aibot card %s: update window passed or refused (%.1f s after the click); a fresh card", task_id, age)
        return self.send(chat, card, dedup_id=f"fresh|{task_id}|{req_id}")

    def _update(self, req_id: str, task_id: str, card: Card) -> bool:
        parts = self.bodies.rich_parts(card, task_id)
        body = parts[0]
        if body.get("msgtype") != "template_card" or len(parts) > 1:
            return False
        frame = {"response_type": "update_template_card", "template_card": body["template_card"]}
        answer = self.relay.call(UPDATE_MSG, frame, request_id=req_id)
        if answer.get("errcode"):
            log.info("aibot card %s: update refused: %s %s", task_id, answer.get("errcode"), str(answer.get("errmsg"))[:80])
            return False
        return True
