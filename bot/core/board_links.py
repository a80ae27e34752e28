"""The board's expiring download link of a case's archive file (issue 24): what the chat answers 导出 YQ-… with
where no file can go 1:1 (``handlers/export_case.py``, ``worker/export_jobs.py``), and what the board's
``GET /board/cases/<number>/download`` checks (``bot/board/download.py``; docs/board.md).

    {PUBLIC_BASE_URL}/board/cases/{number}/download?t=<payload>.<mac>

``payload`` is base64url (unpadded) of the JSON ``{"n": number, "e": expiry}`` (Unix seconds, 24 hours after it was
made); ``mac`` is base64url of the first 18 bytes of HMAC-SHA256 under ``BOARD_SECRET_KEY`` over ``LABEL + payload``
(the label keeps it from ever passing for the board's session or CSRF MACs under the same key). The link is no
credential: the board still asks for sign-in and who may export; it only says which case, and until when.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime, timedelta

__all__ = ["EXPIRED", "FORGED", "LIFETIME", "OTHER_CASE", "export_link", "read_export_link"]

LIFETIME = timedelta(hours=24)
LABEL = b"yq-export-link:"
MAC_BYTES = 18
PATH = "/board/cases/{number}/download"
FORGED, EXPIRED, OTHER_CASE = "forged", "expired", "other_case"  # read_export_link's reasons


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    """Raises ValueError (binascii.Error is one) on what is not base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str) -> str:
    return _b64(hmac.new(secret.encode(), LABEL + payload.encode("ascii"), hashlib.sha256).digest()[:MAC_BYTES])


def _token(secret: str, number: str, now: datetime) -> str:
    expiry = int((now + LIFETIME).timestamp())
    payload = _b64(json.dumps({"n": number, "e": expiry}, separators=(",", ":")).encode())
    return f"{payload}.{_mac(secret, payload)}"


def export_link(base_url: str, secret: str, number: str, now: datetime) -> str:
    """The download link of case ``number``'s file, valid 24 hours from ``now`` (tz-aware); raises ValueError
    when ``secret`` is empty (the board is off: there is nothing to link to)."""
    if not secret:
        raise ValueError("an export link needs BOARD_SECRET_KEY")
    return f"{base_url.rstrip('/')}{PATH.format(number=number)}?t={_token(secret, number, now)}"


def read_export_link(secret: str, number: str, token: str, now: datetime) -> str | None:
    """None when ``token`` is a link of case ``number`` still valid at ``now``; else why not: FORGED (not ours,
    altered or unreadable), OTHER_CASE (ours, for another case) or EXPIRED (ours, for this case, too old)."""
    payload, dot, mac = (token or "").partition(".")
    if not secret or not dot or not payload.isascii() or not mac.isascii():
        return FORGED
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return FORGED
    try:
        data = json.loads(_unb64(payload))
    except (ValueError, binascii.Error):
        return FORGED
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or type(data.get("e")) is not int:
        return FORGED
    if data["n"].strip().upper() != number.strip().upper():
        return OTHER_CASE
    if data["e"] <= now.timestamp():
        return EXPIRED
    return None
