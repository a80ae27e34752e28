"""Fixtures for the WeCom emulator tests: a real emulator server, an API client, and a tiny
bot receiver that checks callbacks with wechatpy's crypto (an independent implementation).

Test modules import the fixtures they use from here (``tests/emulator/conftest.py`` is left
to the shared fixtures).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
from wechatpy.enterprise.crypto import WeChatCrypto
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bot.emulator import Directory, EmulatorServer

CORP_ID = "ww1234567890abcdef"
APP_AES_KEY = base64.b64encode(bytes(range(32))).decode()[:-1]
AIBOT_AES_KEY = base64.b64encode(bytes(range(100, 132))).decode()[:-1]
ENV = {
    "WECOM_CORP_ID": CORP_ID,
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "app-secret-for-tests",
    "WECOM_TOKEN": "apptoken",
    "WECOM_AES_KEY": APP_AES_KEY,
    "WECOM_AIBOT_TOKEN": "aibottoken",
    "WECOM_AIBOT_AES_KEY": AIBOT_AES_KEY,
}
DESK_HOOK = "hook-desk-0001"
DESK_CHAT = "wrDeskChat01"
DESK_NAME = "综合应急和新闻宣传科"


def make_directory() -> Directory:
    """Four WeCom people; the desk unit's group with a webhook robot and the smart bot."""
    members = ["ligs", "zhouks", "qianfjz"]
    return Directory(
        wecom_users={"ligs": "李干事", "zhouks": "周科长", "qianfjz": "钱副局长", "zhenggcs": "郑工程师"},
        wecom_hooks={DESK_HOOK: DESK_NAME},
        wecom_aibot_chats={DESK_CHAT: DESK_NAME},
        group_members={DESK_HOOK: members, DESK_CHAT: members},
    )


@pytest.fixture(scope="module")
def server():
    """Both emulators on a free port, shared by a module's tests."""
    srv = EmulatorServer(ENV, make_directory())
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def wecom(server):
    """The WeCom emulator of ``server``, reset, with a 1.5 s callback timeout (room for a loaded 2-core machine)."""
    emu = server.wecom
    emu.reset()
    emu.callback_timeout = 1.5
    emu.callback_attempts = 3
    emu.actor.timestamp_skew = 0
    emu.robots.webhook_per_minute = 20
    emu.messaging.per_member_per_minute = None
    return emu


class WeComApi:
    """A minimal client of the emulated API (what any WeCom client would send)."""

    def __init__(self, base: str) -> None:
        self.base = base + "/cgi-bin/"
        self.session = requests.Session()
        self.session.trust_env = False
        self._token = ""

    def gettoken(self, corpid: str = CORP_ID, secret: str = ENV["WECOM_SECRET"]) -> dict:
        """Call gettoken and return WeCom's JSON."""
        return self.session.get(self.base + "gettoken", params={"corpid": corpid, "corpsecret": secret}).json()

    def token(self) -> str:
        """A valid access token (fetched once)."""
        if not self._token:
            self._token = self.gettoken()["access_token"]
        return self._token

    def post(self, path: str, data: dict, token: str | None = None, **params) -> requests.Response:
        """POST raw JSON bytes with no Content-Type, as wechatpy does."""
        if token is None and not path.startswith(("webhook/", "aibot/")):
            token = self.token()
        if token is not None:
            params["access_token"] = token
        body = json.dumps(data, ensure_ascii=False).encode()
        return self.session.post(self.base + path, params=params, data=body)

    def call(self, path: str, data: dict, **kwargs) -> dict:
        """POST and return WeCom's JSON answer."""
        return self.post(path, data, **kwargs).json()


@pytest.fixture
def api(server, wecom):
    """A client of the emulated WeCom API (on a freshly reset emulator)."""
    return WeComApi(server.url)


@dataclass
class Received:
    """One request the bot receiver got, decrypted with wechatpy when it was authentic."""

    method: str
    path: str
    query: dict
    body: bytes
    plaintext: str | None = None
    error: str | None = None
    arrived: float = field(default_factory=time.monotonic)

    def json(self) -> dict:
        """The decrypted smart-bot payload."""
        return json.loads(self.plaintext or "null")


class BotReceiver:
    """A stand-in bot: decrypts with wechatpy, records, answers per ``delays``/``status``/``reply``."""

    def __init__(self) -> None:
        self.app = WeChatCrypto(ENV["WECOM_TOKEN"], APP_AES_KEY, CORP_ID)
        self.aibot = WeChatCrypto(ENV["WECOM_AIBOT_TOKEN"], AIBOT_AES_KEY, "")
        self.received: list[Received] = []
        self.delays: list[float] = []
        self.status = 200
        self.reply = None  # callable(Received) -> bytes
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        got = Received(request.method, request.path, dict(request.args), request.get_data())
        self.received.append(got)
        self._open(got)
        delay = self.delays.pop(0) if self.delays else 0
        if delay:
            time.sleep(delay)  # the slow bot a retry test needs
        body = self.reply(got) if self.reply and got.plaintext is not None else b""
        if got.method == "GET" and got.plaintext is not None:
            body = got.plaintext.encode()
        return Response(body, status=self.status)(environ, start_response)

    def _open(self, got: Received) -> None:
        crypto = self.app if got.path == "/wecom/callback" else self.aibot
        q = got.query
        try:
            if got.method == "GET":
                got.plaintext = crypto.check_signature(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"])
            elif got.path == "/wecom/callback":
                got.plaintext = crypto.decrypt_message(got.body.decode(), q["msg_signature"], q["timestamp"],
                                                       q["nonce"])
            else:
                envelope = {"Encrypt": json.loads(got.body)["encrypt"]}
                got.plaintext = crypto.decrypt_message(envelope, q["msg_signature"], q["timestamp"], q["nonce"])
        except Exception as err:  # noqa: BLE001 - the test asserts on the recorded error
            got.error = f"{type(err).__name__}: {err}"

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def bot(server, wecom):
    """A bot receiver wired as the emulator's ``bot_url``."""
    receiver = BotReceiver()
    server.set_bot_url(receiver.url)
    yield receiver
    receiver.stop()


def button_card(task_id: str = "case-42-ack", keys: tuple[str, ...] = ("case.ack", "case.reject")) -> dict:
    """A valid button_interaction card."""
    return {"card_type": "button_interaction", "main_title": {"title": "舆情 YQ-2026-0042", "desc": "请签收"},
            "button_list": [{"text": f"按钮{i}", "style": 1, "key": k} for i, k in enumerate(keys)],
            "task_id": task_id}


def send_card(api: WeComApi, card: dict, touser: str = "ligs", **extra) -> dict:
    """message/send a template card and return WeCom's JSON."""
    data = {"touser": touser, "msgtype": "template_card", "agentid": 1000002, "template_card": card, **extra}
    return api.call("message/send", data)
