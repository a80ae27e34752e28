"""Sending callbacks to the bot: one HTTP attempt at a time, and retries scheduled on timers.

Owns: POSTing a delivery's payload with fresh headers per attempt, recording each attempt,
scheduling a later attempt without sleeping, and waiting until no retry is pending.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Callable

import requests

from bot.emulator.dingtalk.records import Attempt, Delivery

__all__ = ["Courier"]


class Courier:
    """Posts callbacks and keeps track of the retries still to come."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._pending: set[threading.Timer] = set()

    def post(self, delivery: Delivery, headers: dict, timeout: float,
             params: dict | None = None) -> tuple[Attempt, requests.Response | None]:
        """One attempt; a timeout or connection error is recorded with status None."""
        started = time.monotonic()
        data = json.dumps(delivery.payload, ensure_ascii=False).encode()
        hdrs = {"Content-Type": "application/json; charset=utf-8", **headers}
        try:
            resp = requests.post(delivery.url, data=data, headers=hdrs, params=params, timeout=timeout)
        except requests.RequestException as exc:
            attempt = Attempt(time.time(), None, f"{type(exc).__name__}: {exc}", time.monotonic() - started)
            delivery.attempts.append(attempt)
            return attempt, None
        attempt = Attempt(time.time(), resp.status_code, "", time.monotonic() - started, resp.text[:2000])
        delivery.attempts.append(attempt)
        return attempt, resp

    def later(self, delay: float, action: Callable[[], None]) -> None:
        """Run ``action`` after ``delay`` seconds on a timer thread."""
        def run() -> None:
            try:
                action()
            finally:
                with self._lock:
                    self._pending.discard(timer)
                    self._lock.notify_all()
        timer = threading.Timer(delay, run)
        timer.daemon = True
        with self._lock:
            self._pending.add(timer)
        timer.start()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no retry is pending (True) or ``timeout`` passes (False)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._pending, timeout)

    def cancel_all(self) -> None:
        """Cancel every pending retry."""
        with self._lock:
            for timer in self._pending:
                timer.cancel()
            self._pending.clear()
            self._lock.notify_all()
