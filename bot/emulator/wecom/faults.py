"""Faults injected into the emulated WeCom API for a number of calls or until cleared.

A fault is an errcode answered with HTTP 200 (45009 frequency limit, 45033 concurrency limit,
or any other), an HTTP status (5xx), a delay in seconds before the call is served normally, or a
lost answer (``lost``): the call **is served** — the message delivered, the card held — and its
answer replaced by an HTTP status (5xx), so the caller cannot tell it succeeded (a timeout seen from
the bot's side: the outcome unknown, the retry's case).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

KINDS = ("errcode", "http", "delay", "lost")


@dataclass
class Fault:
    """One injected fault: ``kind`` with ``value``, for ``remaining`` calls (None: until cleared),
    on API paths starting with ``path`` (after ``/cgi-bin/``; empty: every path)."""

    kind: str
    value: float
    remaining: int | None = None
    path: str = ""

    def to_dict(self) -> dict:
        """JSON form for the control endpoints."""
        return asdict(self)


@dataclass
class FaultOutcome:
    """What the faults decide for one call: wait ``delay`` seconds, then answer ``errcode`` or
    ``http_status`` if set, else serve the call (and answer ``lost_status`` instead when set)."""

    delay: float = 0.0
    errcode: int | None = None
    http_status: int | None = None
    lost_status: int | None = None


class FaultBoard:
    """The faults in force; :meth:`take` consumes them call by call."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self._lock = threading.Lock()

    def inject(self, kind: str, value: float, count: int | None = None, path: str = "") -> Fault:
        """Add a fault; raises ValueError for an unknown kind or a non-positive count."""
        if kind not in KINDS:
            raise ValueError(f"fault kind must be one of {KINDS}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        if kind in ("http", "lost") and not 400 <= int(value) <= 599:
            raise ValueError(f"{kind} fault needs a 4xx or 5xx status")
        fault = Fault(kind, value, count, path.strip("/"))
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self.faults.clear()

    def take(self, path: str) -> FaultOutcome:
        """The outcome for one call to ``path`` (e.g. ``message/send``), consuming counted faults."""
        outcome = FaultOutcome()
        with self._lock:
            for fault in list(self.faults):
                if not path.startswith(fault.path):
                    continue
                if fault.kind == "delay":
                    outcome.delay += float(fault.value)
                elif outcome.errcode is None and outcome.http_status is None and outcome.lost_status is None:
                    if fault.kind == "errcode":
                        outcome.errcode = int(fault.value)
                    elif fault.kind == "lost":
                        outcome.lost_status = int(fault.value)
                    else:
                        outcome.http_status = int(fault.value)
                else:
                    continue
                self._consume(fault)
        return outcome

    def _consume(self, fault: Fault) -> None:
        if fault.remaining is None:
            return
        fault.remaining -= 1
        if fault.remaining <= 0:
            self.faults.remove(fault)

    def to_list(self) -> list[dict]:
        """The faults in force, as JSON."""
        with self._lock:
            return [f.to_dict() for f in self.faults]
