"""Access tokens of the self-built app: issued by ``gettoken``, checked on every API call.

Like WeCom: the same token is returned while it is valid (7200 s); an expired one answers 42001,
an unknown or revoked one 40014. Tests expire or revoke them on demand.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.clock import EmulatorClock
from bot.emulator.wecom.errcodes import WeComError

LIFETIME = 7200


@dataclass
class Token:
    """One issued access token."""

    value: str
    expires_at: float
    revoked: bool = False


class TokenBook:
    """Issues and checks the app's access tokens for one CorpID and secret."""

    def __init__(self, corp_id: str, secret: str, clock: EmulatorClock) -> None:
        self.corp_id = corp_id
        self.secret = secret
        self.clock = clock
        self.tokens: dict[str, Token] = {}
        self.current: Token | None = None
        self.issued = 0
        self._lock = threading.Lock()

    def issue(self, corpid: str | None, corpsecret: str | None) -> tuple[str, int]:
        """Token and seconds left for ``gettoken``; raises WeComError 41002/40013/41004/40001."""
        if not corpid:
            raise WeComError(errcodes.MISSING_CORPID)
        if not self.corp_id or corpid != self.corp_id:
            raise WeComError(errcodes.INVALID_CORPID)
        if not corpsecret:
            raise WeComError(errcodes.MISSING_SECRET)
        if not self.secret or corpsecret != self.secret:
            raise WeComError(errcodes.INVALID_SECRET)
        with self._lock:
            now = self.clock.now()
            token = self.current
            if token is None or token.revoked or token.expires_at <= now:
                token = Token(secrets.token_urlsafe(48), now + LIFETIME)
                self.tokens[token.value] = token
                self.current = token
                self.issued += 1
            return token.value, int(token.expires_at - now)

    def check(self, value: str | None) -> None:
        """Accept a valid token; raises WeComError 41001 (missing), 40014 (invalid), 42001 (expired)."""
        if not value:
            raise WeComError(errcodes.MISSING_TOKEN)
        token = self.tokens.get(value)
        if token is None or token.revoked:
            raise WeComError(errcodes.INVALID_TOKEN)
        if token.expires_at <= self.clock.now():
            raise WeComError(errcodes.TOKEN_EXPIRED)

    def expire_all(self) -> None:
        """Every token issued so far is expired now: its next use answers 42001."""
        with self._lock:
            now = self.clock.now()
            for token in self.tokens.values():
                token.expires_at = min(token.expires_at, now)

    def revoke_all(self) -> None:
        """Every token issued so far is revoked early: its next use answers 40014."""
        with self._lock:
            for token in self.tokens.values():
                token.revoked = True

    def reset(self) -> None:
        """Forget every token."""
        with self._lock:
            self.tokens.clear()
            self.current = None
            self.issued = 0
