"""Signatures DingTalk puts on what it sends us, checked in constant time.

Owns: the robot callback's ``timestamp``/``sign`` headers (HMAC-SHA256 keyed with the app secret
over ``timestamp + "\\n" + secret``, plain Base64) and the card callback's
``x-ddpaas-signature-timestamp``/``x-ddpaas-signature`` headers (HMAC-SHA256 keyed with the
route's ``apiSecret`` over the timestamp). Both carry milliseconds since the epoch and are
refused outside ``WINDOW_MS`` of our clock (1 hour, as DingTalk documents for the robot).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Mapping

from bot.core.errors import SignatureError

__all__ = ["WINDOW_MS", "robot_sign", "card_sign", "verify_robot", "verify_card", "now_ms"]

WINDOW_MS = 3600_000


def now_ms() -> int:
    """The current time in milliseconds since the epoch."""
    return int(time.time() * 1000)


def _hmac_b64(key: str, msg: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), msg.encode(), hashlib.sha256).digest()).decode()


def robot_sign(timestamp: str, app_secret: str) -> str:
    """``Base64(HmacSHA256(app_secret, timestamp + "\\n" + app_secret))`` (not URL-encoded)."""
    return _hmac_b64(app_secret, f"{timestamp}\n{app_secret}")


def card_sign(timestamp: str, api_secret: str) -> str:
    """``Base64(HmacSHA256(api_secret, timestamp))`` of a card callback."""
    return _hmac_b64(api_secret, str(timestamp))


def _check_time(timestamp: str, now: int, window_ms: int) -> None:
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        raise SignatureError("timestamp is missing or not a number") from None
    if abs(now - ts) > window_ms:
        raise SignatureError(f"timestamp {ts} is {abs(now - ts) // 1000} s away from now (window {window_ms // 1000} s)")


def verify_robot(headers: Mapping[str, str], app_secret: str, now: int | None = None,
                 window_ms: int = WINDOW_MS) -> str:
    """Check a robot callback's headers (lower-case names); returns the timestamp.

    Raises SignatureError for a missing, stale or wrong signature.
    """
    timestamp, sign = headers.get("timestamp", ""), headers.get("sign", "")
    _check_time(timestamp, now_ms() if now is None else now, window_ms)
    if not sign or not hmac.compare_digest(sign.encode(), robot_sign(timestamp, app_secret).encode()):
        raise SignatureError("robot sign does not match the app secret")
    return timestamp


def verify_card(headers: Mapping[str, str], api_secret: str, now: int | None = None,
                window_ms: int = WINDOW_MS) -> str:
    """Check a card callback's ``x-ddpaas-*`` headers (lower-case names); returns the timestamp.

    Raises SignatureError for a missing, stale or wrong signature.
    """
    timestamp = headers.get("x-ddpaas-signature-timestamp", "")
    sign = headers.get("x-ddpaas-signature", "")
    _check_time(timestamp, now_ms() if now is None else now, window_ms)
    if not sign or not hmac.compare_digest(sign.encode(), card_sign(timestamp, api_secret).encode()):
        raise SignatureError("card callback signature does not match DINGTALK_CARD_CALLBACK_SECRET")
    return timestamp
