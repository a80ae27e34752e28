"""Files people send to the robot: a ``downloadCode`` in the callback, turned into a short-lived
``downloadUrl`` by ``POST /v1.0/robot/messageFiles/download`` (token, ``robotCode`` of this app), and the
bytes served at that URL while it lives.

Lifetimes are not documented: a downloadCode is taken to live ``CODE_TTL`` (1 day) and a downloadUrl
``URL_TTL`` (1 hour) of the emulator's clock — both attributes, both guesses (docs/emulator-dingtalk.md).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Callable

from flask import Response, jsonify

from bot.emulator.dingtalk import gate
from bot.emulator.dingtalk.errors import ApiError

CODE_TTL = 24 * 3600
URL_TTL = 3600
TYPES = {"picture": "image/jpeg", "file": "application/octet-stream", "video": "video/mp4", "audio": "audio/amr"}


@dataclass(frozen=True)
class SentFile:
    """One file a person sent."""

    code: str
    msgtype: str
    data: bytes
    name: str
    created: float


class FileBook:
    """Download codes and the download URLs handed out for them."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now
        self.code_ttl, self.url_ttl = CODE_TTL, URL_TTL
        self._files: dict[str, SentFile] = {}
        self._urls: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def add(self, msgtype: str, data: bytes, name: str = "") -> SentFile:
        """Keep what a person sent; its fresh downloadCode (opaque, base64-like, as DingTalk's)."""
        sent = SentFile("mIof" + secrets.token_urlsafe(60), msgtype, data, name, self.now())
        with self._lock:
            self._files[sent.code] = sent
        return sent

    def resolve(self, code: str) -> str:
        """A fresh URL token for ``code``; raises ApiError when the code is unknown or expired."""
        sent = self._files.get(code)
        if sent is None or self.now() >= sent.created + self.code_ttl:
            raise ApiError(400, "invalidParameter.downloadCode.invalid", "downloadCode无效或已过期")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._urls[token] = (code, self.now() + self.url_ttl)
        return token

    def open(self, token: str) -> SentFile | None:
        """The file behind a download URL while it lives, else None."""
        code, until = self._urls.get(token, ("", 0.0))
        return self._files.get(code) if code and self.now() < until else None

    def clear(self) -> None:
        """Forget every file and URL."""
        with self._lock:
            self._files.clear()
            self._urls.clear()


def download(emu):
    """``POST /v1.0/robot/messageFiles/download``: ``{downloadCode, robotCode}`` → ``{downloadUrl}``."""
    gate.check_api_token(emu)
    body = gate.json_body()
    if body is None:
        raise ApiError(400, "invalidParameter.msgBody.invalid", "body必须是JSON")
    if not body.get("robotCode"):
        raise ApiError(400, "invalidParameter.robotCode.missing", "缺少robotCode")
    if body["robotCode"] != emu.robot_code:
        raise ApiError(400, "invalidParameter.robotCode.notExsit", "机器人不存在")
    if not body.get("downloadCode"):
        raise ApiError(400, "invalidParameter.downloadCode.empty", "缺少downloadCode")
    token = emu.files.resolve(str(body["downloadCode"]))
    return jsonify(downloadUrl=f"{emu.base_url}/_emulator/dingtalk/download/{token}")


def serve(emu, token: str):
    """The bytes at a download URL; an expired or unknown URL is 403, as the storage answers."""
    sent = emu.files.open(token)
    if sent is None:
        return Response("<Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>",
                        status=403, mimetype="application/xml")
    return Response(sent.data, mimetype=TYPES.get(sent.msgtype, TYPES["file"]))
