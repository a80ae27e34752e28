"""DingTalkMessenger: cards and markdown to DingTalk people and groups (worker only).

Owns: choosing the way a Card goes out — a card with buttons as an interactive card
(``createAndDeliver`` into ``IM_GROUP`` or ``IM_ROBOT``, callbacks over HTTP to our route key,
``outTrackId`` derived from the dedup id so a retry never shows a card twice — DingTalk's
``param.cardAlreadyExist`` for it is :class:`AlreadySent` — and the ``outTrackId`` DingTalk's answer
names kept for updates), anything else as
markdown (sessionWebhook while it is valid, else ``groupMessages/send`` or
``oToMessages/batchSend`` in batches of 20); work notifications (``asyncsend_v2``, 100 people a
call); and updating a card in place (``PUT /v1.0/card/instances``). Content comes from
``templates/dingtalk/<kind>.json.j2``; this module only wraps it in the API's request envelope.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from pathlib import Path
from typing import Any, Mapping

import redis as redis_lib
import requests

from bot.core.card import Card
from bot.core.errors import AlreadySent, ConfigError, PlatformError
from bot.core.event import Event
from bot.core.media import Media
from bot.platforms.base import SentMessage
from bot.platforms.dingtalk import card_fit
from bot.platforms.dingtalk.capabilities import CAPABILITIES
from bot.platforms.dingtalk.client import SESSION_GONE, DingTalkClient
from bot.platforms.dingtalk.media_out import DingTalkMedia
from bot.platforms.dingtalk.signing import now_ms
from bot.platforms.fitting import Fitted, full_text, size, truncate_utf8
from bot.platforms.render import render_json

__all__ = ["DingTalkMessenger", "track_id", "valid_track_id", "space", "recipient_id", "BATCH", "NOTICE_BATCH"]

log = logging.getLogger(__name__)

PLATFORM = "dingtalk"
BATCH = 20            # oToMessages/batchSend userIds per call
NOTICE_BATCH = 100    # asyncsend_v2 userid_list per call
MSG_PARAM_LIMIT = 15000
NOTICE_LIMIT = 2048
SESSION_MARGIN_MS = 60_000
CARD_EXISTS = "param.cardAlreadyExist"  # createAndDeliver: this outTrackId has a card already
TRACK_ID = re.compile(r"[0-9A-Za-z_\-@]{1,64}")  # ≤ 64 recommended (≤ 100 allowed); our safe characters


def track_id(dedup_id: str = "") -> str:
    """A card's ``outTrackId``: the same for the same dedup id (≤ 64 characters), else fresh."""
    if not dedup_id:
        return "yq" + uuid.uuid4().hex
    return "yq" + hashlib.sha256(dedup_id.encode()).hexdigest()[:40]


def valid_track_id(out_track_id: str) -> bool:
    """Whether an ``outTrackId`` is one we may send: non-empty, ≤ 64 characters of ``[0-9A-Za-z_-@]``.

    Only for such an id does ``param.cardAlreadyExist`` mean "a card with this id exists" and nothing else.
    """
    return bool(TRACK_ID.fullmatch(out_track_id))


def recipient_id(method: str, address: Mapping[str, Any]) -> str:
    """How DingTalk names the recipient of an outbox ``person`` or ``group`` address (the user id or the
    group's open conversation id), as in the refusals of ``send_to_people`` and ``send_card_to_spaces``."""
    if method == "person":
        return str(address.get("user_id", ""))
    group = address.get("group") or {}
    return str(group.get("dingtalk_open_conversation_id") or group.get("open_conversation_id") or "")


def space(method: str, address: Mapping[str, Any]) -> str:
    """The card space of an outbox ``person`` or ``group`` address: ``IM_ROBOT.<userid>`` or ``IM_GROUP.<cid>``."""
    return f"{'IM_ROBOT' if method == 'person' else 'IM_GROUP'}.{recipient_id(method, address)}"


