"""Uploads of temporary media, checked as WeCom checks them (docs/emulator-wecom.md, "Media"):

* ``POST /cgi-bin/media/upload?access_token=&type=image|voice|video|file`` (multipart field ``media``):
  image ≤ 10 MB JPG/PNG, voice ≤ 2 MB, video ≤ 10 MB, file ≤ 20 MB, every file more than 5 bytes
  (上传临时素材, document 90253/90389: "所有文件size必须大于5个字节"); a media_id valid 3 days;
* ``POST /cgi-bin/webhook/upload_media?key=&type=file|voice`` (the group robot's, no token): file 5 B–20 MB,
  voice 5 B–2 MB; its media_id serves that robot's ``file``/``voice`` messages only.

Refusals: 40005 a type the call does not take, 41005 no ``media`` part, 40004 a picture that is not
JPG/PNG (its first bytes), 40009 a picture's size, 40011 a video's, 40006 any other size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.errcodes import WeComError

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage

    from bot.emulator.wecom.emulator import WeComEmulator

MB = 1024 * 1024
APP_LIMITS = {"image": 10 * MB, "voice": 2 * MB, "video": 10 * MB, "file": 20 * MB}
ROBOT_LIMITS = {"file": 20 * MB, "voice": 2 * MB}
MIN_SIZE = 5  # "所有文件size必须大于5个字节"
SIZE_CODES = {"image": errcodes.INVALID_IMAGE_SIZE, "video": errcodes.INVALID_VIDEO_SIZE}
PICTURE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def app_upload(emu: WeComEmulator, kind: str | None, part: FileStorage | None) -> dict:
    """``media/upload``: store the part and answer its media_id; raises WeComError."""
    return _upload(emu, kind, part, APP_LIMITS, "app")


def robot_upload(emu: WeComEmulator, key: str | None, kind: str | None, part: FileStorage | None) -> dict:
    """``webhook/upload_media``: 93000 for an unknown key, else as :func:`app_upload` with the robot's limits."""
    if not key or key not in emu.directory.wecom_hooks:
        raise WeComError(errcodes.INVALID_WEBHOOK)
    return _upload(emu, kind, part, ROBOT_LIMITS, f"robot:{key}")


def _upload(emu: WeComEmulator, kind: str | None, part: FileStorage | None, limits: dict[str, int],
            owner: str) -> dict:
    if kind not in limits:
        raise WeComError(errcodes.INVALID_UPLOAD_TYPE, f"type {kind!r} not supported here")
    if part is None:
        raise WeComError(errcodes.MISSING_MEDIA_DATA)
    data = part.read()
    if not MIN_SIZE < len(data) <= limits[kind]:
        raise WeComError(SIZE_CODES.get(kind, errcodes.INVALID_FILE_SIZE), f"{len(data)} bytes")
    if kind == "image" and not data.startswith(PICTURE_MAGIC):
        raise WeComError(errcodes.INVALID_MEDIA_TYPE, "image must be JPG or PNG")
    media = emu.media.add(kind, data, part.filename or "", part.mimetype or "", owner=owner)
    return {"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media.media_id,
            "created_at": str(int(media.created_at))}
