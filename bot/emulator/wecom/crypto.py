"""WeCom's callback cryptography, written from the platform's description (document 91144).

AES-256-CBC with key = base64(EncodingAESKey + "="), IV = key[:16], PKCS#7 padding to a
multiple of 32 bytes; plaintext = random(16) + msg_len(4, network order) + msg + ReceiveId;
``msg_signature`` = sha1 over the lexically sorted [token, timestamp, nonce, encrypt].
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class CryptoError(ValueError):
    """A ciphertext that does not decrypt, or names another ReceiveId."""


def sign(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """The ``msg_signature`` WeCom puts on a callback."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode()).hexdigest()


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of a 43-character EncodingAESKey; raises CryptoError otherwise."""
    if len(encoding_aes_key) != 43:
        raise CryptoError("EncodingAESKey must be 43 characters")
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise CryptoError("EncodingAESKey does not decode to 32 bytes")
    return key


class CallbackCipher:
    """Encrypts and decrypts for one receiver: a self-built app (CorpID) or the smart bot ("")."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token = token
        self.key = aes_key(encoding_aes_key)
        self.receive_id = receive_id

    def sign(self, timestamp: str, nonce: str, encrypt: str) -> str:
        """``msg_signature`` with this receiver's token."""
        return sign(self.token, timestamp, nonce, encrypt)

    def encrypt(self, message: str, random16: bytes | None = None) -> str:
        """Base64 ciphertext of ``message`` addressed to this receiver."""
        body = message.encode()
        raw = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.receive_id.encode()
        pad = BLOCK - len(raw) % BLOCK
        raw += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(encryptor.update(raw) + encryptor.finalize()).decode()

    def decrypt(self, encrypt: str) -> str:
        """The message inside ``encrypt``; raises CryptoError if malformed or for another receiver."""
        try:
            data = base64.b64decode(encrypt, validate=True)
            decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
            raw = decryptor.update(data) + decryptor.finalize()
        except ValueError as exc:
            raise CryptoError(f"cannot decrypt: {exc}") from exc
        pad = raw[-1] if raw else 0
        if not 1 <= pad <= BLOCK or raw[-pad:] != bytes([pad]) * pad:
            raise CryptoError("bad padding")
        raw = raw[:-pad]
        (length,) = struct.unpack(">I", raw[16:20])
        message, receive_id = raw[20:20 + length], raw[20 + length:]
        if receive_id.decode() != self.receive_id:
            raise CryptoError("ReceiveId mismatch")
        return message.decode()
