"""Single-use credentials WeCom hands out: a card's ``response_code`` (72 h) and the smart bot's
``response_url`` (1 h). Each works once. An expired or unknown one answers 60140 ("无效的response_code",
排查方法 "可能是response_code已经过期", table 90313); a used one answers ``used_code``: by default 42022
("code已经被使用过。只能使用一次", the same table), or 60140 under the older reading (switch).
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

    def __init__(self, clock: EmulatorClock, ttl: float, used_code: int = errcodes.CODE_USED) -> None:
        self.clock = clock
        self.ttl = ttl
        self.used_code = used_code  # the switch: errcodes.INVALID_RESPONSE_CODE plays "60140 for used too"
        self.grants: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def issue(self, **subject) -> str:
        """A fresh code for ``subject``."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.grants[code] = Grant(code, self.clock.now() + self.ttl, dict(subject))
        return code

    def peek(self, code: str | None) -> Grant:
        """The grant of a live code without using it; raises WeComError (60140, or ``used_code``)."""
        with self._lock:
            return self._live(code)

    def redeem(self, code: str | None) -> Grant:
        """Use a live code; raises WeComError 60140 when unknown or expired, ``used_code`` when used."""
        with self._lock:
            grant = self._live(code)
            grant.used = True
            return grant

    def _live(self, code: str | None) -> Grant:
        grant = self.grants.get(code or "")
        if grant is None or grant.expires_at <= self.clock.now():
            raise WeComError(errcodes.INVALID_RESPONSE_CODE, "response_code expired or unknown")
        if grant.used:
            raise WeComError(self.used_code, "response_code already used")
        return grant

    def reset(self) -> None:
        """Forget every code."""
        with self._lock:
            self.grants.clear()
