"""Pictures and files the bot sends on DingTalk (``bot.core.media``); docs/platform-dingtalk.md, "Pictures
and files".

* A picture — the robot's markdown (``sampleMarkdown``) showing ``![name](url)``, where ``url`` is our own
  signed ``/files/<token>`` link to the stored bytes (``bot.platforms.attachments.blob_link``, open 7 days):
  the reader's client loads it from ``PUBLIC_BASE_URL``, so that address must be reachable from phones.
* A file DingTalk's ``/media/upload`` takes (doc, docx, xls, xlsx, ppt, pptx, zip, pdf, rar; ≤ 20 MB read as
  20,000,000 bytes, so that either reading of "MB" takes it) —
  uploaded (``type=file``), then the robot's ``sampleFile`` message ``{mediaId, fileName, fileType}``.
* Any other file (``.md``, ``.json``, ``.csv``, ``.png`` as a file …, or a larger one) — markdown with a
  signed download link.

1:1 through ``oToMessages/batchSend``, into a group through ``groupMessages/send``. A media_id is kept in
Redis by the bytes' SHA-256, so a retry does not upload twice.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from bot.core.errors import PlatformError
from bot.core.media import IMAGE, Media
from bot.platforms.attachments import OUT_KEPT, blob_link, cached_upload
from bot.platforms.base import SentMessage
from bot.platforms.dingtalk.client import DingTalkClient

__all__ = ["DingTalkMedia", "FILE_TYPES"]

log = logging.getLogger(__name__)

PLATFORM = "dingtalk"
# /media/upload type=file: "Maximum size is 20 MB. Supported formats: doc, docx, xls, xlsx, ppt, pptx, zip, pdf, rar"
FILE_TYPES = frozenset({"doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "pdf", "rar"})
FILE_LIMIT = 20_000_000  # "20 MB" read the smaller way (10^6): a file DingTalk might refuse goes as a link
MEDIA_KEPT = 7 * 24 * 3600  # DingTalk documents no lifetime for a media_id ("reusable"); we reuse ours a week


def _markdown(title: str, text: str) -> dict[str, str]:
    return {"title": title[:60] or "文件", "text": text}


class DingTalkMedia:
    """Media messages from one robot (``robot_code``) through ``client``; links signed with ``config``."""

    def __init__(self, client: DingTalkClient, robot_code: str, config: Mapping[str, str], redis: Any) -> None:
        self.client, self.robot_code, self.config, self.redis = client, robot_code, config, redis

    def to_person(self, user_id: str, media: Media, content: bytes) -> SentMessage:
        """``media`` 1:1 from the robot; raises PlatformError (nobody reached, or the upload refused)."""
        def send(msg_key: str, param: dict) -> dict:
            body = {"robotCode": self.robot_code, "userIds": [user_id], "msgKey": msg_key,
                    "msgParam": json.dumps(param, ensure_ascii=False)}
            data = self.client.api("POST", "/v1.0/robot/oToMessages/batchSend", body)
            if user_id in (data.get("invalidStaffIdList") or []) + (data.get("flowControlledStaffIdList") or []):
                raise PlatformError(f"DingTalk did not deliver {media.name} to {user_id}",
                                    retryable=user_id in (data.get("flowControlledStaffIdList") or []))
            return data
        return self._send(media, content, send)

    def to_group(self, group: Mapping[str, str], media: Media, content: bytes) -> SentMessage:
        """``media`` into a unit's group (``dingtalk_open_conversation_id``); raises PlatformError."""
        cid = group.get("dingtalk_open_conversation_id") or group.get("open_conversation_id") or ""
        if not cid:
            raise PlatformError("this unit has no DingTalk group (dingtalk.open_conversation_id in the org file)",
                                retryable=False)

        def send(msg_key: str, param: dict) -> dict:
            body = {"robotCode": self.robot_code, "openConversationId": cid, "msgKey": msg_key,
                    "msgParam": json.dumps(param, ensure_ascii=False)}
            return self.client.api("POST", "/v1.0/robot/groupMessages/send", body)
        return self._send(media, content, send)

    # --- one picture or file ------------------------------------------------------------------------
    def _send(self, media: Media, content: bytes, send: Callable[[str, dict], dict]) -> SentMessage:
        link = blob_link(self.config, PLATFORM, media, datetime.now(timezone.utc))
        caption = f"\n\n{media.caption}" if media.caption else ""
        if media.kind == IMAGE:
            data = send("sampleMarkdown", _markdown(media.caption or media.name,
                                                    f"![{media.name}]({link}){caption}"))
        elif media.extension in FILE_TYPES and len(content) <= FILE_LIMIT:
            media_id = self._upload(media, content)
            data = send("sampleFile", {"mediaId": media_id, "fileName": media.name, "fileType": media.extension})
            if media.caption:
                send("sampleMarkdown", _markdown(media.name, media.caption))
        else:
            days = OUT_KEPT.days
            data = send("sampleMarkdown", _markdown(media.name, f"文件：[{media.name}]({link})（{days} 天内可下载）"
                                                                f"{caption}"))
        return SentMessage(PLATFORM, str(data.get("processQueryKey", "")))

    def _upload(self, media: Media, content: bytes) -> str:
        """DingTalk's media_id of ``content`` (``/media/upload?type=file``), from the cache when we have it."""
        def upload() -> str:
            data = self.client.oapi_upload("/media/upload", {"type": "file"}, media.name, content, media.mime)
            media_id = str(data.get("media_id") or "")
            if not media_id:
                raise PlatformError("DingTalk /media/upload answered without a media_id", retryable=True)
            log.info("dingtalk /media/upload: %s uploaded (%s bytes)", media.extension, len(content))
            return media_id
        return cached_upload(self.redis, PLATFORM, f"{self.client.app_key}:file", media, upload, MEDIA_KEPT)
