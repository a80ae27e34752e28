"""Time: tz-aware UTC everywhere, ``Asia/Shanghai`` for people, and an injectable clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current time, tz-aware UTC."""
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` in UTC; raises ValueError for a naive datetime."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: every time in this project carries a time zone")
    return value.astimezone(UTC)


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current time, tz-aware UTC."""
        return utcnow()


@dataclass
class FixedClock:
    """A clock for tests: returns ``at`` until moved with :meth:`advance` or :meth:`set`."""

    at: datetime

    def now(self) -> datetime:
        """The fixed time, in UTC."""
        return ensure_utc(self.at)

    def set(self, at: datetime) -> None:
        """Move the clock to ``at``."""
        self.at = at

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a ``timedelta(**delta)``."""
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)
