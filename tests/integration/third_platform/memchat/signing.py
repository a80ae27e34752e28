"""memchat's callback signature: hex HMAC-SHA256 of ``"<timestamp>\\n<body>"`` with the shared secret."""

from __future__ import annotations

import hashlib
import hmac
import time

from bot.core.errors import SignatureError

WINDOW = 300  # seconds


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature of ``body`` sent at ``timestamp`` (seconds, as text)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, signature: str, body: bytes, now: float | None = None) -> None:
    """Raises SignatureError unless ``signature`` is ``body``'s, sent within the window."""
    try:
        sent = int(timestamp)
    except ValueError:
        raise SignatureError("memchat timestamp is not a number") from None
    if abs((time.time() if now is None else now) - sent) > WINDOW:
        raise SignatureError("memchat timestamp outside the window")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature or ""):
        raise SignatureError("memchat signature does not match")
