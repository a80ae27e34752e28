"""The connector: the process that holds the WeCom smart bot's long connection (``yuqing wecom-connect``).

    waiting ──lease taken──► holding: connect ─► subscribed ─► reading frames ──┐
       ▲                          ▲                                           │ closed / kicked / failed
       │ lease lost or stop       └──────────── back-off 1, 2, 4 … 30 s ◄──────┘
       └──────────────────────────────────────────────────────────────────────

* Only the holder of the Redis lease (:class:`~bot.platforms.wecom.relay.ConnectorLease`) connects;
  it renews the lease every third of its length. Another connector polls every second and takes
  over once the lease has run out (its holder died) or was released (its holder stopped).
* Inbound message and event frames become normalised Events (channel ``wecom_aibot_ws``) handed
  to ``on_event`` — the caller enqueues them as the webhook does (``bot.inbox.accept``).
* Outbound: requests of the worker's messenger arrive through the :class:`Relay`; each is sent on
  the connection and WeCom's ack goes back to the caller.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import Any, Callable, Mapping

import redis
from websockets.exceptions import WebSocketException

from bot.core.clock import utcnow
from bot.core.errors import PayloadError, YuqingError
from bot.core.event import Event
from bot.platforms.wecom import wsframes
from bot.platforms.wecom.longconn import HEARTBEAT, NO_ACK, LongConnection, SubscribeError
from bot.platforms.wecom.relay import ConnectorLease, Relay

log = logging.getLogger(__name__)

DEFAULT_URL = "wss://openws.work.weixin.qq.com"
LEASE = 15.0
MAX_BACKOFF = 30.0
STABLE = 60.0  # a connection that lasted this long resets the back-off


def backoff(attempt: int) -> float:
    """Seconds before reconnection ``attempt`` (1, 2, 4 … at most 30), as the official SDK waits."""
    return min(2.0 ** max(attempt - 1, 0), MAX_BACKOFF)


class Connector:
    """Holds the long connection while it holds the lease; ``run()`` until ``stop`` is set."""

    def __init__(self, config: Mapping[str, str], conn: redis.Redis, on_event: Callable[[Event], Any], *,
                 lease: float = LEASE, heartbeat: float = HEARTBEAT, name: str = "") -> None:
        self.bot_id, self.secret = config["WECOM_AIBOT_ID"], config["WECOM_AIBOT_SECRET"]
        self.config = config  # signs the /files/ links of the pictures people send (``mixed``)
        self.url = config.get("WECOM_AIBOT_WS_URL") or DEFAULT_URL
        self.on_event = on_event
        self.heartbeat, self.lease_seconds = heartbeat, lease
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease = ConnectorLease(conn, self.bot_id, self.name, lease)
        self.relay = Relay(conn, self.bot_id)
        self.stop = threading.Event()
        self.held = threading.Event()
        self.session: LongConnection | None = None

    def run(self) -> None:
        """Wait for the lease, hold the connection while it is ours; return when ``stop`` is set."""
        waiting_logged = False
        while not self.stop.is_set():
            if not self._take_lease(waiting_logged):
                waiting_logged = True
                self.stop.wait(1.0)
                continue
            waiting_logged = False
            try:
                self._hold()
            finally:
                self.held.clear()
                self.lease.release()
        log.info("aibot connector %s stopped", self.name)

    def _take_lease(self, quiet: bool) -> bool:
        try:
            if self.lease.acquire():
                self.held.set()
                log.info("aibot connector %s holds the lease; connecting to %s", self.name, self.url)
                return True
            if not quiet:
                log.info("aibot connector %s waiting: the connection is held by %s", self.name, self.lease.current())
        except redis.RedisError as exc:
            log.warning("aibot connector %s: Redis failed while taking the lease: %s", self.name, exc)
        return False

    def _keep_going(self) -> bool:
        return self.held.is_set() and not self.stop.is_set()

    def _hold(self) -> None:
        helpers = [threading.Thread(target=self._renew, name="aibot-lease", daemon=True),
                   threading.Thread(target=self._pump, name="aibot-pump", daemon=True)]
        for thread in helpers:
            thread.start()
        try:
            attempt = 0
            while self._keep_going():
                started = time.monotonic()
                why = self._connect_once()
                if not self._keep_going():
                    return
                attempt = 1 if time.monotonic() - started > STABLE else attempt + 1
                delay = backoff(attempt)
                log.warning("aibot connector %s: connection %s; reconnecting in %.0f s", self.name, why, delay)
                self.stop.wait(delay)
        finally:
            self.held.clear()
            for thread in helpers:
                thread.join(timeout=self.lease_seconds)

    def _connect_once(self) -> str:
        session = LongConnection(self.url, self.bot_id, self.secret, self._on_frame, heartbeat=self.heartbeat)
        self.session = session
        try:
            return session.run(self._keep_going)
        except SubscribeError as exc:
            log.error("aibot connector %s: %s (check WECOM_AIBOT_ID and WECOM_AIBOT_SECRET)", self.name, exc)
            return "refused"
        except (OSError, TimeoutError, WebSocketException, ValueError) as exc:
            log.warning("aibot connector %s: connection failed: %s: %s", self.name, type(exc).__name__, exc)
            return "failed"
        finally:
            self.session = None

    def _renew(self) -> None:
        last_ok = time.monotonic()
        step = self.lease_seconds / 3
        while self._keep_going():
            deadline = time.monotonic() + step
            while self._keep_going() and time.monotonic() < deadline:
                time.sleep(0.1)
            if not self._keep_going():
                return
            try:
                if not self.lease.renew():
                    log.error("aibot connector %s lost its lease; letting the connection go", self.name)
                    self.held.clear()
                last_ok = time.monotonic()
            except redis.RedisError as exc:
                log.warning("aibot connector %s: could not renew the lease: %s", self.name, exc)
                if time.monotonic() - last_ok > self.lease_seconds:
                    self.held.clear()

    def _pump(self) -> None:
        """Send what the worker asks, one request at a time, and hand back WeCom's acks."""
        while self._keep_going():
            try:
                request = self.relay.next(timeout=1)
            except redis.RedisError as exc:
                log.warning("aibot connector %s: Redis failed reading requests: %s", self.name, exc)
                self.stop.wait(1.0)
                continue
            if request is None:
                continue
            answer = self._send(request)
            try:
                self.relay.answer(request, answer)
            except redis.RedisError as exc:
                log.error("aibot connector %s: could not hand back the answer to %s: %s", self.name, request["id"], exc)

    def _send(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send a request on the connection, waiting until its pickup time for a subscribed one."""
        while time.time() < float(request["expires"]) and self._keep_going():
            session = self.session
            if session is not None and session.subscribed.is_set():
                answer = session.request(request["cmd"], request["body"], request.get("req_id", ""))
                log.info("aibot %s request=%s errcode=%s", request["cmd"], request["id"], answer.get("errcode"))
                return answer
            time.sleep(0.05)
        return dict(NO_ACK, errmsg="the long connection is not up")

    def _on_frame(self, frame: dict) -> None:
        try:
            event = wsframes.to_event(frame, utcnow().isoformat(), time.time(), self.config)
        except PayloadError as exc:
            log.warning("aibot frame refused req_id=%s: %s", wsframes.frame_req_id(frame), exc)
            return
        if event is None:
            body = frame.get("body") if isinstance(frame.get("body"), dict) else {}
            log.info("aibot frame ignored cmd=%s msgtype=%s", frame.get("cmd"), body.get("msgtype"))
            return
        try:
            self.on_event(event)
        except (redis.RedisError, YuqingError) as exc:
            log.error("aibot event lost key=%s: could not enqueue it: %s", event.dedup_key, exc)
