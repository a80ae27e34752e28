"""Pictures and files the bot sends on WeCom (``bot.core.media``); docs/platform-wecom.md, "Pictures and files".

* 1:1 — the self-built app: ``media/upload?type=image|file`` (multipart, field ``media``; a media_id valid
  3 days), then ``message/send`` with ``msgtype`` image or file and ``enable_duplicate_check``.
* Groups — the unit's webhook robot: a JPG/PNG picture of at most 2 MB as ``msgtype: image``
  (``base64`` + ``md5`` of the raw bytes); a larger picture and every file through
  ``webhook/upload_media?type=file`` then ``msgtype: file``; else the app's own chat (``appchat/send``
  with an app media_id).
* The smart bot's long connection (when configured: the same path as its cards) — for a unit's
  ``aibot_chatid``, and 1:1 when there is no self-built app: ``aibot_upload_media_init`` / ``_chunk`` (512 KB,
  base64) / ``_finish`` through the connector's relay, then ``aibot_send_msg`` with ``image``/``file``
  ``{media_id}``. A smart-bot chat in callback mode alone is refused (that bot cannot post unprompted).

A media_id is kept in Redis by the bytes' SHA-256 (a day short of WeCom's 3 days), so a retried send
names the same media and WeCom's duplicate check drops a second copy of an app message.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from typing import Callable, Mapping
from urllib.parse import quote

from bot.core.errors import PlatformError
from bot.core.media import FILE, IMAGE, Media
from bot.platforms.attachments import cached_upload
from bot.platforms.base import SentMessage
from bot.platforms.wecom.client import WeComClient, check
from bot.platforms.wecom.relay import Relay
from bot.platforms.wecom.wsframes import SEND_MSG

__all__ = ["WeComMedia", "ROBOT_IMAGE_LIMIT", "robot_image"]

log = logging.getLogger(__name__)

PLATFORM = "wecom"
ROBOT_IMAGE_LIMIT = 2 * 1024 * 1024  # webhook image: "图片（base64编码前）最大不能超过2M，支持JPG,PNG格式"
MEDIA_KEPT = 2 * 24 * 3600  # our cache of a media_id: WeCom keeps it 3 days
DUPLICATE_CHECK_INTERVAL = 4 * 3600
JPEG, PNG = b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"
WS_CHUNK = 512 * 1024  # the long connection's upload chunk (every SDK's figure)
UPLOAD_INIT, UPLOAD_CHUNK, UPLOAD_FINISH = ("aibot_upload_media_init", "aibot_upload_media_chunk",
                                            "aibot_upload_media_finish")


def robot_image(content: bytes) -> bool:
    """Whether the webhook robot takes ``content`` as a picture message (JPG or PNG, ≤ 2 MB)."""
    return len(content) <= ROBOT_IMAGE_LIMIT and content.startswith((JPEG, PNG))


class WeComMedia:
    """Uploads and media messages for one app (``client``) and the units' webhook robots."""

    def __init__(self, client: WeComClient, agent_id: str, app: bool, relay: Relay | None = None) -> None:
        self.client, self.agent_id, self.app, self.relay = client, agent_id, app, relay

    def to_person(self, user_id: str, media: Media, content: bytes) -> SentMessage:
        """``media`` 1:1 from the self-built app (from the smart bot's long connection when there is no app);
        raises PlatformError (the upload's refusal included)."""
        if not self.app and self.relay is not None:
            return self._ws_send(user_id, media, content)
        self._need_app("send a picture or file 1:1")
        media_id = self._app_media(media, content)
        data = {"touser": user_id, "agentid": int(self.agent_id), "msgtype": media.kind,
                media.kind: {"media_id": media_id}, "enable_duplicate_check": 1,
                "duplicate_check_interval": DUPLICATE_CHECK_INTERVAL}
        answer = self.client.post("message/send", data)
        if answer.get("invaliduser"):
            log.warning("wecom message/send %s: invalid recipient(s) %s", media.kind, answer["invaliduser"])
        self._caption(media, lambda body: self.client.post("message/send", {
            "touser": user_id, "agentid": int(self.agent_id), **body}))
        return SentMessage(PLATFORM, str(answer.get("msgid", "")))

    def to_group(self, group: Mapping[str, str], media: Media, content: bytes) -> SentMessage:
        """``media`` into a unit's group: its webhook robot, else the app's own chat; raises PlatformError."""
        key, appchat = group.get("wecom_webhook_key"), group.get("wecom_appchat_id")
        if self.relay is not None and group.get("wecom_aibot_chatid"):
            return self._ws_send(group["wecom_aibot_chatid"], media, content)
        if key:
            url = f"{self.client.root}webhook/send?key={quote(key, safe='')}"
            if media.kind == IMAGE and robot_image(content):
                body = {"msgtype": "image", "image": {"base64": base64.b64encode(content).decode(),
                                                      "md5": hashlib.md5(content).hexdigest()}}
            else:
                body = {"msgtype": FILE, FILE: {"media_id": self._robot_media(key, media, content)}}
            self.client.post_url(url, body, "webhook/send")
            self._caption(media, lambda b: self.client.post_url(url, b, "webhook/send"))
            return SentMessage(PLATFORM)
        if appchat:
            self._need_app("send a picture or file into an app chat")
            media_id = self._app_media(media, content)
            self.client.post("appchat/send", {"chatid": appchat, "msgtype": media.kind,
                                              media.kind: {"media_id": media_id}})
            self._caption(media, lambda b: self.client.post("appchat/send", {"chatid": appchat, **b}))
            return SentMessage(PLATFORM)
        reason = ("only a smart-bot chat is configured, and the smart bot in callback mode cannot post "
                  "unprompted: give the unit a webhook robot (groups.wecom.webhook_key)"
                  if group.get("wecom_aibot_chatid") else "the unit has no WeCom group configured")
        raise PlatformError(f"WeCom: cannot send {media.name} to the group: {reason}", retryable=False)

    # --- the smart bot's long connection ---------------------------------------------------------------
    def _ws_send(self, chatid: str, media: Media, content: bytes) -> SentMessage:
        """Upload over the long connection, then ``aibot_send_msg`` the picture or file into ``chatid``."""
        relay = self.relay
        media_id = self._cached(f"aibot:{relay.bot_id}", media, lambda: self._ws_upload(media, content))
        check(SEND_MSG, relay.call(SEND_MSG, {"chatid": chatid, "msgtype": media.kind,
                                              media.kind: {"media_id": media_id}}))
        self._caption(media, lambda body: check(SEND_MSG, relay.call(SEND_MSG, {
            "chatid": chatid, "msgtype": "markdown", "markdown": {"content": body["text"]["content"]}})))
        return SentMessage(PLATFORM)

    def _ws_upload(self, media: Media, content: bytes) -> str:
        """``aibot_upload_media_init`` → ``_chunk`` × n → ``_finish``: the smart bot's media_id."""
        relay = self.relay
        parts = [content[i:i + WS_CHUNK] for i in range(0, len(content), WS_CHUNK)] or [b""]
        init = check(UPLOAD_INIT, relay.call(UPLOAD_INIT, {
            "type": media.kind, "filename": media.name, "total_size": len(content), "total_chunks": len(parts),
            "md5": hashlib.md5(content).hexdigest()}))
        upload_id = str((init.get("body") or {}).get("upload_id") or "")
        if not upload_id:
            raise PlatformError(f"WeCom {UPLOAD_INIT}: ok without an upload_id", retryable=True)
        for index, part in enumerate(parts):
            check(UPLOAD_CHUNK, relay.call(UPLOAD_CHUNK, {"upload_id": upload_id, "chunk_index": index,
                                                          "base64_data": base64.b64encode(part).decode()}))
        done = check(UPLOAD_FINISH, relay.call(UPLOAD_FINISH, {"upload_id": upload_id}))
        media_id = str((done.get("body") or {}).get("media_id") or "")
        if not media_id:
            raise PlatformError(f"WeCom {UPLOAD_FINISH}: ok without a media_id", retryable=True)
        log.info("wecom aibot upload: %s uploaded in %s chunk(s)", media.kind, len(parts))
        return media_id

    # --- uploads ------------------------------------------------------------------------------------
    def _app_media(self, media: Media, content: bytes) -> str:
        """The app's media_id of ``content`` (``media/upload``), from the cache while WeCom keeps it."""
        return self._cached(f"app:{self.client.corp_id}", media, lambda: self._upload(
            "media/upload", {"type": media.kind}, media, content, token=True))

    def _robot_media(self, key: str, media: Media, content: bytes) -> str:
        """The webhook robot's media_id of ``content`` (``webhook/upload_media?type=file``)."""
        scope = "robot:" + hashlib.sha256(key.encode()).hexdigest()[:16]
        return self._cached(scope, media, lambda: self._upload(
            "webhook/upload_media", {"key": key, "type": FILE}, media, content, token=False))

    def _cached(self, scope: str, media: Media, upload: Callable[[], str]) -> str:
        return cached_upload(self.client.redis, PLATFORM, f"{scope}:{media.kind}", media, upload, MEDIA_KEPT)

    def _upload(self, path: str, params: dict[str, str], media: Media, content: bytes, *, token: bool) -> str:
        """POST ``content`` (``WeComClient.upload``); the media_id, or PlatformError (WeCom's errcode)."""
        data = self.client.upload(path, params, media.name, content, media.mime, token=token)
        media_id = str(data.get("media_id") or "")
        if not media_id:
            raise PlatformError(f"WeCom {path}: ok without a media_id", retryable=True)
        log.info("wecom %s: %s uploaded (%s bytes)", path, media.kind, len(content))
        return media_id

    # --- helpers ------------------------------------------------------------------------------------
    @staticmethod
    def _caption(media: Media, send) -> None:
        """The caption as a text message after the picture or file (WeCom's media messages have none)."""
        if media.caption:
            send({"msgtype": "text", "text": {"content": media.caption}})

    def _need_app(self, what: str) -> None:
        if not self.app:
            raise PlatformError(f"WeCom: cannot {what}: the self-built app (WECOM_CORP_ID, WECOM_AGENT_ID, "
                                "WECOM_SECRET) is not configured", retryable=False)

