"""POSTing a callback to the bot the way WeCom does: wait ``timeout`` seconds for an HTTP 200;
on a timeout, a refused connection or another status, send the same request again, up to
``attempts`` times in all. Every attempt is recorded.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from bot.emulator.wecom.callbacks import SealedCallback

# Callbacks go straight to the bot: proxy variables of the environment are ignored.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Attempt:
    """One POST (or GET): the status answered (None when none came), the error, seconds taken."""

    status: int | None
    error: str | None
    elapsed: float


@dataclass
class Delivery:
    """A callback and what became of it; ``reply`` is the body of the 200 answer."""

    kind: str
    url: str
    plaintext: str
    attempts: list[Attempt] = field(default_factory=list)
    reply: bytes = b""
    info: dict = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        """Whether the bot answered 200 at some attempt."""
        return any(a.status == 200 for a in self.attempts)

    @property
    def status(self) -> int | None:
        """The status of the last attempt."""
        return self.attempts[-1].status if self.attempts else None

    def to_dict(self) -> dict:
        """JSON form for the control endpoints."""
        return {"kind": self.kind, "url": self.url, "plaintext": self.plaintext, "answered": self.answered,
                "attempts": [a.__dict__ for a in self.attempts], "reply": self.reply.decode(errors="replace"),
                **self.info}


def send(kind: str, base_url: str, sealed: SealedCallback, timeout: float, attempts: int,
         method: str = "POST") -> Delivery:
    """Deliver ``sealed`` to ``base_url``, retrying as WeCom does (``attempts`` 1 means no retry)."""
    delivery = Delivery(kind, sealed.url(base_url), sealed.plaintext)
    for _ in range(max(1, attempts)):
        attempt, reply = _once(delivery.url, sealed, timeout, method)
        delivery.attempts.append(attempt)
        if attempt.status == 200:
            delivery.reply = reply
            break
    return delivery


def _once(url: str, sealed: SealedCallback, timeout: float, method: str) -> tuple[Attempt, bytes]:
    data = sealed.body if method == "POST" else None
    request = urllib.request.Request(url, data=data, method=method)
    if sealed.content_type:
        request.add_header("Content-Type", sealed.content_type)
    started = time.monotonic()
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read()
            return Attempt(response.status, None, time.monotonic() - started), body
    except urllib.error.HTTPError as err:
        return Attempt(err.code, None, time.monotonic() - started), b""
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as err:
        reason = getattr(err, "reason", err)
        return Attempt(None, f"{type(reason).__name__}: {reason}", time.monotonic() - started), b""
