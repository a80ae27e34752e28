"""Access tokens of both API families (they are interchangeable, as on the real servers).

Owns: issuing tokens (the same token again while it is valid, its life extended), checking
them with the time the emulator is told, and expiring them on demand.
"""

from __future__ import annotations

import secrets
import threading
from typing import Callable

__all__ = ["TokenStore", "TOKEN_LIFETIME"]

TOKEN_LIFETIME = 7200


class TokenStore:
    """Tokens of one app, keyed by token string, valid for ``TOKEN_LIFETIME`` seconds."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._expires: dict[str, float] = {}
        self.issued = 0

    def issue(self) -> tuple[str, int]:
        """The current token (extended) or a new one; returns (token, expires_in)."""
        with self._lock:
            now = self._now()
            live = [t for t, exp in self._expires.items() if exp > now]
            token = live[-1] if live else secrets.token_hex(16)
            if not live:
                self.issued += 1
            self._expires[token] = now + TOKEN_LIFETIME
            return token, TOKEN_LIFETIME

    def valid(self, token: str) -> bool:
        """Whether the token was issued here and has not expired."""
        with self._lock:
            exp = self._expires.get(token)
            return exp is not None and exp > self._now()

    def expire_all(self) -> int:
        """Expire every live token now; returns how many were live."""
        with self._lock:
            now = self._now()
            live = [t for t, exp in self._expires.items() if exp > now]
            for t in live:
                self._expires[t] = now
            return len(live)

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._expires.clear()
            self.issued = 0
