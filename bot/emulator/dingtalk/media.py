"""Media the bot uploads (``POST oapi /media/upload?access_token=&type=``, multipart field ``media``) and the
robot's messages that name it (docs/emulator-dingtalk.md, "Media").

Limits as the upload page states them: image ≤ 20 MB jpg/gif/png/bmp; voice ≤ 2 MB amr/mp3/wav; video
≤ 20 MB mp4; file ≤ 20 MB doc/docx/xls/xlsx/ppt/pptx/zip/pdf/rar — by the file name's extension. Whether a
"MB" is 2^20 or 10^6 bytes is not said: ``megabyte`` (default 2^20; ``MILLION`` the other reading).
Refusals (old-API errors, HTTP 200 + errcode, from DingTalk's global error table): 40005 an unknown
``type``, 41005 no ``media`` part, 40004 a format the type does not take, 40006 an empty or too large
file. A media_id is reusable and, as DingTalk documents no lifetime, kept until the emulator is reset.
A robot ``sampleFile``/``sampleImageMsg``/``sampleAudio`` naming an unknown mediaId is refused with 400
``invalidParameter.mediaId.invalid`` — the emulator's assumption: DingTalk documents no code for it.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Callable, Iterable

from flask import jsonify, request

from bot.emulator.dingtalk import gate
from bot.emulator.dingtalk.errors import ApiError, OapiError

__all__ = ["MediaBook", "upload"]

MIB, MILLION = 1024 * 1024, 1_000_000  # what "MB" means is not said: a switch (``MediaBook.megabyte``)
LIMITS = {"image": (20, {"jpg", "jpeg", "gif", "png", "bmp"}), "voice": (2, {"amr", "mp3", "wav"}),
          "video": (20, {"mp4"}), "file": (20, {"doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "pdf", "rar"})}
NAMED = {"sampleFile": "mediaId", "sampleAudio": "mediaId"}


@dataclass(frozen=True)
class Upload:
    """One uploaded media."""

    media_id: str
    kind: str
    name: str
    data: bytes
    at: float


class MediaBook:
    """The app's uploaded media, by media_id."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now
        self.megabyte = MIB  # the upload page's "20 MB" read as 20 × 2^20 bytes; MILLION: 20 × 10^6
        self._items: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def add(self, kind: str, name: str, data: bytes) -> Upload:
        """Keep ``data`` under a fresh media_id (DingTalk's start with ``@``)."""
        item = Upload("@lA" + secrets.token_urlsafe(24), kind, name, data, self.now())
        with self._lock:
            self._items[item.media_id] = item
        return item

    def get(self, media_id: str | None) -> Upload | None:
        """The media, or None when unknown."""
        return self._items.get(media_id or "")

    def check_param(self, msg_key: str, param: dict) -> None:
        """Refuse a robot message whose ``mediaId`` we never issued (ApiError 400)."""
        field = NAMED.get(msg_key)
        if field and self.get(param.get(field)) is None:
            raise ApiError(400, "invalidParameter.mediaId.invalid", "mediaId无效")

    def received(self, messages: Iterable) -> list[tuple[str, str, bytes]]:
        """(msgKey, file name, bytes) of every uploaded media among recorded robot ``messages``."""
        out = []
        for message in messages:
            field = NAMED.get(message.msgtype)
            item = self.get(message.content.get(field)) if field else None
            if item is not None:
                out.append((message.msgtype, str(message.content.get("fileName") or item.name), item.data))
        return out

    def clear(self) -> None:
        """Forget every media; the reading of "MB" back to 2^20 bytes."""
        self.megabyte = MIB
        with self._lock:
            self._items.clear()


def upload(emu):
    """``POST /media/upload?access_token=&type=``: keep the file, answer its media_id; OapiError otherwise."""
    gate.check_oapi_token(emu)
    kind = request.args.get("type") or request.form.get("type") or ""
    if kind not in LIMITS:
        raise OapiError(40005, "不合法的文件类型")
    part = request.files.get("media")
    if part is None:
        raise OapiError(41005, "缺少多媒体文件数据")
    data, name = part.read(), part.filename or ""
    megabytes, formats = LIMITS[kind]
    limit = megabytes * emu.media.megabyte
    if name.rpartition(".")[2].lower() not in formats or "." not in name:
        raise OapiError(40004, "不合法的媒体文件类型")
    if not 0 < len(data) <= limit:
        raise OapiError(40006, "不合法的文件大小")
    item = emu.media.add(kind, name, data)
    return jsonify(errcode=0, errmsg="ok", type=kind, media_id=item.media_id, created_at=int(item.at * 1000))
