"""The emulator's time: the wall clock plus an offset that tests move forward."""

from __future__ import annotations

import time


class EmulatorClock:
    """Seconds since the epoch as the emulated WeCom sees them; :meth:`advance` jumps ahead."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        """The current emulated time."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the emulated time forward (token, response_code and duplicate-check windows)."""
        self.offset += seconds
