"""``GET/POST /wecom/aibot``: the smart bot (智能机器人) in callback mode (encrypted JSON).

Same cryptography as the app, with ReceiveId ``""``. GET is URL verification. POST carries
``{"encrypt": ...}``; the decrypted JSON is a text message (an @-mention in a group, or 1:1), a
``mixed`` one (text and pictures, 100719/101027: its text items joined, its pictures as attachments), a
``template_card_event`` click, or another event (enter_chat, feedback, stream refresh) that is
answered 200 and ignored. The answer body is empty: replies go later through ``response_url``,
which is kept in ``event.reply`` (single use, valid 1 h). Dedup key: ``msgid``.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Callable, Mapping

from bot.core.errors import PayloadError
from bot.core.event import Event
from bot.platforms.attachments import attachment, with_link
from bot.platforms.base import Answer, LoggedRefusals, RawRequest
from bot.platforms.wecom.buttons import decode_key
from bot.platforms.wecom.crypto import CallbackCrypto
from bot.platforms.wecom.inbound import DEDUP_TTL, PLATFORM

log = logging.getLogger(__name__)

CHANNEL = "wecom_aibot"
PICTURE_KEPT = "智能机器人收到的图片企业微信只保存 5 分钟"  # 100719: media URLs valid 5 minutes


def _json_object(data: bytes | str, what: str) -> dict[str, Any]:
    """``data`` as a JSON object; raises PayloadError."""
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
        raise PayloadError(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise PayloadError(f"{what} is not a JSON object")
    return value


class AibotCallback(LoggedRefusals):
    """The smart bot's callback route (``config``: WECOM_AIBOT_TOKEN, WECOM_AIBOT_AES_KEY)."""

    label = "wecom aibot"
    platform = PLATFORM
    dedup_ttl = DEDUP_TTL

    def __init__(self, config: Mapping[str, str], now: Callable[[], float] = time.time) -> None:
        self.crypto = CallbackCrypto(config["WECOM_AIBOT_TOKEN"], config["WECOM_AIBOT_AES_KEY"], "", now)
        self.config = config

    def _handle(self, request: RawRequest) -> Answer:
        if request.method == "GET":
            return Answer(body=self.crypto.verify_url(request.args))
        encrypt = _json_object(request.body, "body").get("encrypt")
        if not isinstance(encrypt, str) or not encrypt:
            raise PayloadError("body has no encrypt")
        message = _json_object(self.crypto.open(request.args, encrypt), "decrypted message")
        event = to_event(message, request.received_at, self.config)
        if event is None:
            log.info("wecom aibot: authentic %s ignored msgid=%s", message.get("msgtype"), message.get("msgid"))
        return Answer(body="", events=[event] if event else [])


def _sender(message: dict) -> str:
    sender = message.get("from")
    user = sender.get("userid") if isinstance(sender, dict) else None
    if not isinstance(user, str) or not user or not message.get("msgid"):
        raise PayloadError("decrypted message lacks from.userid or msgid")
    return user


def to_event(message: dict, received_at: str, config: Mapping[str, str] | None = None) -> Event | None:
    """The normalised Event of a decrypted smart-bot message, or None for what we do not handle."""
    msgtype = message.get("msgtype")
    if msgtype not in ("text", "mixed", "event"):
        return None
    user = _sender(message)
    group = message.get("chattype") == "group"
    common = dict(platform=PLATFORM, channel=CHANNEL, user_id=user,
                  chat_id=str(message.get("chatid") or "") if group else user,
                  chat_type="group" if group else "single", dedup_key=f"aibot-msg:{message['msgid']}",
                  received_at=received_at, reply={"channel": CHANNEL, "response_url": message.get("response_url", ""),
                                                  "chat_type": "group" if group else "single"})
    if msgtype == "text":
        text = _obj(message.get("text")).get("content", "")
        return Event(kind="mention" if group else "text", text=str(text), raw=_raw(message), **common)
    if msgtype == "mixed":
        text, pictures = _mixed(message, received_at, config or {})
        return Event(kind="mention" if group else "text", text=text, attachments=pictures, raw=_raw(message),
                     **common)
    event = _obj(message.get("event"))
    if event.get("eventtype") != "template_card_event":
        return None
    card = _obj(event.get("template_card_event"))
    action, params = decode_key(str(card.get("event_key", "")))
    selected = _obj(card.get("selected_items")).get("selected_item")
    if selected:
        params = {**params, "selected": selected if isinstance(selected, list) else [selected]}
    return Event(kind="click", action=action, params=params, card_id=str(card.get("task_id", "")),
                 raw=_raw(message), **common)


def _mixed(message: dict, received_at: str, config: Mapping[str, str]) -> tuple[str, list[dict]]:
    """The text (its text items, joined by line breaks) and the pictures (attachments with their
    ``url``, which WeCom encrypts with the bot's key and keeps 5 minutes) of a ``mixed`` message."""
    items = [i for i in _obj(message.get("mixed")).get("msg_item") or [] if isinstance(i, dict)]
    text = "\n".join(str(_obj(i.get("text")).get("content", "")) for i in items if i.get("msgtype") == "text")
    pictures = [with_link(config, {**attachment(PLATFORM, "image", received_at, name="图片",
                                                url=str(_obj(i.get("image")).get("url", ""))),
                                   "kept_note": PICTURE_KEPT})
                for i in items if i.get("msgtype") == "image" and _obj(i.get("image")).get("url")]
    return text.strip(), pictures


def _obj(value: Any) -> dict:
    """``value`` when it is a JSON object, else an empty one (a field of the wrong type is absent)."""
    return value if isinstance(value, dict) else {}


def _raw(message: dict) -> dict:
    """What is kept for logs: ids and types, never the response_url or the text."""
    return {k: message.get(k) for k in ("msgid", "msgtype", "chattype", "chatid", "aibotid", "create_time")}
