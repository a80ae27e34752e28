"""Faults injected on purpose: throttling, 5xx, slowness, for a number of calls or until cleared.

Owns: the list of active faults and which request each one hits. The routes turn a hit into
the family's answer (old API: errcode 90018; new API: 403 QpsLimitForAppkeyAndApi).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

__all__ = ["Fault", "FaultBook", "KINDS", "FAMILIES"]

KINDS = ("throttle", "server_error", "slow")
FAMILIES = ("oapi", "api", "all")


@dataclass
class Fault:
    """One injected fault. ``remaining`` None means until cleared; ``path`` limits it to a prefix."""

    kind: str
    family: str = "all"
    remaining: int | None = None
    path: str = ""
    seconds: float = 0.0
    status: int = 500
    hits: int = 0

    def matches(self, family: str, path: str) -> bool:
        """Whether this fault applies to a request of ``family`` at ``path``."""
        return self.family in ("all", family) and path.startswith(self.path)

    def to_dict(self) -> dict:
        """Plain data for the control endpoints."""
        return asdict(self)


class FaultBook:
    """The active faults, consulted once per API request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, kind: str, family: str = "all", count: int | None = None, path: str = "",
            seconds: float = 0.0, status: int = 500) -> Fault:
        """Inject a fault; raises ValueError for an unknown kind or family."""
        if kind not in KINDS or family not in FAMILIES:
            raise ValueError(f"unknown fault {kind!r} for {family!r}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        fault = Fault(kind, family, count, path, float(seconds), int(status))
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, family: str, path: str) -> list[Fault]:
        """The faults hitting this request (at most one per kind), each count decremented."""
        hit: dict[str, Fault] = {}
        with self._lock:
            for fault in self._faults:
                if fault.kind not in hit and fault.matches(family, path):
                    hit[fault.kind] = fault
                    fault.hits += 1
                    if fault.remaining is not None:
                        fault.remaining -= 1
            self._faults = [f for f in self._faults if f.remaining is None or f.remaining > 0]
        return list(hit.values())

    def active(self) -> list[Fault]:
        """The faults still in force."""
        with self._lock:
            return list(self._faults)

    def clear(self, kind: str | None = None) -> None:
        """Clear every fault, or those of one kind."""
        with self._lock:
            self._faults = [f for f in self._faults if kind is not None and f.kind != kind]
