"""Fixtures for the DingTalk emulator tests: a real emulator server and a tiny bot receiver.

The receiver checks DingTalk's signatures with its own code (and dingtalk-sdk's crypto for the
event subscription), records what arrived, and answers as each test tells it to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time

import pytest
import requests
from dingtalk.crypto import DingTalkCrypto
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bot.emulator import Directory, EmulatorServer

__all__ = ["ENV", "DESK", "FOOD", "SUN", "LI", "WU", "ZHAO", "BotReceiver", "make_directory", "api", "oapi",
           "receiver_process", "emulator_process", "receiver", "server", "dt", "token"]

ENV = {
    "DINGTALK_APP_KEY": "dingappkey0001",
    "DINGTALK_APP_SECRET": "app-secret-for-tests",
    "DINGTALK_ROBOT_CODE": "dingappkey0001",
    "DINGTALK_CARD_TEMPLATE_ID": "tpl-generic-0001.schema",
    "DINGTALK_CARD_ROUTE_KEY": "yuqing_route",
    "DINGTALK_CARD_CALLBACK_SECRET": "card-callback-secret",
    "DINGTALK_AGENT_ID": "3000001",
    "DINGTALK_TOKEN": "eventtoken123",
    "DINGTALK_AES_KEY": "1234567890123456789012345678901234567890123",
}
DESK, FOOD = "cidDESKxxxx==", "cidFOODyyyy=="
SUN, LI, WU, ZHAO = "0523", "0524", "0412", "0411"


def make_directory() -> Directory:
    """Four people, two groups: the desk (孙, 李) and food safety (李, 吴)."""
    return Directory(
        dingtalk_users={ZHAO: "赵局长", WU: "吴副局长", SUN: "孙科长", LI: "李干事"},
        dingtalk_groups={DESK: "综合应急和新闻宣传科", FOOD: "食品生产安全监督管理科"},
        group_members={DESK: [SUN, LI], FOOD: [LI, WU]},
    )


class BotReceiver:
    """A stand-in bot: verifies what DingTalk signs, records it, answers as told."""

    def __init__(self) -> None:
        self.reset()
        self.crypto = DingTalkCrypto(ENV["DINGTALK_TOKEN"], ENV["DINGTALK_AES_KEY"], ENV["DINGTALK_APP_KEY"])
        self._server = make_server("127.0.0.1", _free_port(), self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        """Forget what arrived; answer at once with 200 and no body."""
        self.received: list[dict] = []
        self.delay = 0.0            # seconds before answering (to miss the emulator's timeout)
        self.status = 200
        self.robot_reply: dict | None = None
        self.card_answer: dict | None = None
        self.event_reply = "success"

    def stop(self) -> None:
        self._server.shutdown()

    def of(self, path: str) -> list[dict]:
        return [r for r in self.received if r["path"] == path]

    @Request.application
    def _app(self, request: Request) -> Response:
        raw = request.get_data()
        entry = {"path": request.path, "headers": dict(request.headers), "args": dict(request.args),
                 "body": json.loads(raw) if raw else None, "verified": False}
        answer = {"/dingtalk/robot": self._robot, "/dingtalk/card": self._card,
                  "/dingtalk/events": self._event}[request.path](request, entry)
        self.received.append(entry)
        if self.delay:
            time.sleep(self.delay)  # the bot being slow, on purpose
        return Response(json.dumps(answer) if answer is not None else "", self.status,
                        content_type="application/json")

    def _robot(self, request, entry):
        ts, sign = request.headers.get("timestamp", ""), request.headers.get("sign", "")
        mac = hmac.new(ENV["DINGTALK_APP_SECRET"].encode(), f"{ts}\n{ENV['DINGTALK_APP_SECRET']}".encode(),
                       hashlib.sha256)
        fresh = abs(time.time() * 1000 - int(ts or 0)) < 3600_000
        entry["verified"] = fresh and hmac.compare_digest(base64.b64encode(mac.digest()).decode(), sign)
        return self.robot_reply

    def _card(self, request, entry):
        ts = request.headers.get("x-ddpaas-signature-timestamp", "")
        mac = hmac.new(ENV["DINGTALK_CARD_CALLBACK_SECRET"].encode(), ts.encode(), hashlib.sha256)
        expected = base64.b64encode(mac.digest()).decode()
        entry["verified"] = hmac.compare_digest(expected, request.headers.get("x-ddpaas-signature", ""))
        return self.card_answer

    def _event(self, request, entry):
        args = request.args
        signature = args.get("msg_signature") or args.get("signature")
        plain = self.crypto.decrypt_encrypt_str(signature, args["timestamp"], args["nonce"],
                                                entry["body"]["encrypt"])
        entry["verified"], entry["event"] = True, json.loads(plain)
        return self.crypto.encrypt_message(self.event_reply)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def receiver_process():
    bot = BotReceiver()
    yield bot
    bot.stop()


@pytest.fixture(scope="module")
def emulator_process(receiver_process):
    srv = EmulatorServer(ENV, make_directory(), bot_url=receiver_process.url).start()
    yield srv
    srv.dingtalk.courier.cancel_all()
    srv.stop()


@pytest.fixture
def receiver(receiver_process):
    """The stand-in bot, with nothing received and default answers."""
    receiver_process.reset()
    return receiver_process


@pytest.fixture
def server(emulator_process, receiver):
    """The running emulator server, reset, with short timeouts for tests."""
    dt = emulator_process.dingtalk
    dt.env = dict(ENV)
    dt.qps_limit = None
    dt.reset()
    dt.now = time.time
    dt.robot_timeout, dt.robot_redeliver_after, dt.robot_max_attempts = 1.0, 0.2, 2
    dt.card_callback_timeout, dt.check_url_timeout, dt.event_timeout = 2.0, 1.5, 2.5
    dt.event_retry_delays = (0.1, 0.2)
    yield emulator_process
    dt.courier.cancel_all()


@pytest.fixture
def dt(server):
    """The DingTalk emulator inside the running server."""
    return server.dingtalk


@pytest.fixture
def token(server) -> str:
    resp = requests.post(f"{server.url}/v1.0/oauth2/accessToken",
                         json={"appKey": ENV["DINGTALK_APP_KEY"], "appSecret": ENV["DINGTALK_APP_SECRET"]})
    return resp.json()["accessToken"]


def api(server, method: str, path: str, token: str | None, body) -> requests.Response:
    """Call the new API with the token in its header."""
    headers = {"x-acs-dingtalk-access-token": token} if token else {}
    return requests.request(method, f"{server.url}{path}", json=body, headers=headers, timeout=10)


def oapi(server, path: str, token: str | None, body) -> dict:
    """POST to the old API with the token in the query; returns the JSON (HTTP is always 200)."""
    params = {"access_token": token} if token else {}
    resp = requests.post(f"{server.url}{path}", params=params, json=body, timeout=10)
    assert resp.status_code == 200
    return resp.json()
