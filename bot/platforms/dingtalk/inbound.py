"""``POST /dingtalk/robot``: the app robot's HTTP-mode callback (group @-messages and 1:1 messages).

Owns: verifying ``timestamp``/``sign`` (1 h window), parsing the message body (text, rich text,
voice recognition; links found in the text; pictures, files, videos and voices as attachments with their
``downloadCode`` and a signed link to open them) into one :class:`Event`, and the immediate answer
``{"msgtype":"empty"}`` (no synchronous reply: the worker answers through the sessionWebhook).
The event's ``reply`` handle keeps the sessionWebhook and its expiry; ``dedup_key`` is ``msgId``.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Mapping

from bot.core.errors import PayloadError, SignatureError
from bot.core.event import Event
from bot.platforms.attachments import attachment, with_link
from bot.platforms.base import Answer, RawRequest
from bot.platforms.dingtalk import signing

__all__ = ["RobotCallback", "json_object", "EMPTY_ANSWER", "DEDUP_TTL"]

log = logging.getLogger(__name__)

PLATFORM = "dingtalk"
# A signed request is accepted while |now - timestamp| <= 1 h, i.e. during up to 2 h; plus a margin.
DEDUP_TTL = 2 * signing.WINDOW_MS // 1000 + 600
EMPTY_ANSWER = '{"msgtype":"empty"}'
_URL = re.compile(r"https?://[^\s<>\"'，。；！？、）】」]+", re.IGNORECASE)


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; raises PayloadError (400) when it is not one."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested too deep
        raise PayloadError("body is not JSON") from None
    if not isinstance(data, dict):
        raise PayloadError("body is not a JSON object")
    return data


def message_text(body: Mapping[str, Any]) -> str:
    """The words of a robot message: text, rich text parts, or a voice message's recognition."""
    msgtype = body.get("msgtype")
    content = body.get("content")
    if msgtype == "text":
        text = (body.get("text") or {}).get("content") if isinstance(body.get("text"), dict) else None
        if text is None and isinstance(content, str):
            text = content  # one documented example puts the text at the top level
        return str(text or "").strip()
    if not isinstance(content, dict):
        return ""
    if msgtype == "richText":
        parts = content.get("richText") or []
        return "".join(str(p.get("text", "")) for p in parts if isinstance(p, dict)).strip()
    if msgtype == "audio":
        return str(content.get("recognition") or "").strip()
    return ""


MEDIA = {"picture": "image", "file": "file", "video": "video", "audio": "voice"}
KNOWN = ("text", "richText", *MEDIA)


def message_attachments(body: Mapping[str, Any], received_at: str) -> list[dict[str, Any]]:
    """The pictures and files of a robot message (``downloadCode`` each; rich text may hold several)."""
    msgtype, content = body.get("msgtype"), body.get("content")
    if not isinstance(content, dict):
        return []
    if msgtype == "richText":
        parts = [p for p in content.get("richText") or [] if isinstance(p, dict) and p.get("type") == "picture"]
    elif msgtype in MEDIA:
        parts = [{**content, "type": msgtype}]
    else:
        return []
    found = []
    for part in parts:
        code = str(part.get("downloadCode") or part.get("pictureDownloadCode") or "")
        if code:
            found.append(attachment(PLATFORM, MEDIA[str(part["type"])], received_at, code=code,
                                    name=str(part.get("fileName") or "")))
    return found


def _reply_handle(body: Mapping[str, Any]) -> dict[str, Any]:
    handle: dict[str, Any] = {"conversation_type": str(body.get("conversationType", ""))}
    webhook = body.get("sessionWebhook")
    if isinstance(webhook, str) and webhook.startswith(("https://", "http://")):
        handle["session_webhook"] = webhook
        try:
            handle["session_expires_ms"] = int(body.get("sessionWebhookExpiredTime") or 0)
        except (TypeError, ValueError):
            handle["session_expires_ms"] = 0
    return handle


def parse_message(body: Mapping[str, Any], received_at: str, config: Mapping[str, str] | None = None) -> Event:
    """One Event from a robot callback body; raises PayloadError when a required field is missing."""
    for name in ("msgId", "conversationId", "conversationType"):
        if not isinstance(body.get(name), str) or not body.get(name):
            raise PayloadError(f"robot message lacks {name}")
    group = body["conversationType"] == "2"
    text = message_text(body)
    link = _URL.search(text)
    kind = "mention" if group else ("link" if link else "text")
    files = [with_link(config or {}, a) for a in message_attachments(body, received_at)]
    msgtype = str(body.get("msgtype") or "")
    if not text and (files or msgtype not in KNOWN):
        kind = "media"
    raw = {k: v for k, v in body.items() if k != "sessionWebhook"}
    return Event(platform=PLATFORM, kind=kind, attachments=files,
                 unsupported="" if msgtype in KNOWN else msgtype, user_id=str(body.get("senderStaffId") or ""),
                 chat_id=body["conversationId"], chat_type="group" if group else "single",
                 dedup_key=body["msgId"], received_at=received_at, text=text,
                 url=link.group(0) if link else "", title=str(body.get("conversationTitle") or ""),
                 reply=_reply_handle(body), channel="dingtalk_robot", raw=raw)


class RobotCallback:
    """The robot's message callback; ``config`` holds DINGTALK_APP_SECRET and DINGTALK_ROBOT_CODE."""

    platform = PLATFORM
    dedup_ttl = DEDUP_TTL

    def __init__(self, config: Mapping[str, str]) -> None:
        self.config = config
        self.app_secret = config["DINGTALK_APP_SECRET"]
        self.robot_code = config.get("DINGTALK_ROBOT_CODE") or config.get("DINGTALK_APP_KEY", "")

    def handle(self, request: RawRequest) -> Answer:
        """Verify, parse, answer ``{"msgtype":"empty"}``; raises SignatureError or PayloadError."""
        if request.method != "POST":
            raise PayloadError("the robot callback takes POST only", status=405)
        try:
            event = self._verified_event(request)
        except (SignatureError, PayloadError) as exc:
            log.warning("dingtalk robot callback refused timestamp=%s: %s",
                        request.headers.get("timestamp", "-")[:20], exc)
            raise
        log.info("robot message msgId=%s chat=%s type=%s user=%s", event.dedup_key, event.chat_id,
                 event.chat_type, event.user_id or "-")
        return Answer(status=200, body=EMPTY_ANSWER, content_type="application/json; charset=utf-8",
                      events=[event])

    def _verified_event(self, request: RawRequest) -> Event:
        signing.verify_robot(request.headers, self.app_secret)
        body = json_object(request.body)
        code = body.get("robotCode")
        if code and code != self.robot_code:
            raise SignatureError(f"robotCode {code!r} is not this app's robot (msgId {body.get('msgId')!r})")
        return parse_message(body, request.received_at, self.config)
