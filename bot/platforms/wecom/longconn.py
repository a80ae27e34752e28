"""One long connection of the WeCom smart bot: connect, subscribe, heartbeats, frames in and out.

Written on ``websockets`` (the library the official ``wecom-aibot-python-sdk`` uses) with the SDK's
frames, not on the SDK itself: the SDK hands every connection its own TLS context, which
``websockets`` refuses for a ``ws://`` address (so it cannot reach the emulator, a local test
server or a TLS-terminating proxy), it is asyncio/pyee while our Redis side is blocking, and its
reconnection gives up after ten attempts. What it does, we do the same way: ``aibot_subscribe``
first, a ``ping`` every 30 s, the connection treated as dead after two unanswered pings, and a
frame we send answered by an ack with its req_id within 5 s.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, Callable

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from bot.platforms.wecom import wsframes

log = logging.getLogger(__name__)

HEARTBEAT = 30.0
MAX_MISSED_PINGS = 2
ACK_WAIT = 5.0
OPEN_TIMEOUT = 10.0
NO_ACK = {"errcode": -1, "errmsg": "no ack from WeCom (connection lost or slow)"}


class SubscribeError(Exception):
    """WeCom refused ``aibot_subscribe`` (wrong WECOM_AIBOT_ID or WECOM_AIBOT_SECRET)."""


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: dict[str, Any] = dict(NO_ACK)


class LongConnection:
    """One WebSocket session; ``on_callback(frame)`` gets every message and event frame."""

    def __init__(self, url: str, bot_id: str, secret: str, on_callback: Callable[[dict], None], *,
                 heartbeat: float = HEARTBEAT, ack_wait: float = ACK_WAIT) -> None:
        self.url, self.bot_id, self.secret = url, bot_id, secret
        self.on_callback = on_callback
        self.heartbeat, self.ack_wait = heartbeat, ack_wait
        self.subscribed = threading.Event()
        self._closed = threading.Event()
        self._ws: ClientConnection | None = None
        self._send_lock = threading.Lock()
        self._request_lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}
        self._missed = 0

    def run(self, keep_going: Callable[[], bool]) -> str:
        """Connect, subscribe and read frames until the connection ends, WeCom hands the bot to
        another connection ("kicked"), or ``keep_going()`` turns False ("stopped"); returns which.
        Raises OSError, TimeoutError, websockets' exceptions, or SubscribeError."""
        with connect(self.url, open_timeout=OPEN_TIMEOUT, ping_interval=None, compression=None,
                     max_size=2**22) as ws:
            self._ws = ws
            try:
                self._subscribe(ws)
                self.subscribed.set()
                threading.Thread(target=self._heartbeats, name="aibot-heartbeat", daemon=True).start()
                return self._read(ws, keep_going)
            except ConnectionClosed as exc:
                log.warning("aibot long connection closed: %s", exc)
                return "closed"
            finally:
                self._closed.set()
                self.subscribed.clear()
                for pending in list(self._pending.values()):
                    pending.done.set()

    def _subscribe(self, ws: ClientConnection) -> None:
        request = wsframes.subscribe(self.bot_id, self.secret)
        self._send(request)
        want = wsframes.frame_req_id(request)
        while True:
            data = json.loads(ws.recv(timeout=OPEN_TIMEOUT))
            if wsframes.frame_req_id(data) == want:
                break
        if data.get("errcode"):
            raise SubscribeError(f"aibot_subscribe refused: {data.get('errcode')} {str(data.get('errmsg'))[:120]}")
        log.info("aibot long connection subscribed url=%s bot=%s", self.url, self.bot_id)

    def _read(self, ws: ClientConnection, keep_going: Callable[[], bool]) -> str:
        while keep_going():
            try:
                raw = ws.recv(timeout=0.5)
            except TimeoutError:
                continue
            try:
                data = json.loads(raw)
            except ValueError:
                log.warning("aibot long connection: a frame that is not JSON was ignored")
                continue
            if not isinstance(data, dict):
                continue
            if "cmd" not in data:
                self._ack(data)
            elif wsframes.is_kick(data):
                log.error("aibot long connection: another connection subscribed this bot; this one is closed")
                return "kicked"
            else:
                self.on_callback(data)
        return "stopped"

    def _ack(self, data: dict) -> None:
        rid = wsframes.frame_req_id(data)
        if rid.startswith(wsframes.PING):
            self._missed = 0
            return
        pending = self._pending.get(rid)
        if pending is not None:
            pending.answer = {"errcode": int(data.get("errcode") or 0), "errmsg": str(data.get("errmsg", ""))}
            if isinstance(data.get("body"), dict):  # an upload's ack: upload_id, media_id
                pending.answer["body"] = data["body"]
            pending.done.set()

    def _heartbeats(self) -> None:
        while not self._closed.wait(self.heartbeat):
            if self._missed >= MAX_MISSED_PINGS:
                log.warning("aibot long connection: %s pings unanswered; closing it", self._missed)
                if self._ws is not None:
                    self._ws.close()
                return
            self._missed += 1
            try:
                self._send(wsframes.ping())
            except ConnectionClosed:
                return

    def _send(self, frame: dict) -> None:
        if self._ws is None:
            raise ConnectionClosed(None, None)
        with self._send_lock:
            self._ws.send(json.dumps(frame, ensure_ascii=False))

    def request(self, cmd: str, body: dict[str, Any], request_id: str = "") -> dict[str, Any]:
        """Send one frame and wait for WeCom's ack: ``{"errcode", "errmsg"}``; errcode -1 when no
        ack came (the connection was lost or WeCom was slow). Never raises for the connection."""
        with self._request_lock:
            frame = wsframes.frame(cmd, body, request_id)
            rid = wsframes.frame_req_id(frame)
            pending = self._pending[rid] = _Pending()
            try:
                if not self.subscribed.is_set():
                    return dict(NO_ACK, errmsg="the long connection is not subscribed")
                self._send(frame)
                pending.done.wait(self.ack_wait)
                return pending.answer
            except ConnectionClosed:
                return dict(NO_ACK)
            finally:
                self._pending.pop(rid, None)
