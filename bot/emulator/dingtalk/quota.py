"""DingTalk's per-app, per-API call rate limit (20 calls a second on a standard organisation).

Owns: counting calls per API path in one-second windows of the emulator's clock. Off until
``limit`` is set (``DingTalkEmulator.qps_limit``), so ordinary tests never trip it.
"""

from __future__ import annotations

import threading
from typing import Callable

__all__ = ["RateLimit", "STANDARD_QPS"]

STANDARD_QPS = 20


class RateLimit:
    """Calls per (family, path) in the current second; ``limit`` None means unlimited."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], tuple[int, int]] = {}
        self.limit: int | None = None
        self.refused = 0

    def allow(self, family: str, path: str) -> bool:
        """Count one call; False when it is over the limit for this second."""
        if self.limit is None:
            return True
        second = int(self._now())
        with self._lock:
            window, count = self._counts.get((family, path), (second, 0))
            if window != second:
                window, count = second, 0
            self._counts[(family, path)] = (window, count + 1)
            if count + 1 > self.limit:
                self.refused += 1
                return False
            return True

    def clear(self) -> None:
        """Forget the counts (the limit setting stays)."""
        with self._lock:
            self._counts.clear()
            self.refused = 0
