"""``GET/POST /wecom/callback``: the self-built app's callback (自建应用, encrypted XML).

GET is URL verification (answer the plaintext ``echostr``). POST: parse the envelope safely,
check the 5-minute timestamp window and ``msg_signature``, decrypt (ReceiveId = CorpID), check the
inner ``ToUserName`` is our CorpID, parse the message, and answer 200 with an **empty body** at once
(90238: "可以直接返回200（即以空串为返回包）"; any other body would be read as a passive reply) with the
normalised events. Text, link and ``template_card_event`` become events; image, voice, video and
shortvideo (and file, which the app's documentation does not list but we accept) become ``media`` events
with one attachment (MediaId, the picture's PicUrl, a signed link to open it); a location becomes a
``media`` event marked unsupported. Every other authentic event (enter_agent, menu clicks, ...) is
answered 200 and ignored.

Dedup keys (design.md): ``MsgId`` for messages; ``FromUserName``+``CreateTime``+``EventKey``+
``TaskId``+``ResponseCode`` for card clicks.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, Mapping

from bot.core.errors import SignatureError
from bot.core.event import Event
from bot.platforms.attachments import attachment, with_link
from bot.platforms.base import Answer, LoggedRefusals, RawRequest
from bot.platforms.wecom.buttons import decode_key
from bot.platforms.wecom.crypto import WINDOW_SECONDS, CallbackCrypto
from bot.platforms.wecom.xmlmsg import CARD_EVENTS, envelope, parse_message

log = logging.getLogger(__name__)

PLATFORM = "wecom"
CHANNEL = "wecom_app"
DEDUP_TTL = 2 * WINDOW_SECONDS + 3000  # a retry or replay inside the window is always still remembered


class AppCallback(LoggedRefusals):
    """The self-built app's callback route (``config``: WECOM_CORP_ID, WECOM_TOKEN, WECOM_AES_KEY)."""

    label = "wecom app"
    platform = PLATFORM
    dedup_ttl = DEDUP_TTL

    def __init__(self, config: Mapping[str, str], now: Callable[[], float] = time.time) -> None:
        self.corp_id = config["WECOM_CORP_ID"]
        self.config = config
        self.crypto = CallbackCrypto(config["WECOM_TOKEN"], config["WECOM_AES_KEY"], self.corp_id, now)

    def _handle(self, request: RawRequest) -> Answer:
        if request.method == "GET":
            return Answer(body=self.crypto.verify_url(request.args))
        outer = envelope(request.body)
        if outer.get("ToUserName") and outer["ToUserName"] != self.corp_id:
            raise SignatureError("envelope ToUserName is not our CorpID")
        message = parse_message(self.crypto.open(request.args, outer["Encrypt"]))
        if message.get("ToUserName") != self.corp_id:
            raise SignatureError("message ToUserName is not our CorpID")
        event = to_event(message, request.received_at, self.config)
        if event is None:
            log.info("wecom app: authentic %s/%s ignored from=%s", message.get("MsgType"),
                     message.get("Event", "-"), message.get("FromUserName"))
            return Answer(body="")
        return Answer(body="", events=[event])


MEDIA = {"image": "image", "voice": "voice", "video": "video", "shortvideo": "video", "file": "file"}
UNSUPPORTED = {"location": "位置"}


def to_event(message: dict, received_at: str, config: Mapping[str, str] | None = None) -> Event | None:
    """The normalised Event of a decrypted app message, or None for what we do not handle."""
    msgtype, user = message["MsgType"], message["FromUserName"]
    common = dict(platform=PLATFORM, channel=CHANNEL, user_id=user, chat_id=user, chat_type="single",
                  received_at=received_at)
    if msgtype == "text":
        return Event(kind="text", text=message.get("Content", ""), dedup_key=_msg_key(message),
                     raw=_raw(message), **common)
    if msgtype == "link":
        return Event(kind="link", url=message.get("Url", ""), title=message.get("Title", ""),
                     text=message.get("Description", ""), dedup_key=_msg_key(message), raw=_raw(message), **common)
    if msgtype in MEDIA:
        name = message.get("FileName") or message.get("Title") or ""
        item = attachment(PLATFORM, MEDIA[msgtype], received_at, name=name, media_id=message.get("MediaId", ""),
                          url=message.get("PicUrl", ""))
        return Event(kind="media", attachments=[with_link(config or {}, item)], dedup_key=_msg_key(message),
                     raw=_raw(message), **common)
    if msgtype in UNSUPPORTED:
        return Event(kind="media", unsupported=UNSUPPORTED[msgtype], dedup_key=_msg_key(message), raw=_raw(message),
                     **common)
    if msgtype == "event" and message.get("Event") in CARD_EVENTS:
        return _click(message, common)
    return None


def _click(message: dict, common: dict) -> Event:
    action, params = decode_key(message.get("EventKey", ""))
    if message.get("selected_items"):
        params = {**params, "selected": message["selected_items"]}
    parts = [message.get(f, "") for f in ("FromUserName", "CreateTime", "EventKey", "TaskId", "ResponseCode")]
    reply = {"channel": CHANNEL, "response_code": message.get("ResponseCode", "")}
    return Event(kind="click", action=action, params=params, card_id=message.get("TaskId", ""), reply=reply,
                 dedup_key="app-click:" + "|".join(parts), raw=_raw(message), **common)


def _msg_key(message: dict) -> str:
    # A message without MsgId is not expected; fall back to the event-style key rather than none.
    msgid = message.get("MsgId") or f"{message['FromUserName']}|{message.get('CreateTime', '')}"
    return f"app-msg:{msgid}"


def _raw(message: dict) -> dict:
    """What is kept for logs: the fields, never the response code."""
    return {k: v for k, v in message.items() if k not in ("ResponseCode", "Content")}