class DingTalkMessenger:
    """Outbound DingTalk; ``config`` holds design.md's DINGTALK_* variables."""

    platform = PLATFORM
    capabilities = CAPABILITIES
    space = staticmethod(space)
    recipient_id = staticmethod(recipient_id)

    def __init__(self, config: Mapping[str, str], *, redis: redis_lib.Redis | None = None,
                 templates_dir: str | Path, session: requests.Session | None = None) -> None:
        self.client = DingTalkClient(config, redis, session)
        self.robot_code = config.get("DINGTALK_ROBOT_CODE") or config["DINGTALK_APP_KEY"]
        self.template_id = config.get("DINGTALK_CARD_TEMPLATE_ID", "")
        self.route_key = config.get("DINGTALK_CARD_ROUTE_KEY", "")
        self.agent_id = config.get("DINGTALK_AGENT_ID", "")
        self.templates_dir = Path(templates_dir)
        self.media = DingTalkMedia(self.client, self.robot_code, config, redis)

    # --- pictures and files (bot.core.media; media_out.py) ------------------------------------------
    def send_media_to_person(self, user_id: str, media: Media, content: bytes) -> SentMessage:
        """A picture or file 1:1 from the robot; raises PlatformError."""
        return self.media.to_person(user_id, media, content)

    def send_media_to_group(self, group: Mapping[str, str], media: Media, content: bytes) -> SentMessage:
        """A picture or file into a unit's group; raises PlatformError."""
        return self.media.to_group(group, media, content)

    def render(self, card: Card) -> dict[str, Any]:
        """``{"card": cardParamMap, "markdown": {title, text}}`` of a Card; raises ConfigError."""
        return render_json(self.templates_dir, PLATFORM, card)

    # --- the Messenger interface ------------------------------------------------------------------
    def send_to_person(self, user_id: str, card: Card, *, dedup_id: str = "") -> SentMessage:
        """A card with buttons as an interactive card 1:1, else markdown from the robot."""
        if card.buttons:
            return self._deliver(f"IM_ROBOT.{user_id}", card, track_id(dedup_id))
        return self.send_to_people([user_id], card)[0]

    def send_to_group(self, group: Mapping[str, str], card: Card, *, dedup_id: str = "") -> SentMessage:
        """Into a unit's group (``dingtalk_open_conversation_id``): interactive card or markdown."""
        cid = group.get("dingtalk_open_conversation_id") or group.get("open_conversation_id") or ""
        if not cid:
            raise PlatformError("this unit has no DingTalk group (dingtalk.open_conversation_id in the org file)")
        if card.buttons:
            return self._deliver(f"IM_GROUP.{cid}", card, track_id(dedup_id))
        return self._group_markdown(cid, card)

    def reply(self, event: Event, card: Card) -> SentMessage:
        """Answer where the event came from: sessionWebhook while valid, else the OpenAPI.

        A click is answered 1:1 to the person who clicked (the card itself changes through
        :meth:`update_card`), so a refusal is not shown to the whole group.
        """
        dedup_id = f"reply|{event.dedup_key}|{json.dumps(card.to_dict(), sort_keys=True, ensure_ascii=False)}"
        if event.kind == "click":
            return self.send_to_person(event.user_id, card, dedup_id=dedup_id)
        if card.buttons:
            space = f"IM_GROUP.{event.chat_id}" if event.chat_type == "group" else f"IM_ROBOT.{event.user_id}"
            return self._deliver(space, card, track_id(dedup_id))
        webhook, expires = event.reply.get("session_webhook"), int(event.reply.get("session_expires_ms") or 0)
        if webhook and expires > now_ms() + SESSION_MARGIN_MS:
            try:
                self.client.webhook(webhook, {"msgtype": "markdown", "markdown": self._markdown(card)})
                return SentMessage(PLATFORM)
            except PlatformError as exc:
                if exc.code != SESSION_GONE:
                    raise
                log.info("sessionWebhook gone for event %s; answering through the OpenAPI", event.dedup_key)
        if event.chat_type == "group":
            return self._group_markdown(event.chat_id, card)
        return self.send_to_people([event.user_id], card)[0]

    def update_card(self, card_ref: Mapping[str, Any], card: Card, *, event: Event | None = None) -> SentMessage:
        """Show the card's new state to everyone holding it (``PUT /v1.0/card/instances``)."""
        out_track_id = card_ref.get("card_id") or card_ref.get("out_track_id") or ""
        if not out_track_id:
            raise PlatformError("no outTrackId to update")
        in_group = not card_ref.get("user_id") and (event is None or event.chat_type == "group")
        body = {"outTrackId": out_track_id, "cardData": {"cardParamMap": self._card_params(card, in_group)},
                "cardUpdateOptions": {"updateCardDataByKey": True}, "userIdType": 1}
        self.client.api("PUT", "/v1.0/card/instances", body)
        return SentMessage(PLATFORM, out_track_id, {"card_id": out_track_id})

    # --- DingTalk's other ways ----------------------------------------------------------------------
    def send_to_people(self, user_ids: list[str], card: Card) -> list[SentMessage]:
        """Markdown 1:1 from the robot to each person, ``BATCH`` people per call.

        When everyone of a call is refused (unknown to DingTalk, filtered, or flow-controlled) it raises
        PlatformError — retryable for flow control; people refused in a larger batch are logged and
        named in that call's ``card_ref`` (``invalid``, ``throttled``) for the caller to retry. People in
        ``filteredStaffIdList`` count as ``invalid``: not delivered, and not retried (docs/platform-dingtalk.md).
        """
        param = json.dumps(self._markdown(card, MSG_PARAM_LIMIT - 200), ensure_ascii=False)
        sent = []
        for i in range(0, len(user_ids), BATCH):
            batch = user_ids[i:i + BATCH]
            body = {"robotCode": self.robot_code, "userIds": batch, "msgKey": "sampleMarkdown", "msgParam": param}
            data = self.client.api("POST", "/v1.0/robot/oToMessages/batchSend", body)
            unknown, filtered = data.get("invalidStaffIdList") or [], data.get("filteredStaffIdList") or []
            throttled = data.get("flowControlledStaffIdList") or []
            invalid = list(dict.fromkeys([*unknown, *filtered]))
            if set(batch) <= set(invalid) | set(throttled):
                raise PlatformError(f"DingTalk delivered to nobody of {batch}: unknown {unknown}, filtered "
                                    f"{filtered}, flow-controlled {throttled} (check the org file's dingtalk ids; "
                                    f"a filtered person may have blocked the robot)", retryable=bool(throttled))
            refused = {"invalid": invalid, "throttled": throttled} if invalid or throttled else {}
            if refused:
                log.warning("dingtalk batchSend: unknown userIds %s, filtered %s, flow-controlled %s",
                            unknown, filtered, throttled)
            sent.append(SentMessage(PLATFORM, str(data.get("processQueryKey", "")), refused))
        return sent

    def notify(self, user_ids: list[str], card: Card) -> list[SentMessage]:
        """Work notifications (工作通知) as markdown, ``NOTICE_BATCH`` people per call; needs DINGTALK_AGENT_ID."""
        if not self.agent_id:
            raise ConfigError("work notifications need DINGTALK_AGENT_ID")
        md = self._markdown(card, NOTICE_LIMIT - 300)
        sent = []
        for i in range(0, len(user_ids), NOTICE_BATCH):
            body = {"agent_id": int(self.agent_id), "userid_list": ",".join(user_ids[i:i + NOTICE_BATCH]),
                    "msg": {"msgtype": "markdown", "markdown": md}}
            data = self.client.oapi("/topapi/message/corpconversation/asyncsend_v2", body)
            sent.append(SentMessage(PLATFORM, str(data.get("task_id", ""))))
        return sent

    def fit(self, card: Card, *, method: str = "person") -> Fitted:
        """What must follow ``card`` into its chat so nothing of it is lost (``card_fit``): the full text of
        what the card shows cut (every card value ≤ 1 KB; a markdown message ≤ ``MSG_PARAM_LIMIT``), and
        the buttons that did not fit, as cards of their own. The card itself is cut as it is sent, the
        same way whatever the outbox ``method``."""
        rendered = self.render(card)
        if card.buttons:
            return Fitted(card, tuple(card_fit.follow_ups(card, rendered["card"])))
        text = rendered["markdown"]["text"]
        if size(text) <= MSG_PARAM_LIMIT - 200:
            return Fitted(card)
        title = truncate_utf8(rendered["markdown"]["title"], 150)
        return Fitted(card, full_text(title, text, card_fit.MESSAGE_BYTES))

    # --- internals ------------------------------------------------------------------------------------
    def _card_params(self, card: Card, in_group: bool) -> dict[str, str]:
        """The card's ``cardParamMap`` within DingTalk's 1 KB a value (``card_fit.within_limits``)."""
        return card_fit.within_limits(self.render(card)["card"], in_group)

    def _markdown(self, card: Card, limit: int = MSG_PARAM_LIMIT - 200) -> dict[str, str]:
        md = self.render(card)["markdown"]
        return {"title": truncate_utf8(md["title"], 200), "text": truncate_utf8(md["text"], limit)}

    def _group_markdown(self, cid: str, card: Card) -> SentMessage:
        body = {"robotCode": self.robot_code, "openConversationId": cid, "msgKey": "sampleMarkdown",
                "msgParam": json.dumps(self._markdown(card), ensure_ascii=False)}
        data = self.client.api("POST", "/v1.0/robot/groupMessages/send", body)
        return SentMessage(PLATFORM, str(data.get("processQueryKey", "")))

    def send_card_to_spaces(self, spaces: list[str], card: Card, *, dedup_id: str = "") -> SentMessage:
        """One interactive card into several chats (``IM_GROUP.<cid>``, ``IM_ROBOT.<userid>``) in one
        ``createAndDeliver`` (``openSpaceId`` joins them with ``;``): one card instance, so every holder
        sees each later update. Spaces DingTalk refused are named in ``card_ref["invalid"]``."""
        return self._deliver(";".join(spaces), card, track_id(dedup_id))

    def _deliver(self, space: str, card: Card, out_track_id: str) -> SentMessage:
        kinds = {part.partition(".")[0] for part in space.split(";")}
        body: dict[str, Any] = {
            "cardTemplateId": self.template_id, "outTrackId": out_track_id,
            "cardData": {"cardParamMap": self._card_params(card, "IM_GROUP" in kinds)},
            "callbackType": "HTTP", "callbackRouteKey": self.route_key,
            "openSpaceId": f"dtv1.card//{space}", "userIdType": 1}
        if "IM_GROUP" in kinds:
            body.update(imGroupOpenSpaceModel={"supportForward": True},
                        imGroupOpenDeliverModel={"robotCode": self.robot_code})
        if "IM_ROBOT" in kinds:
            body.update(imRobotOpenSpaceModel={"supportForward": True},
                        imRobotOpenDeliverModel={"spaceType": "IM_ROBOT", "robotCode": self.robot_code})
        data = self._create(body)
        results = (data.get("result") or {}).get("deliverResults") or []
        failed = [r for r in results if isinstance(r, dict) and r.get("success") is False]
        if failed and len(failed) == len(results):
            raise PlatformError(f"DingTalk did not deliver card {out_track_id} to {space}: "
                                f"{failed[0].get('errorMsg', 'no reason given')}")
        named = str((data.get("result") or {}).get("outTrackId") or "")
        if named and named != out_track_id:  # DingTalk's own id for the card: later updates must use it
            log.info("dingtalk named card %s %s; updates will use that id", out_track_id, named)
            out_track_id = named
        log.info("dingtalk card %s delivered to %s", out_track_id, space)
        ref: dict[str, Any] = {"card_id": out_track_id}
        if failed:
            ref["invalid"] = [str(r.get("spaceId", "")) for r in failed]
        return SentMessage(PLATFORM, out_track_id, ref)

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        """``createAndDeliver``; raises PlatformError, or AlreadySent when a card holds our (valid) ``outTrackId``.

        An id we did not validate is never sent, so ``param.cardAlreadyExist`` names one cause only: a card
        with this id exists — ours when the worker is retrying after an answer it never got.
        """
        out_track_id = str(body["outTrackId"])
        if not valid_track_id(out_track_id):
            raise PlatformError(f"refusing to send card with outTrackId {out_track_id[:80]!r}: not 1–64 "
                                f"characters of [0-9A-Za-z_-@]")
        try:
            return self.client.api("POST", "/v1.0/card/instances/createAndDeliver", body)
        except PlatformError as exc:
            if exc.code != CARD_EXISTS:
                raise
            raise AlreadySent(f"DingTalk already holds card {out_track_id} ({CARD_EXISTS})", code=exc.code,
                              message_id=out_track_id, card_ref={"card_id": out_track_id}) from None
