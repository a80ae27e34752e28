"""Single-use credentials WeCom hands out: a card's ``response_code`` (72 h) and the smart bot's
``response_url`` (1 h). Each works once; a used, expired or unknown one answers 60140.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.clock import EmulatorClock
from bot.emulator.wecom.errcodes import WeComError

RESPONSE_CODE_TTL = 72 * 3600
RESPONSE_URL_TTL = 3600


@dataclass
class Grant:
    """What one code allows: ``subject`` describes it (task, chat, person)."""

    code: str
    expires_at: float
    subject: dict = field(default_factory=dict)
    used: bool = False


class OneTimeCodes:
    """Issues single-use codes with a lifetime and redeems them once."""

    def __init__(self, clock: EmulatorClock, ttl: float) -> None:
        self.clock = clock
        self.ttl = ttl
        self.grants: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def issue(self, **subject) -> str:
        """A fresh code for ``subject``."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.grants[code] = Grant(code, self.clock.now() + self.ttl, dict(subject))
        return code

    def peek(self, code: str | None) -> Grant:
        """The grant of a live code without using it; raises WeComError 60140."""
        with self._lock:
            grant = self.grants.get(code or "")
            if grant is None or grant.used or grant.expires_at <= self.clock.now():
                raise WeComError(errcodes.INVALID_RESPONSE_CODE)
            return grant

    def redeem(self, code: str | None) -> Grant:
        """Use a live code; raises WeComError 60140 when unknown, used or expired."""
        with self._lock:
            grant = self.grants.get(code or "")
            if grant is None or grant.used or grant.expires_at <= self.clock.now():
                raise WeComError(errcodes.INVALID_RESPONSE_CODE)
            grant.used = True
            return grant

    def reset(self) -> None:
        """Forget every code."""
        with self._lock:
            self.grants.clear()
