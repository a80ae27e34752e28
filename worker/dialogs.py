"""Dialog state in Redis per (platform, chat, user), one event of a key at a time across workers,
and the timeout firing with its stale-timer guard (a firing whose version is no longer stored does nothing)."""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

import redis
from rq import Queue
from rq.serializers import JSONSerializer

from bot.core import keys, queues
from bot.core.conversation import DialogState

log = logging.getLogger(__name__)
# A dialog's lock lives LOCK_TIMEOUT seconds (an event is handled in well under one; a work horse killed
# while holding it blocks that person's dialog no longer than this); an event that cannot take it within
# LOCK_WAIT fails and is retried by RQ (5 s, 30 s, 120 s) instead of holding the worker from everyone else.
LOCK_TIMEOUT = 20
LOCK_WAIT = 5


class DialogStore:
    """Load, save and clear dialog states; lock a key while one event is processed."""

    def __init__(self, conn: redis.Redis) -> None:
        self.conn = conn

    def load(self, platform: str, chat: str, user: str) -> DialogState | None:
        """The stored state, or None."""
        raw = self.conn.get(keys.dialog(platform, chat, user))
        return DialogState.from_dict(json.loads(raw)) if raw else None

    def save(self, platform: str, chat: str, user: str, state: DialogState | None, now: datetime) -> None:
        """Store ``state`` (None clears) and schedule its timeout firing."""
        key = keys.dialog(platform, chat, user)
        if state is None:
            self.conn.delete(key)
            return
        expires = datetime.fromisoformat(state.expires_at)
        ttl = max(int((expires - now).total_seconds()) + 3600, 60)
        self.conn.set(key, json.dumps(state.to_dict(), ensure_ascii=False), ex=ttl)
        queue = Queue(queues.CLOCK, connection=self.conn, serializer=JSONSerializer)
        queue.enqueue_at(expires, queues.EXPIRE_DIALOG, platform, chat, user, state.version,
                         job_id=f"dlg-{hashlib.sha256(key.encode()).hexdigest()[:24]}-{state.version}", result_ttl=600)

    @contextmanager
    def locked(self, platform: str, chat: str, user: str) -> Iterator[None]:
        """Hold the key's lock: events of one dialog are processed one at a time across workers."""
        lock = self.conn.lock(keys.dialog_lock(platform, chat, user), timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_WAIT)
        if not lock.acquire():
            raise TimeoutError(f"dialog lock of {platform}/{chat}/{user} not acquired")
        try:
            yield
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                log.warning("dialog lock of %s/%s/%s expired while held", platform, chat, user)

    def expire(self, platform: str, chat: str, user: str, version: int, now: datetime) -> DialogState | None:
        """Clear the dialog if this firing is still the active one and it has expired; returns the state it
        cleared (its expiry notice names what was lost), None when it did not."""
        with self.locked(platform, chat, user):
            state = self.load(platform, chat, user)
            if state is None or state.version != version or not state.expired(now):
                return None
            self.conn.delete(keys.dialog(platform, chat, user))
            return state
