"""Faults injected on purpose: throttling, 5xx, slowness, for a number of calls or until cleared.

Owns: the list of active faults and which request each one hits. The routes turn a hit into
the family's answer (old API: errcode 90018; new API: 403 QpsLimitForAppkeyAndApi).
``server_error_after`` is the one fault that hits *after* the route ran: the request took effect
(a card was created, a message sent) but the caller gets a 5xx — an answer lost on the way back.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from typing import Callable

__all__ = ["Fault", "FaultBook", "KINDS", "FAMILIES", "BEFORE", "AFTER"]

KINDS = ("throttle", "server_error", "slow", "server_error_after")
BEFORE = ("throttle", "server_error", "slow")  # hit before the route runs
AFTER = ("server_error_after",)                # hit after it, on a successful answer
FAMILIES = ("oapi", "api", "all")


@dataclass
class Fault:
    """One injected fault. ``remaining`` None means until cleared (or until ``until``, epoch
    seconds, when set); ``path`` limits it to a path prefix."""

    kind: str
    family: str = "all"
    remaining: int | None = None
    path: str = ""
    seconds: float = 0.0
    status: int = 500
    until: float | None = None
    hits: int = 0

    def matches(self, family: str, path: str) -> bool:
        """Whether this fault applies to a request of ``family`` at ``path``."""
        return self.family in ("all", family) and path.startswith(self.path)

    def live(self, now: float) -> bool:
        """Whether calls or time are left."""
        return (self.remaining is None or self.remaining > 0) and (self.until is None or now < self.until)

    def to_dict(self) -> dict:
        """Plain data for the control endpoints."""
        return asdict(self)


class FaultBook:
    """The active faults, consulted once per API request."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, kind: str, family: str = "all", count: int | None = None, path: str = "",
            seconds: float = 0.0, status: int = 500, duration: float | None = None) -> Fault:
        """Inject a fault for ``count`` calls and/or ``duration`` seconds (neither: until cleared).

        Raises ValueError for an unknown kind or family, or a count below 1.
        """
        if kind not in KINDS or family not in FAMILIES:
            raise ValueError(f"unknown fault {kind!r} for {family!r}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        until = None if duration is None else self._now() + float(duration)
        fault = Fault(kind, family, count, path, float(seconds), int(status), until)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, family: str, path: str, kinds: tuple[str, ...] = BEFORE) -> list[Fault]:
        """The faults of ``kinds`` hitting this request (at most one per kind), each count decremented."""
        hit: dict[str, Fault] = {}
        now = self._now()
        with self._lock:
            self._faults = [f for f in self._faults if f.live(now)]
            for fault in self._faults:
                if fault.kind in kinds and fault.kind not in hit and fault.matches(family, path):
                    hit[fault.kind] = fault
                    fault.hits += 1
                    if fault.remaining is not None:
                        fault.remaining -= 1
            self._faults = [f for f in self._faults if f.live(now)]
        return list(hit.values())

    def active(self) -> list[Fault]:
        """The faults still in force."""
        now = self._now()
        with self._lock:
            return [f for f in self._faults if f.live(now)]

    def clear(self, kind: str | None = None) -> None:
        """Clear every fault, or those of one kind."""
        with self._lock:
            self._faults = [f for f in self._faults if kind is not None and f.kind != kind]
