"""``POST /dingtalk/card``: interactive-card button callbacks (HTTP mode, our ``callbackRouteKey``).

Owns: verifying ``x-ddpaas-signature-timestamp``/``x-ddpaas-signature`` with
DINGTALK_CARD_CALLBACK_SECRET (the ``apiSecret`` registered with the route; 1 h window, our
choice: DingTalk documents none), parsing ``actionCallback`` into a ``click`` Event, and the
answer ``{}`` within DingTalk's 2 s budget: no card change in the answer — the worker updates the
card in place afterwards (``PUT /v1.0/card/instances``). ``dedup_key`` = signature timestamp +
``outTrackId`` + ``userId`` + action id (design.md).

Every documented form of the body is read (docs/platform-dingtalk.md, "Card clicks"): ``cardPrivateData``
in ``content`` or in ``value``; its ``params`` inside it or beside it; ``spaceType``/``spaceId`` present or
not. What a click means comes from the button's own params (``do`` = its action key, put there by
``templates/dingtalk/_card.json.j2``), never from the shape of an id: DingTalk may append a loop index
to an ``actionId`` (``case.ack0``).
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

__all__ = ["CardCallback", "parse_click", "action_of", "chat_of", "ACTION_PARAM"]

log = logging.getLogger(__name__)

ANSWER = "{}"
ACTION_PARAM = "do"  # the button's action key among its params (templates/dingtalk/_card.json.j2)
SINGLE_SPACES = ("IM_ROBOT", "IM_SINGLE")


def action_of(action_id: str, params: Mapping[str, Any] | None = None) -> str:
    """Our dotted action key: the button's ``do`` param; for a card sent before buttons carried it, the
    template's ``actionId`` (``case.ack`` or ``case.ack#2``) without its ``#n``."""
    key = (params or {}).get(ACTION_PARAM)
    if isinstance(key, str) and key:
        return key
    return action_id.partition("#")[0]


def chat_of(body: Mapping[str, Any]) -> tuple[str, str]:
    """``(chat_id, chat_type)`` of a click: single only where DingTalk says so — a single-chat ``spaceType``
    or the clicker's own id as ``spaceId`` (our 1:1 cards' space is ``IM_ROBOT.<userid>``); otherwise group,
    the reading under which the rendering rule never shows a group more than it may see."""
    space_type, space_id = str(body.get("spaceType") or "").upper(), str(body.get("spaceId") or "")
    user = str(body["userId"])
    if "GROUP" in space_type:
        return space_id or user, "group"
    if space_type in SINGLE_SPACES or space_id == user:
        return space_id or user, "single"
    return space_id or user, "group"


def _callback_data(body: Mapping[str, Any]) -> dict[str, Any]:
    """The object holding ``cardPrivateData``: ``content``, else ``value`` (JSON strings or objects). A field
    that is there but not JSON makes the body malformed, whatever the other holds."""
    found = None
    for name in ("content", "value"):
        raw = body.get(name)
        if raw in (None, ""):
            continue
        try:
            data = json.loads(raw) if isinstance(raw, str) else raw
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            raise PayloadError(f"card callback {name} is not JSON") from None
        if found is None and isinstance(data, dict) and isinstance(data.get("cardPrivateData"), dict):
            found = data
    if found is None:
        raise PayloadError("card callback lacks cardPrivateData")
    return found


def _params(data: Mapping[str, Any]) -> dict[str, Any]:
    """The button's params: inside ``cardPrivateData``, or beside it."""
    private = data["cardPrivateData"]
    params = private.get("params") if isinstance(private.get("params"), dict) else data.get("params")
    return params if isinstance(params, dict) else {}


def parse_click(body: Mapping[str, Any], sign_ts: str, received_at: str) -> Event:
    """One ``click`` Event from an ``actionCallback`` body; raises PayloadError when malformed."""
    for name in ("outTrackId", "userId"):
        if not isinstance(body.get(name), str) or not body.get(name):
            raise PayloadError(f"card callback lacks {name}")
    data = _callback_data(body)
    ids = data["cardPrivateData"].get("actionIds") or []
    if not isinstance(ids, list) or not ids or not isinstance(ids[0], str):
        raise PayloadError("card callback lacks actionIds")
    params = _params(data)
    chat_id, chat_type = chat_of(body)
    out_track_id, user = body["outTrackId"], body["userId"]
    return Event(platform=PLATFORM, kind="click", user_id=user, chat_id=chat_id, chat_type=chat_type,
                 dedup_key=f"card:{sign_ts}:{out_track_id}:{user}:{ids[0]}", received_at=received_at,
                 action=action_of(ids[0], params),
                 params={str(k): v for k, v in params.items() if k != ACTION_PARAM},
                 card_id=out_track_id,
                 reply={"space_type": str(body.get("spaceType") or ""), "space_id": str(body.get("spaceId") or "")},
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
