"""``POST /dingtalk/card``: interactive-card button callbacks (HTTP mode, our ``callbackRouteKey``).

Owns: verifying ``x-ddpaas-signature-timestamp``/``x-ddpaas-signature`` with
DINGTALK_CARD_CALLBACK_SECRET (the ``apiSecret`` registered with the route; 1 h window, our
choice: DingTalk documents none), parsing ``actionCallback`` into a ``click`` Event, and the
answer ``{}`` within DingTalk's 2 s budget: no card change in the answer — the worker updates the
card in place afterwards (``PUT /v1.0/card/instances``). ``dedup_key`` = signature timestamp +
``outTrackId`` + ``userId`` + action id (design.md).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Mapping

from bot.core.errors import PayloadError, SignatureError
from bot.core.event import Event
from bot.platforms.base import Answer, RawRequest
from bot.platforms.dingtalk import signing
from bot.platforms.dingtalk.inbound import DEDUP_TTL, PLATFORM, json_object

__all__ = ["CardCallback", "parse_click", "action_of"]

log = logging.getLogger(__name__)

ANSWER = "{}"


def action_of(action_id: str) -> str:
    """Our dotted action key from a template ``actionId`` (``case.ack`` or ``case.ack#2``)."""
    return action_id.partition("#")[0]


def _private_data(body: Mapping[str, Any]) -> dict[str, Any]:
    raw = body.get("content") or body.get("value") or "{}"
    try:
        content = json.loads(raw) if isinstance(raw, str) else raw
    except (ValueError, RecursionError):  # RecursionError: nested too deep
        raise PayloadError("card callback content is not JSON") from None
    data = content.get("cardPrivateData") if isinstance(content, dict) else None
    if not isinstance(data, dict):
        raise PayloadError("card callback lacks cardPrivateData")
    return data


def parse_click(body: Mapping[str, Any], sign_ts: str, received_at: str) -> Event:
    """One ``click`` Event from an ``actionCallback`` body; raises PayloadError when malformed."""
    for name in ("outTrackId", "userId"):
        if not isinstance(body.get(name), str) or not body.get(name):
            raise PayloadError(f"card callback lacks {name}")
    data = _private_data(body)
    ids = data.get("actionIds") or []
    if not isinstance(ids, list) or not ids or not isinstance(ids[0], str):
        raise PayloadError("card callback lacks actionIds")
    params = data.get("params") if isinstance(data.get("params"), dict) else {}
    space_type, space_id = str(body.get("spaceType") or ""), str(body.get("spaceId") or "")
    group = "GROUP" in space_type.upper() or space_id.startswith("cid")
    out_track_id, user = body["outTrackId"], body["userId"]
    return Event(platform=PLATFORM, kind="click", user_id=user, chat_id=space_id or user,
                 chat_type="group" if group else "single",
                 dedup_key=f"card:{sign_ts}:{out_track_id}:{user}:{ids[0]}", received_at=received_at,
                 action=action_of(ids[0]), params={str(k): v for k, v in params.items()},
                 card_id=out_track_id, reply={"space_type": space_type, "space_id": space_id},
                 channel="dingtalk_card", raw=dict(body))


class CardCallback:
    """Card button callbacks; ``config`` holds DINGTALK_CARD_CALLBACK_SECRET."""

    platform = PLATFORM
    dedup_ttl = DEDUP_TTL

    def __init__(self, config: Mapping[str, str]) -> None:
        self.secret = config["DINGTALK_CARD_CALLBACK_SECRET"]

    def handle(self, request: RawRequest) -> Answer:
        """Verify, parse, answer ``{}`` at once; raises SignatureError or PayloadError."""
        if request.method != "POST":
            raise PayloadError("the card callback takes POST only", status=405)
        try:
            sign_ts = signing.verify_card(request.headers, self.secret)
            body = json_object(request.body)
        except (SignatureError, PayloadError) as exc:
            log.warning("dingtalk card callback refused timestamp=%s: %s",
                        request.headers.get("x-ddpaas-signature-timestamp", "-")[:20], exc)
            raise
        if body.get("type", "actionCallback") != "actionCallback":
            log.info("card callback of type %r ignored outTrackId=%s", body.get("type"), body.get("outTrackId"))
            return Answer(status=200, body=ANSWER, content_type="application/json; charset=utf-8")
        try:
            event = parse_click(body, sign_ts, request.received_at)
        except PayloadError as exc:
            log.warning("dingtalk card callback refused outTrackId=%s: %s", body.get("outTrackId"), exc)
            raise
        log.info("card click outTrackId=%s user=%s action=%s", event.card_id, event.user_id, event.action)
        return Answer(status=200, body=ANSWER, content_type="application/json; charset=utf-8", events=[event])
