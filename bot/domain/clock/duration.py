"""Durations of the policy file: an amount in min, h (elapsed), wh (working hours) or wd (working days)."""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = ("min", "h", "wh", "wd")
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(min|h|wh|wd)\s*$")


@dataclass(frozen=True)
class Duration:
    """``amount`` of ``unit``; ``min`` and ``h`` are elapsed time, ``wh`` and ``wd`` count working time."""

    amount: float
    unit: str

    @classmethod
    def parse(cls, text: object) -> "Duration":
        """Parse ``"4wh"``, ``"30min"``, ``"1.5h"``; raises ValueError with a readable reason."""
        match = _PATTERN.match(str(text)) if isinstance(text, (str, int, float)) and not isinstance(text, bool) else None
        if not match:
            raise ValueError(f"{text!r} is not a duration (a number followed by min, h, wh or wd, e.g. 4wh)")
        amount = float(match.group(1))
        if amount <= 0:
            raise ValueError(f"{text!r}: a duration must be positive")
        if match.group(2) == "wd" and amount != int(amount):
            raise ValueError(f"{text!r}: working days must be whole")
        return cls(amount, match.group(2))

    @property
    def hours(self) -> float:
        """The amount in hours for ``min``/``h``/``wh`` (``wd`` counts 24 h a day, used only when scaled)."""
        return {"min": self.amount / 60, "h": self.amount, "wh": self.amount, "wd": self.amount * 24}[self.unit]

    def scaled(self, scale: float) -> "Duration":
        """This duration divided by ``scale``; any scale but 1 turns it into elapsed hours (drills run live)."""
        if scale == 1:
            return self
        return Duration(self.hours / scale, "h")

    def __str__(self) -> str:
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        return f"{amount}{self.unit}"
