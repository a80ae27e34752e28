"""The smart bot's long connection (智能机器人长连接): a WebSocket server on its own port, as
``wss://openws.work.weixin.qq.com`` serves it (gaps-addendum §1.2-1.3, wecom.md §3.5).

Frames are JSON ``{cmd, headers: {req_id}, body}``; answers carry the request's ``req_id`` and
``errcode``/``errmsg`` and no ``cmd``. A connection must first ``aibot_subscribe`` with the bot's
id and secret; one connection per bot: a new subscription kicks the old one with a
``disconnected_event``. ``ping`` is answered; a connection silent for ``heartbeat_timeout``
seconds is closed. The server pushes ``aibot_msg_callback`` / ``aibot_event_callback`` frames
(see ``wsframes``) and accepts ``aibot_send_msg``, ``aibot_respond_update_msg`` and
``aibot_respond_msg`` (see ``wsmessaging``).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from typing import TYPE_CHECKING

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.delivery import Attempt, Delivery
from bot.emulator.wecom.errcodes import WeComError
from bot.emulator.wecom.wsmessaging import WsMessaging

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator

log = logging.getLogger(__name__)

SUBSCRIBE, PING = "aibot_subscribe", "ping"
HEARTBEAT_TIMEOUT = 70.0  # two missed 30-second heartbeats, plus a margin (our guess)


class Session:
    """One client connection; ``subscribed`` once its credentials were accepted."""

    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.subscribed = False
        self.opened = time.time()
        self._send_lock = threading.Lock()

    def send(self, frame: dict) -> None:
        """Write one frame; raises ConnectionClosed when the client is gone."""
        with self._send_lock:
            self.ws.send(json.dumps(frame, ensure_ascii=False))


class LongConnServer:
    """The WebSocket endpoint of the emulated smart bot; ``url`` is ``ws://host:port``."""

    def __init__(self, emu: WeComEmulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emu = emu
        self.heartbeat_timeout = HEARTBEAT_TIMEOUT
        self.messaging = WsMessaging(emu)
        self.active: Session | None = None
        self.sessions_opened = 0
        self.frames: list[dict] = []  # every frame received, in order (for tests)
        self._lock = threading.RLock()
        self._server = serve(self._serve, host, port, ping_interval=None, compression=None)
        self.url = f"ws://{host}:{self._server.socket.getsockname()[1]}"
        self._thread: threading.Thread | None = None

    # --- running ----------------------------------------------------------------------------
    def start(self) -> LongConnServer:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="emulator-ws", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every connection and stop serving."""
        self.drop()
        self._server.shutdown()
        if self._thread:
            self._thread.join(timeout=5)

    @property
    def connected(self) -> bool:
        """Whether a subscribed connection is up."""
        return self.active is not None

    def drop(self) -> None:
        """Close the subscribed connection (a network failure, as the client sees it)."""
        with self._lock:
            session, self.active = self.active, None
        if session is not None:
            session.ws.close(1001, "going away")

    # --- one connection ---------------------------------------------------------------------
    def _serve(self, ws: ServerConnection) -> None:
        session = Session(ws)
        with self._lock:
            self.sessions_opened += 1
        try:
            while True:
                try:
                    raw = ws.recv(timeout=self.heartbeat_timeout)
                except TimeoutError:
                    ws.close(1000, "heartbeat timeout")
                    return
                answer = self._answer(session, raw)
                if answer is not None:
                    session.send(answer)
                if answer is not None and answer.get("errcode") and not session.subscribed:
                    ws.close(1008, "subscribe failed")
                    return
        except ConnectionClosed:
            return
        finally:
            with self._lock:
                if self.active is session:
                    self.active = None

    def _answer(self, session: Session, raw: str | bytes) -> dict | None:
        try:
            frame = json.loads(raw)
            req_id = str((frame.get("headers") or {}).get("req_id", ""))
            cmd = frame.get("cmd")
        except (ValueError, AttributeError):
            return {"headers": {}, **errcodes.error_body(errcodes.INVALID_PARAMETER, "frame is not JSON")}
        with self._lock:
            self.frames.append(frame)
        try:
            answer = self._dispatch(session, cmd, req_id, frame.get("body"))
        except WeComError as err:
            return {"headers": {"req_id": req_id}, **errcodes.error_body(err.code, err.detail)}
        ack = {"headers": {"req_id": req_id}, "errcode": 0, "errmsg": "ok"}
        return {**ack, "body": answer} if answer else ack  # an upload's ack carries upload_id / media_id

    def _dispatch(self, session: Session, cmd: object, req_id: str, body: object) -> dict | None:
        if cmd == SUBSCRIBE:
            return self._subscribe(session, body if isinstance(body, dict) else {})
        if not session.subscribed:
            raise WeComError(errcodes.INVALID_SECRET, "aibot_subscribe first")
        if cmd == PING:
            return None
        if not isinstance(body, dict):
            raise WeComError(errcodes.INVALID_PARAMETER, "body must be an object")
        return self.messaging.handle(str(cmd), req_id, body)

    def _subscribe(self, session: Session, body: dict) -> None:
        emu = self.emu
        if not emu.aibot_secret or body.get("bot_id") != emu.aibot_id or body.get("secret") != emu.aibot_secret:
            raise WeComError(errcodes.INVALID_SECRET, "bot_id or secret invalid")
        with self._lock:
            old, self.active = self.active, session
            session.subscribed = True
        if old is not None and old is not session:
            self._kick(old)

    def _kick(self, old: Session) -> None:
        """A new subscription replaces the old connection: it is told, then closed."""
        frame = {"cmd": "aibot_event_callback", "headers": {"req_id": _req_id()},
                 "body": {"msgid": secrets.token_urlsafe(16), "create_time": int(time.time()),
                          "aibotid": self.emu.aibot_id, "msgtype": "event",
                          "event": {"eventtype": "disconnected_event"}}}
        try:
            old.send(frame)
            old.ws.close(1000, "replaced by a new connection")
        except ConnectionClosed:
            pass

    # --- pushing ----------------------------------------------------------------------------
    def push(self, cmd: str, body: dict, origin: dict) -> Delivery:
        """Push a callback frame on the subscribed connection; ``origin`` (userid, chat_kind,
        chat, task_id) is kept for the replies and updates that may follow on its req_id."""
        req_id = _req_id(cmd)
        frame = {"cmd": cmd, "headers": {"req_id": req_id}, "body": body}
        delivery = Delivery("aibot_ws", self.url, json.dumps(body, ensure_ascii=False),
                            info={"req_id": req_id, "msgid": body.get("msgid")})
        self.messaging.remember(req_id, {**origin, "at": self.emu.clock.now()})
        started = time.monotonic()
        session = self.active
        try:
            if session is None:
                raise ConnectionError("no subscribed long connection")
            session.send(frame)
            delivery.attempts.append(Attempt(200, None, time.monotonic() - started))
        except (ConnectionClosed, ConnectionError) as err:
            delivery.attempts.append(Attempt(None, f"{type(err).__name__}: {err}", time.monotonic() - started))
        self.emu.deliveries.append(delivery)
        return delivery

    def reset(self) -> None:
        """Forget the frames log and the reply windows (the connection stays)."""
        with self._lock:
            self.frames.clear()
        self.messaging.reset()


def _req_id(prefix: str = "emu") -> str:
    return f"{prefix}_{int(time.time() * 1000)}_{secrets.token_hex(4)}"
