"""WeCom callback security: the timestamp window, ``msg_signature`` and decryption.

The cryptography itself is wechatpy's (``wechatpy.enterprise.crypto.WeChatCrypto``, WeCom's
documented AES-256-CBC scheme); this module adds what wechatpy leaves out: the 5-minute
timestamp window, a constant-time signature check before anything is decrypted, and the mapping
of every failure onto the project's errors — ``SignatureError`` (403) for what is not authentic
(signature, ReceiveId/CorpID, stale or future timestamp), ``PayloadError`` (400) for ciphertext
that is signed correctly but does not decrypt.
"""

from __future__ import annotations

import hmac
import struct
import time
from typing import Callable, Mapping

from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.utils import WeChatSigner

from bot.core.errors import ConfigError, PayloadError, SignatureError

WINDOW_SECONDS = 300  # WeCom's callbacks are refused outside ±5 minutes of our clock


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """``msg_signature``: sha1 of the lexically sorted token, timestamp, nonce and ciphertext."""
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce, encrypt)
    return signer.signature


class CallbackCrypto:
    """Checks and opens the callbacks of one receiver: the self-built app (ReceiveId = CorpID)
    or the smart bot (ReceiveId = ""). ``now`` returns epoch seconds (injected by tests)."""

    def __init__(self, token: str, aes_key: str, receive_id: str, now: Callable[[], float] = time.time) -> None:
        if len(aes_key or "") != 43:
            raise ConfigError("a WeCom EncodingAESKey must be exactly 43 characters")
        self.token = token
        self.receive_id = receive_id
        self.now = now
        self._crypto = WeChatCrypto(token, aes_key, receive_id)

    def query(self, args: Mapping[str, str], *names: str) -> list[str]:
        """The query parameters ``names``; raises SignatureError when one is missing."""
        values = [args.get(name, "") for name in names]
        missing = [n for n, v in zip(names, values) if not v]
        if missing:
            raise SignatureError(f"missing query parameter(s): {', '.join(missing)}")
        return values

    def check_time(self, timestamp: str) -> None:
        """Refuse a timestamp outside the window; raises SignatureError."""
        try:
            sent = int(timestamp)
        except ValueError:
            raise SignatureError("timestamp is not an integer") from None
        if abs(self.now() - sent) > WINDOW_SECONDS:
            raise SignatureError(f"timestamp outside the {WINDOW_SECONDS} s window")

    def check_signature(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        """Constant-time check of ``msg_signature``; raises SignatureError."""
        expected = signature(self.token, timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected, msg_signature.lower()):
            raise SignatureError("msg_signature does not match")

    def open(self, args: Mapping[str, str], encrypt: str) -> str:
        """Window, signature, then decrypt ``encrypt``; returns the plaintext.

        Raises SignatureError (not authentic) or PayloadError (signed, but not a ciphertext).
        """
        msg_signature, timestamp, nonce = self.query(args, "msg_signature", "timestamp", "nonce")
        self.check_time(timestamp)
        self.check_signature(msg_signature, timestamp, nonce, encrypt)
        try:
            return self._crypto.decrypt_message({"Encrypt": encrypt}, msg_signature.lower(), timestamp, nonce)
        except InvalidSignatureException:
            raise SignatureError("msg_signature does not match") from None
        except InvalidCorpIdException:
            raise SignatureError("ciphertext is addressed to another ReceiveId (CorpID)") from None
        except (ValueError, struct.error, IndexError, UnicodeError) as exc:
            raise PayloadError(f"ciphertext does not decrypt: {type(exc).__name__}") from None

    def verify_url(self, args: Mapping[str, str]) -> str:
        """URL verification (GET): the plaintext of ``echostr`` after every check."""
        (echostr,) = self.query(args, "echostr")
        return self.open(args, echostr)
