"""The frames of the WeCom smart bot's long connection (智能机器人长连接), as the official
``wecom-aibot-python-sdk`` 1.0.2 writes them (``aibot/ws.py``, ``aibot/client.py``), and the
normalised Event of an inbound frame.

Envelope: ``{"cmd", "headers": {"req_id"}, "body"}``; WeCom's answers carry the same ``req_id``,
``errcode`` and ``errmsg`` and no ``cmd``. A req_id is ``<cmd>_<epoch ms>_<8 hex>``.
Inbound ``aibot_msg_callback`` / ``aibot_event_callback`` bodies are the smart bot's callback
JSON (wecom.md §3.5) without a ``response_url``: replies go by frame, on the callback's req_id.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Any, Mapping

from bot.core.event import Event
from bot.platforms.wecom.aibot import to_event as callback_event

CHANNEL = "wecom_aibot_ws"
SUBSCRIBE = "aibot_subscribe"
PING = "ping"
SEND_MSG = "aibot_send_msg"
UPDATE_MSG = "aibot_respond_update_msg"
MSG_CALLBACK = "aibot_msg_callback"
EVENT_CALLBACK = "aibot_event_callback"
DISCONNECTED = "disconnected_event"


def req_id(cmd: str) -> str:
    """A fresh request id in the SDK's format."""
    return f"{cmd}_{int(time.time() * 1000)}_{os.urandom(4).hex()}"


def frame(cmd: str, body: dict[str, Any] | None = None, request_id: str = "") -> dict[str, Any]:
    """A frame to send; ``request_id`` defaults to a fresh one."""
    out: dict[str, Any] = {"cmd": cmd, "headers": {"req_id": request_id or req_id(cmd)}}
    if body is not None:
        out["body"] = body
    return out


def subscribe(bot_id: str, secret: str) -> dict[str, Any]:
    """The authentication frame (the first frame on every connection)."""
    return frame(SUBSCRIBE, {"bot_id": bot_id, "secret": secret})


def ping() -> dict[str, Any]:
    """A heartbeat frame (every 30 s in the SDK)."""
    return frame(PING)


def frame_req_id(data: dict[str, Any]) -> str:
    """The req_id of a received frame ("" when it has none)."""
    headers = data.get("headers")
    return str(headers.get("req_id", "")) if isinstance(headers, dict) else ""


def is_kick(data: dict[str, Any]) -> bool:
    """Whether WeCom says another connection took over this bot (``disconnected_event``)."""
    body = data.get("body") if isinstance(data.get("body"), dict) else {}
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    return data.get("cmd") == EVENT_CALLBACK and event.get("eventtype") == DISCONNECTED


def to_event(data: dict[str, Any], received_at: str, received: float,
             config: Mapping[str, str] | None = None) -> Event | None:
    """The normalised Event of a callback frame (channel ``wecom_aibot_ws``), or None for what we
    do not handle; raises PayloadError for a body without sender or msgid.

    ``event.reply`` keeps the frame's ``req_id`` and arrival time (``received``, epoch seconds):
    a clicked card can be updated on that req_id within WeCom's 5-second window.
    """
    body = data.get("body")
    if data.get("cmd") not in (MSG_CALLBACK, EVENT_CALLBACK) or not isinstance(body, dict):
        return None
    event_body = body.get("event") if isinstance(body.get("event"), dict) else {}
    if body.get("msgtype") == "event" and event_body.get("eventtype") != "template_card_event":
        return None  # enter_chat, feedback_event, disconnected_event: nothing for a handler
    event = callback_event(body, received_at, config)
    if event is None:
        return None
    reply = {"channel": CHANNEL, "req_id": frame_req_id(data), "chat_type": event.chat_type,
             "chat_id": event.chat_id, "received": received}
    return replace(event, channel=CHANNEL, reply=reply)
