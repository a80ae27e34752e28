"""Signatures DingTalk puts on what it sends, and the event-subscription envelope crypto.

Owns: the robot callback ``sign`` header, the card callback ``x-ddpaas-signature`` header,
and the AES/SHA-1 envelope of encrypted event subscriptions (``check_url`` and events).
Written from DingTalk's documentation, not from the bot's adapter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = ["robot_sign", "card_signature", "EventCrypto", "CryptoError"]


def robot_sign(timestamp_ms: str, app_secret: str) -> str:
    """``Base64(HmacSHA256(app_secret, timestamp + "\\n" + app_secret))``, not URL-encoded."""
    msg = f"{timestamp_ms}\n{app_secret}".encode()
    return base64.b64encode(hmac.new(app_secret.encode(), msg, hashlib.sha256).digest()).decode()


def card_signature(api_secret: str, timestamp_ms: str) -> str:
    """``Base64(HmacSHA256(api_secret, str(timestamp)))`` for the ``x-ddpaas-signature`` header."""
    mac = hmac.new(api_secret.encode(), str(timestamp_ms).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


class CryptoError(Exception):
    """An encrypted envelope does not decrypt, or its owner key or signature does not match."""


class EventCrypto:
    """The event subscription envelope: AES-256-CBC with PKCS#7 over 32-byte blocks.

    ``owner_key`` is the AppKey for app-level subscriptions set in the developer console.
    """

    def __init__(self, token: str, aes_key: str, owner_key: str) -> None:
        if len(aes_key) != 43:
            raise CryptoError("aes_key must be 43 characters")
        self.token = token
        self.key = base64.b64decode(aes_key + "=")
        self.owner_key = owner_key

    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        """SHA-1 hex of the sorted concatenation of token, timestamp, nonce and ciphertext."""
        parts = sorted([self.token, str(timestamp), str(nonce), encrypt])
        return hashlib.sha1("".join(parts).encode()).hexdigest()

    def encrypt(self, plaintext: str) -> str:
        """Base64 ciphertext of ``random16 ‖ htonl(len) ‖ msg ‖ owner_key``."""
        msg = plaintext.encode()
        raw = os.urandom(16) + struct.pack(">I", len(msg)) + msg + self.owner_key.encode()
        pad = 32 - len(raw) % 32
        raw += bytes([pad]) * pad
        enc = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(enc.update(raw) + enc.finalize()).decode()

    def decrypt(self, encrypt: str) -> str:
        """The plaintext of an envelope; raises CryptoError when it is not ours."""
        try:
            dec = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
            raw = dec.update(base64.b64decode(encrypt)) + dec.finalize()
        except (ValueError, TypeError) as exc:
            raise CryptoError(f"cannot decrypt: {exc}") from exc
        pad = raw[-1] if raw else 0
        if not 1 <= pad <= 32:
            raise CryptoError("bad padding")
        raw = raw[:-pad]
        (length,) = struct.unpack(">I", raw[16:20])
        msg, owner = raw[20:20 + length], raw[20 + length:]
        if owner.decode(errors="replace") != self.owner_key:
            raise CryptoError("owner key does not match")
        return msg.decode()

    def envelope(self, payload: dict, timestamp: str, nonce: str) -> tuple[dict, str]:
        """The request body ``{"encrypt": …}`` and its signature for a JSON payload."""
        encrypt = self.encrypt(json.dumps(payload, ensure_ascii=False))
        return {"encrypt": encrypt}, self.signature(timestamp, nonce, encrypt)

    def open_reply(self, reply: dict) -> str:
        """Verify and decrypt the bot's reply ``{msg_signature, timeStamp, nonce, encrypt}``."""
        try:
            encrypt, ts, nonce, sig = (reply["encrypt"], reply["timeStamp"], reply["nonce"],
                                       reply["msg_signature"])
        except (KeyError, TypeError) as exc:
            raise CryptoError(f"reply lacks {exc}") from exc
        if not hmac.compare_digest(self.signature(ts, nonce, encrypt), str(sig)):
            raise CryptoError("reply signature does not match")
        return self.decrypt(encrypt)
