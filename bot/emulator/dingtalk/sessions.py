"""The robot's ``sessionWebhook``: a reply address handed out with each robot callback.

Owns: opening a session for one conversation (valid ``lifetime`` seconds, 90 minutes as in every
documented sample) and finding a live one by its token.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Callable

__all__ = ["Session", "SessionBook", "SESSION_LIFETIME"]

SESSION_LIFETIME = 5400


@dataclass
class Session:
    """A reply address into one conversation: a group (``group`` set) or a person's 1:1 chat."""

    token: str
    expires_ms: int
    user: str
    group: str | None = None


class SessionBook:
    """Live and expired sessions; ``now`` is the emulator's clock in seconds."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self.lifetime = SESSION_LIFETIME

    def open(self, user: str, group: str | None, created_ms: int) -> Session:
        """A new session for a message from ``user`` (in ``group``, or 1:1) created at ``created_ms``."""
        expires = created_ms + int(self.lifetime * 1000)
        session = Session(secrets.token_hex(16), expires, user, group)
        with self._lock:
            self._sessions[session.token] = session
        return session

    def live(self, token: str) -> Session | None:
        """The session if it exists and has not expired."""
        with self._lock:
            session = self._sessions.get(token)
        if session is None or session.expires_ms <= int(self._now() * 1000):
            return None
        return session

    def clear(self) -> None:
        """Forget every session."""
        with self._lock:
            self._sessions.clear()
