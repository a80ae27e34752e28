"""Temporary media (临时素材) that people send to the app: stored when they send a picture, voice or
video, served by ``GET /cgi-bin/media/get`` (with the app's token) for 3 days of the emulator's clock,
then **40007 invalid media_id** as WeCom answers; a picture's PicUrl is served without a token.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.clock import EmulatorClock
from bot.emulator.wecom.errcodes import WeComError

MEDIA_TTL = 3 * 24 * 3600  # "MediaId ... 仅三天内有效"
TYPES = {"image": "image/jpeg", "voice": "audio/amr", "video": "video/mp4", "file": "application/octet-stream"}


@dataclass(frozen=True)
class Media:
    """One stored temporary media."""

    media_id: str
    kind: str
    data: bytes
    content_type: str
    name: str
    created_at: float
    owner: str = "app"  # "app" (media/upload, or what people sent) or "robot:<key>" (webhook/upload_media)


class MediaStore:
    """The corp's temporary media, by media_id."""

    def __init__(self, clock: EmulatorClock) -> None:
        self.clock = clock
        self._items: dict[str, Media] = {}
        self._lock = threading.Lock()

    def add(self, kind: str, data: bytes, name: str = "", content_type: str = "", owner: str = "app") -> Media:
        """Store ``data`` and give it a fresh media_id (WeCom's ids are opaque, ~64 characters)."""
        media = Media("3" + secrets.token_urlsafe(48), kind, data, content_type or TYPES.get(kind, TYPES["file"]),
                      name or f"{kind}.{(content_type or TYPES.get(kind, '')).rpartition('/')[2] or 'bin'}",
                      self.clock.now(), owner)
        with self._lock:
            self._items[media.media_id] = media
        return media

    def get(self, media_id: str | None) -> Media:
        """The media, or WeComError 40007 when unknown or older than 3 days."""
        if not media_id:
            raise WeComError(errcodes.MISSING_MEDIA_ID)
        media = self._items.get(media_id)
        if media is None or self.clock.now() >= media.created_at + MEDIA_TTL:
            raise WeComError(errcodes.INVALID_MEDIA_ID)
        return media

    def reset(self) -> None:
        """Forget every media."""
        with self._lock:
            self._items.clear()
