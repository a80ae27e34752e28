"""One HTTP server for both emulators: WeCom under ``/cgi-bin/``, DingTalk's old API at its own
paths and the new one under ``/v1.0/``; control endpoints under ``/_emulator/``.

``EmulatorServer`` runs it in a background thread for tests and the demo. Another platform's emulator
joins the same address as one of ``extras``: an object with ``blueprint()`` (its routes) and the
attributes ``base_url`` and ``bot_url``, which the server sets as it sets WeCom's and DingTalk's.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Mapping, Sequence

from flask import Flask, jsonify
from werkzeug.serving import make_server

from bot.emulator.dingtalk import DingTalkEmulator
from bot.emulator.directory import Directory
from bot.emulator.wecom import WeComEmulator

log = logging.getLogger(__name__)


def create_emulator_app(wecom: WeComEmulator, dingtalk: DingTalkEmulator, extras: Sequence[Any] = ()) -> Flask:
    """The Flask app serving both emulators (and any ``extras``' blueprints)."""
    app = Flask("yuqing-emulator")
    for emulator in (wecom, dingtalk, *extras):
        app.register_blueprint(emulator.blueprint())

    @app.get("/_emulator/health")
    def health():
        return jsonify(ok=True)

    return app


class EmulatorServer:
    """Both emulators on one real HTTP address, served from a thread.

    ``env`` supplies the credentials to accept (the same variable names the bot reads);
    ``bot_url`` is where callbacks are POSTed (may be set later with :meth:`set_bot_url`);
    ``extras`` are other platforms' emulators served on the same address.
    """

    def __init__(self, env: Mapping[str, str], directory: Directory, host: str = "127.0.0.1", port: int = 0,
                 bot_url: str = "", extras: Sequence[Any] = ()) -> None:
        self.wecom = WeComEmulator(env, directory)
        self.dingtalk = DingTalkEmulator(env, directory)
        self.extras = tuple(extras)
        self.app = create_emulator_app(self.wecom, self.dingtalk, self.extras)
        self._server = make_server(host, port, self.app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        for emulator in (self.wecom, self.dingtalk, *self.extras):
            emulator.base_url = self.url
        self.wecom.serve_longconn(host)
        self._thread: threading.Thread | None = None
        if bot_url:
            self.set_bot_url(bot_url)

    def set_bot_url(self, url: str) -> None:
        """Where every emulator sends callbacks (the bot's public base URL)."""
        for emulator in (self.wecom, self.dingtalk, *self.extras):
            emulator.bot_url = url.rstrip("/")

    def start(self) -> EmulatorServer:
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="emulator", daemon=True)
        self._thread.start()
        log.debug("emulator serving at %s", self.url)
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (``yuqing emulator``)."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and join the thread."""
        self._server.shutdown()
        self._server.server_close()
        if self.wecom.longconn is not None:
            self.wecom.longconn.stop()
        if self._thread:
            self._thread.join(timeout=5)
