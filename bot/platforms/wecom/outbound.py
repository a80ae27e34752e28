"""``WeComMessenger``: what the worker sends on WeCom (see docs/platform-wecom.md).

* 1:1 — the self-built app's ``message/send``: button cards (``template_card``/``button_interaction``
  with ``enable_duplicate_check`` and a task_id unique forever, derived from ``dedup_id`` so that a
  resend is dropped by WeCom), markdown and text split at 2048 bytes; WeChat-plugin readers
  (``wechat_plugin=True``) get the plain-text fallback.
* After a click — ``message/update_template_card`` with the click's single-use ``response_code``;
  when it can no longer be used (60140 expired, 42022 used), a fresh card.
* A card's task_id is ours and valid, and the card within WeCom's limits (``cardfit``), so a 42014
  ("taskid has existed or empty or exceed max len") means the id is taken: ``AlreadySent`` (the worker
  counts it delivered on a retry, a failure on a first attempt).
* Groups — the unit's webhook robot (markdown, ``<@userid>`` mentions), or ``appchat/send`` for a
  chat the app created; the smart bot cannot post unprompted in callback mode.
* Smart bot — replies through the event's single-use ``response_url`` (cards only 1:1); in
  long-connection mode (``wsout``) button cards into groups, answers, and card updates after a click.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote

import redis

from bot.core.card import Card
from bot.core.errors import AlreadySent, ConfigError, PlatformError
from bot.core.event import Event
from bot.core.media import Media
from bot.platforms.base import SentMessage
from bot.platforms.fitting import Fitted
from bot.platforms.wecom import textfit
from bot.platforms.wecom.bodies import PLATFORM, Bodies
from bot.platforms.wecom.buttons import task_id as new_task_id
from bot.platforms.wecom.buttons import valid_task_id
from bot.platforms.wecom.capabilities import capabilities
from bot.platforms.wecom.client import TASK_ID_TAKEN, WeComClient
from bot.platforms.wecom.media_out import WeComMedia
from bot.platforms.wecom.relay import Relay
from bot.platforms.wecom.wsout import WsSender

log = logging.getLogger(__name__)

AIBOT = "wecom_aibot"
WS = "wecom_aibot_ws"
DUPLICATE_CHECK_INTERVAL = 4 * 3600  # WeCom's maximum
USED_OR_EXPIRED = 60140  # "无效的response_code": expired (and, under the older reading, used)
CODE_USED = 42022  # "code已经被使用过。只能使用一次"
SPENT = (USED_OR_EXPIRED, CODE_USED)  # this response_code / response_url can no longer be used


def reply_dedup_id(event: Event, card: Card, purpose: str = "reply") -> str:
    """A stable id for what the worker says about ``event`` (a re-run job derives the same one)."""
    digest = hashlib.sha256(json.dumps(card.to_dict(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"{purpose}|{event.platform}|{event.dedup_key}|{digest[:16]}"


class WeComMessenger:
    """Outbound WeCom messages (worker only); every method raises PlatformError on failure."""

    platform = PLATFORM

    def __init__(self, config: Mapping[str, str], *, redis: redis.Redis, templates_dir: Path | str,
                 timeout: float = 10.0) -> None:
        self.agent_id = config.get("WECOM_AGENT_ID", "")
        self.app = bool(config.get("WECOM_CORP_ID") and config.get("WECOM_SECRET") and self.agent_id)
        self.client = WeComClient(config.get("WECOM_CORP_ID", ""), config.get("WECOM_SECRET", ""), self.agent_id,
                                  config.get("WECOM_API_BASE", ""), redis, timeout=timeout)
        self.bodies = Bodies(templates_dir, home_url=config.get("PUBLIC_BASE_URL", ""),
                             board=bool(config.get("BOARD_SECRET_KEY")))
        ws = config.get("WECOM_AIBOT_ID") and config.get("WECOM_AIBOT_SECRET")
        self.ws = WsSender(Relay(redis, config["WECOM_AIBOT_ID"]), self.bodies) if ws else None
        self.media = WeComMedia(self.client, self.agent_id, self.app, self.ws.relay if self.ws else None)
        self.capabilities = capabilities(self.app, long_connection=self.ws is not None)

    # --- pictures and files (bot.core.media; media_out.py) ------------------------------------------
    def send_media_to_person(self, user_id: str, media: Media, content: bytes) -> SentMessage:
        """A picture or file 1:1 from the self-built app; raises PlatformError."""
        return self.media.to_person(user_id, media, content)

    def send_media_to_group(self, group: Mapping[str, str], media: Media, content: bytes) -> SentMessage:
        """A picture or file into a unit's group (webhook robot, else the app's chat); raises PlatformError."""
        return self.media.to_group(group, media, content)

    # --- 1:1 ------------------------------------------------------------------------------
    def fit(self, card: Card, *, method: str = "person") -> Fitted:
        """``card`` and what must follow it: its whole text where WeCom's card shows some cut (``textfit``);
        nothing in a group without the smart bot's long connection (there a card goes as text, split)."""
        if method == "group" and self.ws is None:
            return Fitted(card)
        return textfit.fit(self.bodies, card)

    def send_to_person(self, user_id: str, card: Card, *, dedup_id: str = "", wechat_plugin: bool = False) -> SentMessage:
        """Send ``card`` 1:1 from the app (text only for a WeChat-plugin reader); from the smart
        bot's long connection when there is no app."""
        if not self.app and self.ws is not None:
            return self.ws.send(user_id, card, dedup_id)
        self._need_app("send 1:1")
        task_id = checked_task_id(new_task_id(dedup_id))
        bodies = self.bodies.pieces(card, task_id, cards=True, plain=wechat_plugin)
        answers = [self._card_send(user_id, body) for body in bodies]
        msgid = answers[-1].get("msgid", "")
        if bodies[0]["msgtype"] != "template_card":
            return SentMessage(PLATFORM, msgid)
        ref = {"card_id": task_id, "user_id": user_id, "response_code": answers[0].get("response_code", "")}
        if answers[0].get("taken"):
            raise AlreadySent(f"WeCom message/send: task_id {task_id} has existed (42014)", code=TASK_ID_TAKEN,
                              card_ref=ref)
        return SentMessage(PLATFORM, msgid, ref)

    def _card_send(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``message/send`` of one body; a card whose task_id is taken (42014) answers ``{"taken": True}``
        so that the other parts of a split card still go."""
        try:
            return self._message_send(user_id, body)
        except PlatformError as exc:
            if exc.code != TASK_ID_TAKEN or body["msgtype"] != "template_card":
                raise
            log.info("wecom message/send: task_id %s taken (42014)", body["template_card"].get("task_id"))
            return {"taken": True}

    def _message_send(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {"touser": user_id, "agentid": int(self.agent_id), **body}
        if body["msgtype"] == "template_card":
            data.update(enable_duplicate_check=1, duplicate_check_interval=DUPLICATE_CHECK_INTERVAL)
        answer = self.client.post("message/send", data)
        if answer.get("invaliduser"):
            log.warning("wecom message/send: invalid recipient(s) %s", answer["invaliduser"])
        return answer

    def _need_ws(self) -> WsSender:
        if self.ws is None:
            raise PlatformError("WeCom: the smart bot's long connection (WECOM_AIBOT_ID, WECOM_AIBOT_SECRET) "
                                "is not configured", retryable=False)
        return self.ws

    def _need_app(self, what: str) -> None:
        if not self.app:
            raise PlatformError(f"WeCom: cannot {what}: the self-built app (WECOM_CORP_ID, WECOM_AGENT_ID, "
                                "WECOM_SECRET) is not configured", retryable=False)

    # --- groups ---------------------------------------------------------------------------
    def send_to_group(self, group: Mapping[str, str], card: Card, *, dedup_id: str = "") -> SentMessage:
        """Post ``card`` in a unit's group: the smart bot's long connection (button cards) when it is
        configured and the unit has an ``aibot_chatid``; else the webhook robot, else the app's own chat."""
        if self.ws is not None and group.get("wecom_aibot_chatid"):
            return self.ws.send(group["wecom_aibot_chatid"], card, dedup_id)
        key, appchat = group.get("wecom_webhook_key"), group.get("wecom_appchat_id")
        if key:
            for body in self.bodies.pieces(card, new_task_id(dedup_id), cards=False, plain=False):
                self.client.post_url(f"{self.client.root}webhook/send?key={quote(key, safe='')}", body,
                                     "webhook/send")
            return SentMessage(PLATFORM)
        if appchat:
            self._need_app("post in an app chat")
            for body in self.bodies.pieces(card, new_task_id(dedup_id), cards=False, plain=False):
                self.client.post("appchat/send", {"chatid": appchat, **body})
            return SentMessage(PLATFORM)
        reason = ("only a smart-bot chat is configured, and the smart bot in callback mode cannot post "
                  "unprompted: give the unit a webhook robot (groups.wecom.webhook_key)"
                  if group.get("wecom_aibot_chatid") else "the unit has no WeCom group configured")
        raise PlatformError(f"WeCom: cannot post in the group: {reason}", retryable=False)

    # --- answers and updates --------------------------------------------------------------
    def reply(self, event: Event, card: Card, *, wechat_plugin: bool = False) -> SentMessage:
        """Answer ``event`` where it came from: the smart bot's response_url, or the app 1:1."""
        dedup_id = reply_dedup_id(event, card)
        if event.channel == WS:
            return self._need_ws().send(event.chat_id, card, dedup_id)
        if event.channel == AIBOT:
            return self._aibot_reply(event, card, dedup_id)
        return self.send_to_person(event.user_id, card, dedup_id=dedup_id, wechat_plugin=wechat_plugin)

    def _aibot_reply(self, event: Event, card: Card, dedup_id: str) -> SentMessage:
        single = event.chat_type == "single"
        task_id = checked_task_id(new_task_id(dedup_id))
        body = self.bodies.aibot(card, task_id, cards=single)
        url = event.reply.get("response_url", "")
        ref = {"channel": AIBOT, "card_id": task_id} if body["msgtype"] == "template_card" else {}
        try:
            if not url:
                raise PlatformError("the event carries no response_url", code=USED_OR_EXPIRED)
            self.client.post_url(url, body, "aibot/response")
        except PlatformError as exc:
            if exc.code in SPENT and single and self.app:
                log.info("wecom aibot response_url spent (%s); answering %s 1:1 from the app", exc.code, event.user_id)
                return self.send_to_person(event.user_id, card, dedup_id=dedup_id)
            if exc.code == CODE_USED or exc.code == TASK_ID_TAKEN and ref:
                # used, or the card's id taken: by an earlier attempt of this reply if this is a retry
                raise AlreadySent(f"WeCom aibot/response: {exc}", code=exc.code, card_ref=ref) from exc
            raise
        return SentMessage(PLATFORM, card_ref=ref)

    def update_card(self, card_ref: Mapping[str, Any], card: Card, *, event: Event | None = None,
                    wechat_plugin: bool = False) -> SentMessage:
        """Show ``card`` in place of the card ``card_ref`` (after a click), else as a fresh card."""
        if card_ref.get("channel") == WS or (event and event.channel == WS):
            return self._need_ws().update(card_ref, card, event)
        user_id = event.user_id if event else str(card_ref.get("user_id", ""))
        if not user_id:
            raise ConfigError("update_card needs the event or a card_ref with user_id")
        # A copy may need several fresh cards (its code works once): each new content gets its own task_id,
        # while a re-run of the same update derives the same one (WeCom drops it as a duplicate).
        digest = hashlib.sha256(json.dumps(card.to_dict(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        fresh_id = (f"fresh|{card_ref.get('card_id')}|{card_ref.get('response_code') or card_ref.get('response_url')}"
                    f"|{digest[:16]}")
        if card_ref.get("channel") == AIBOT or (event and event.channel == AIBOT):
            # A smart-bot card changes in place only through the 5-second passive reply, which the
            # web process does not make; the click's response_url carries a fresh card (1:1) instead.
            if event is None:
                raise PlatformError("WeCom smart bot: a card update needs the click event", retryable=False)
            return self._aibot_reply(event, card, fresh_id)
        if wechat_plugin:
            return self.send_to_person(user_id, card, dedup_id=fresh_id, wechat_plugin=True)
        return self._update_app_card(user_id, card_ref, card, fresh_id)

    def _update_app_card(self, user_id: str, card_ref: Mapping[str, Any], card: Card, fresh_id: str) -> SentMessage:
        self._need_app("update a card")
        task_id, code = str(card_ref.get("card_id", "")), str(card_ref.get("response_code", ""))
        parts = self.bodies.rich_parts(card, task_id)
        body = parts[0]
        if body.get("msgtype") != "template_card" or not code or not task_id or len(parts) > 1:
            return self.send_to_person(user_id, card, dedup_id=fresh_id)
        data = {"userids": [user_id], "agentid": int(self.agent_id), "response_code": code,
                "template_card": body["template_card"]}
        try:
            self.client.post("message/update_template_card", data)
        except PlatformError as exc:
            if exc.code not in SPENT:
                raise
            log.info("wecom response_code spent (%s) for task %s; sending a fresh card", exc.code, task_id)
            return self.send_to_person(user_id, card, dedup_id=fresh_id)
        return SentMessage(PLATFORM, card_ref={"card_id": task_id, "user_id": user_id})


def checked_task_id(value: str) -> str:
    """``value`` when WeCom takes it as a task_id; raises ConfigError (a bug: ids are derived by
    ``buttons.task_id``) so that a 42014 can only ever mean a taken id."""
    if not valid_task_id(value):
        raise ConfigError(f"WeCom task_id {value[:40]!r} is not 1-128 of [0-9A-Za-z_-@]")
    return value
