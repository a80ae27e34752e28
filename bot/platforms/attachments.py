"""Pictures and files people send: the normalised attachment, and the signed link
that opens it later (served by ``bot.files_route``); for those the bot sends, their signed link
(:func:`blob_link`) and the platforms' media_ids kept by SHA-256 (:func:`cached_upload`).

An attachment is plain JSON kept on the event and, once a report is submitted, on its timeline entry:

    {"kind": "image"|"file"|"voice"|"video", "name": "现场.jpg", "platform": "wecom"|"dingtalk",
     "media_id": "<WeCom MediaId>", "code": "<DingTalk downloadCode>", "url": "<WeCom PicUrl>",
     "received_at": "<ISO time>", "open": "<PUBLIC_BASE_URL>/files/<token>"}

Neither platform hands us the bytes: WeCom gives a MediaId (``media/get``, valid 3 days) and, for a
picture, a PicUrl; DingTalk gives a downloadCode that its robot API turns into a short-lived
downloadUrl. The ``open`` link is ours and lasts: it is resolved only when someone opens it, so a
short-lived URL is always fresh. Its token is an HMAC of the attachment's reference with a key derived
from the platform's own secret (no new setting), and it carries the time after which the platform no
longer keeps the media.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any, Callable, Iterable, Mapping

from bot.core import keys

# How long each platform keeps what a person sent: WeCom's MediaId is valid 3 days (official); DingTalk
# documents no lifetime for a downloadCode (we take 7 days, a guess; the platform's answer decides).
KEPT = {"wecom": timedelta(days=3), "dingtalk": timedelta(days=7)}
SECRET_OF = {"wecom": "WECOM_SECRET", "dingtalk": "DINGTALK_APP_SECRET"}
# What the desk is told of a platform's documented lifetime beside the links (DingTalk documents none)
KEPT_NOTE = {"wecom": "企业微信的附件保存 3 天"}
# Why a link whose time is over no longer opens (the page ``/files/<token>`` shows)
GONE_NOTE = {"wecom": "企业微信只保存 3 天", "dingtalk": "钉钉已不再保留该文件"}
# How long a link to a picture or file the bot sent (``blob_link``) opens: a week of scrolling back in a chat
OUT_KEPT = timedelta(days=7)
# Who opens a platform's attachment for ``/files/<token>`` (imported only when a link is opened)
OPENERS = {"wecom": "bot.platforms.wecom.files:open_attachment",
           "dingtalk": "bot.platforms.dingtalk.files:open_attachment"}


@dataclass(frozen=True)
class Opened:
    """How ``/files/<token>`` hands an attachment over: a 302 to ``url``; or ``body`` (bytes in chunks)
    with ``headers``; or, when it cannot be opened, a short ``page`` text with ``status``."""

    url: str = ""
    body: Iterable[bytes] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    page: str = ""
    status: int = 200


def open_attachment(config: Mapping[str, str], channels: frozenset[str], redis: Any, ref: Mapping[str, Any]) -> Opened:
    """Resolve the reference of a token (:func:`read_token`) on its platform; raises PlatformError."""
    module, _, name = OPENERS[str(ref["p"])].partition(":")
    return getattr(import_module(module), name)(config, channels, redis, ref)


def attachment(platform: str, kind: str, received_at: str, *, name: str = "", media_id: str = "", code: str = "",
               url: str = "") -> dict[str, Any]:
    """A normalised attachment (``open`` is added by :func:`with_link`); ``kept_note`` says how long the
    platform keeps it, where it says so."""
    return {"kind": kind, "name": name, "platform": platform, "media_id": media_id, "code": code, "url": url,
            "received_at": received_at, "kept_note": KEPT_NOTE.get(platform, "")}


# --- signed links ---------------------------------------------------------------------------------------
def _key(config: Mapping[str, str], platform: str) -> bytes:
    secret = config.get(SECRET_OF.get(platform, ""), "")
    return hashlib.sha256(f"yuqing-files|{platform}|{secret}".encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token(config: Mapping[str, str], item: Mapping[str, Any]) -> str:
    """The signed token of ``item``'s reference (platform, kind, name, ids, and until when it is kept)."""
    platform = str(item.get("platform", ""))
    received = datetime.fromisoformat(str(item["received_at"]))
    until = int((received + KEPT.get(platform, timedelta(days=3))).timestamp())
    ref = {"p": platform, "k": item.get("kind", ""), "n": item.get("name", ""), "m": item.get("media_id", ""),
           "c": item.get("code", ""), "u": item.get("url", ""), "t": until}
    return _signed(config, platform, ref)


def _signed(config: Mapping[str, str], platform: str, ref: Mapping[str, Any]) -> str:
    body = _b64(json.dumps(ref, ensure_ascii=False, separators=(",", ":")).encode())
    sig = _b64(hmac.new(_key(config, platform), body.encode(), hashlib.sha256).digest()[:18])
    return f"{body}.{sig}"


def blob_link(config: Mapping[str, str], platform: str, media: Any, now: datetime) -> str:
    """The signed ``/files/<token>`` link of a picture or file the bot sends (``bot.core.media.Media``: its
    ``outbound_blobs`` row ``b`` and the start of its SHA-256 ``h``), open for :data:`OUT_KEPT` from ``now`` —
    how a platform shows a picture by URL (DingTalk's markdown) or hands over a file it will not carry."""
    ref = {"p": platform, "k": media.kind, "n": media.name, "b": media.blob, "h": media.sha256[:16],
           "t": int((now + OUT_KEPT).timestamp())}
    base = (config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/files/{_signed(config, platform, ref)}"


def cached_upload(redis: Any, platform: str, scope: str, media: Any, upload: Callable[[], str], kept: int) -> str:
    """The platform's media_id of ``media``'s bytes (a ``bot.core.media.Media``) uploaded to ``scope`` (an app,
    a robot): from Redis by their SHA-256 while we keep it (``kept`` seconds), else ``upload()``'s, then kept —
    so a retried send names the same media and uploads nothing twice. Raises what ``upload`` raises."""
    name = keys.media_upload(platform, scope, media.sha256 or "-")
    cached = redis.get(name) if redis is not None and media.sha256 else None
    if cached:
        return cached.decode()
    media_id = upload()
    if redis is not None and media.sha256:
        redis.set(name, media_id, ex=kept)
    return media_id


def read_token(config: Mapping[str, str], value: str) -> dict[str, Any] | None:
    """The reference a token names, or None when it is not one of ours (forged, altered, malformed)."""
    body, _, sig = value.partition(".")
    try:
        ref = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(ref, dict) or ref.get("p") not in SECRET_OF:
        return None
    expected = _b64(hmac.new(_key(config, ref["p"]), body.encode(), hashlib.sha256).digest()[:18])
    return ref if hmac.compare_digest(expected, sig) else None


def with_link(config: Mapping[str, str], item: dict[str, Any]) -> dict[str, Any]:
    """``item`` with its ``open`` link under PUBLIC_BASE_URL."""
    base = (config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    return {**item, "open": f"{base}/files/{token(config, item)}"}
