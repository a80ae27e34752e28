"""What happened on the emulated DingTalk: every message in every chat, and every callback.

Owns: ``Message`` (one message seen in a person's 1:1 chat with the robot, their work-notice
stream, or a group), ``Delivery`` (one callback the emulator sent the bot, with its attempts),
and ``Records``, the thread-safe log with per-person and per-group views.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass, field

__all__ = ["Message", "Attempt", "Delivery", "Records", "BOT"]

BOT = "bot"


@dataclass
class Message:
    """One message. ``channel``: robot_group, robot_oto, session_webhook, work_notice, card,
    inbound (what a person said). ``sender`` is ``"bot"`` or a user id."""

    seq: int
    channel: str
    sender: str
    msgtype: str
    content: dict
    at: float
    group: str | None = None
    user: str | None = None
    at_user_ids: list[str] = field(default_factory=list)
    out_track_id: str | None = None

    def to_dict(self) -> dict:
        """Plain data for the control endpoints and the console."""
        return asdict(self)


@dataclass
class Attempt:
    """One HTTP attempt of a callback: status (None when it failed), error, seconds taken."""

    at: float
    status: int | None
    error: str = ""
    elapsed: float = 0.0
    body: str = ""


@dataclass
class Delivery:
    """One callback (robot message, card click, event) and its attempts."""

    kind: str
    key: str
    url: str
    payload: dict
    attempts: list[Attempt] = field(default_factory=list)
    done: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        """Whether some attempt got a 2xx in time."""
        return any(a.status is not None and 200 <= a.status < 300 and not a.error
                   for a in self.attempts)

    def to_dict(self) -> dict:
        """Plain data for the control endpoints."""
        d = asdict(self)
        d["answered"] = self.answered
        return d


class Records:
    """The log of messages and deliveries, safe to use from the server's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self.messages: list[Message] = []
        self.deliveries: list[Delivery] = []

    def add(self, **fields) -> Message:
        """Append one message and return it."""
        with self._lock:
            msg = Message(seq=next(self._seq), **fields)
            self.messages.append(msg)
            return msg

    def add_delivery(self, delivery: Delivery) -> Delivery:
        """Append one delivery and return it."""
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def for_user(self, userid: str, include_inbound: bool = False) -> list[Message]:
        """Messages in this person's 1:1 chat with the robot and their work notices."""
        with self._lock:
            return [m for m in self.messages if m.group is None and m.user == userid
                    and (include_inbound or m.sender == BOT)]

    def for_group(self, cid: str, include_inbound: bool = False) -> list[Message]:
        """Messages in a group chat."""
        with self._lock:
            return [m for m in self.messages if m.group == cid
                    and (include_inbound or m.sender == BOT)]

    def deliveries_of(self, kind: str | None = None) -> list[Delivery]:
        """Deliveries, optionally of one kind (robot, card, event)."""
        with self._lock:
            return [d for d in self.deliveries if kind is None or d.kind == kind]

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self.messages.clear()
            self.deliveries.clear()
