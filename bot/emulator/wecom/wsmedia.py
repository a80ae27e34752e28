"""The smart bot's media over its long connection (docs/emulator-wecom.md, "Media we upload"):

* ``aibot_upload_media_init`` ``{type, filename, total_size, total_chunks, md5}`` → ack ``body: {upload_id}``;
  types image, voice, video, file with the app's size limits (``uploads.APP_LIMITS``, > 5 bytes), at most
  100 chunks of at most 512 KB;
* ``aibot_upload_media_chunk`` ``{upload_id, chunk_index (0-based), base64_data}``;
* ``aibot_upload_media_finish`` ``{upload_id}`` → ack ``body: {media_id, type, created_at}`` once every chunk
  arrived and the bytes' size and md5 match the init (40058 otherwise); the media is the smart bot's (owner
  ``aibot``), valid 3 days, for ``aibot_send_msg`` ``image``/``file``.

Not in WeCom's public pages (101463 lists "文件消息 / 图片消息" under 主动推送 without the frames): the
frames and the 512 KB / 100-chunk figures are those every SDK and connector we found sends (gaps-addendum
§1.2; ``@wecom/aibot-node-sdk``-compatible clients). Error codes for a broken upload are our assumption.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import threading
from typing import TYPE_CHECKING

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.errcodes import WeComError
from bot.emulator.wecom.uploads import APP_LIMITS, MIN_SIZE, PICTURE_MAGIC, SIZE_CODES

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator

INIT, CHUNK, FINISH = "aibot_upload_media_init", "aibot_upload_media_chunk", "aibot_upload_media_finish"
CHUNK_SIZE = 512 * 1024
MAX_CHUNKS = 100
OWNER = "aibot"


class WsUploads:
    """Uploads in progress over the long connection, by upload_id."""

    def __init__(self, emu: WeComEmulator) -> None:
        self.emu = emu
        self._open: dict[str, dict] = {}
        self._lock = threading.Lock()

    def handle(self, cmd: str, body: dict) -> dict:
        """The ack body of one upload frame; raises WeComError."""
        if cmd == INIT:
            return self._init(body)
        if cmd == CHUNK:
            self._chunk(body)
            return {}
        return self._finish(body)

    def _init(self, body: dict) -> dict:
        kind, size, chunks = body.get("type"), body.get("total_size"), body.get("total_chunks")
        if kind not in APP_LIMITS:
            raise WeComError(errcodes.INVALID_UPLOAD_TYPE, f"type {kind!r}")
        if not isinstance(size, int) or not MIN_SIZE < size <= APP_LIMITS[kind]:
            raise WeComError(SIZE_CODES.get(kind, errcodes.INVALID_FILE_SIZE), f"total_size {size!r}")
        if not isinstance(chunks, int) or not 1 <= chunks <= MAX_CHUNKS or chunks * CHUNK_SIZE < size:
            raise WeComError(errcodes.INVALID_PARAMETER, f"total_chunks {chunks!r}")
        if not isinstance(body.get("md5"), str) or not body.get("filename"):
            raise WeComError(errcodes.INVALID_PARAMETER, "md5 and filename are required")
        upload_id = secrets.token_hex(16)
        with self._lock:
            self._open[upload_id] = {**body, "parts": {}}
        return {"upload_id": upload_id}

    def _chunk(self, body: dict) -> None:
        upload = self._upload(body)
        index = body.get("chunk_index")
        index = int(index) if isinstance(index, (int, str)) and str(index).isdigit() else -1
        if not 0 <= index < upload["total_chunks"]:
            raise WeComError(errcodes.INVALID_PARAMETER, f"chunk_index {body.get('chunk_index')!r}")
        try:
            data = base64.b64decode(str(body.get("base64_data") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise WeComError(errcodes.INVALID_PARAMETER, "base64_data invalid") from None
        if not data or len(data) > CHUNK_SIZE:
            raise WeComError(errcodes.INVALID_PARAMETER, f"a chunk of {len(data)} bytes")
        with self._lock:
            upload["parts"][index] = data

    def _finish(self, body: dict) -> dict:
        upload = self._upload(body)
        with self._lock:
            self._open.pop(str(body.get("upload_id")), None)
        parts = upload["parts"]
        if sorted(parts) != list(range(upload["total_chunks"])):
            raise WeComError(errcodes.INVALID_PARAMETER, "chunks missing")
        data = b"".join(parts[i] for i in range(upload["total_chunks"]))
        if len(data) != upload["total_size"] or hashlib.md5(data).hexdigest() != upload["md5"].lower():
            raise WeComError(errcodes.INVALID_PARAMETER, "size or md5 does not match")
        if upload["type"] == "image" and not data.startswith(PICTURE_MAGIC):
            raise WeComError(errcodes.INVALID_MEDIA_TYPE, "image must be JPG or PNG")
        media = self.emu.media.add(upload["type"], data, str(upload["filename"]), owner=OWNER)
        return {"media_id": media.media_id, "type": media.kind, "created_at": str(int(media.created_at))}

    def _upload(self, body: dict) -> dict:
        with self._lock:
            upload = self._open.get(str(body.get("upload_id") or ""))
        if upload is None:
            raise WeComError(errcodes.INVALID_PARAMETER, "unknown upload_id")
        return upload

    def reset(self) -> None:
        """Forget every upload in progress."""
        with self._lock:
            self._open.clear()
