"""DingTalk's two error shapes, and the error a test writer gets for an impossible act.

Owns: ``OapiError`` (old API: HTTP 200 + ``errcode``/``errmsg``, 88 + ``sub_code`` for tokens),
``ApiError`` (new API: 4xx/5xx + ``{code, message, requestid}``), and ``EmulatorUsageError``.
"""

from __future__ import annotations

import uuid

from flask import jsonify

__all__ = ["OapiError", "ApiError", "EmulatorUsageError", "request_id"]


def request_id() -> str:
    """A fresh request id in DingTalk's style (lower-case alphanumerics)."""
    return uuid.uuid4().hex[:13]


class EmulatorUsageError(Exception):
    """The test asked for something no person could do (click a card they cannot see, …)."""


class OapiError(Exception):
    """An old-API (oapi) error, answered with HTTP 200 (or ``status``) and ``errcode``."""

    def __init__(self, errcode: int, errmsg: str, sub_code: str = "", sub_msg: str = "",
                 status: int = 200) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode, self.errmsg = errcode, errmsg
        self.sub_code, self.sub_msg, self.status = sub_code, sub_msg, status

    @classmethod
    def token(cls, sub_code: str, sub_msg: str) -> OapiError:
        """The 88 wrapper the real servers use for token problems."""
        return cls(88, f"ding talk error[subcode={sub_code},submsg={sub_msg}]", sub_code, sub_msg)

    def response(self):
        """The Flask response for this error."""
        body = {"errcode": self.errcode, "errmsg": self.errmsg, "request_id": request_id()}
        if self.sub_code:
            body.update(sub_code=self.sub_code, sub_msg=self.sub_msg)
        return jsonify(body), self.status


class ApiError(Exception):
    """A new-API (api.dingtalk.com) error: an HTTP status with ``{code, message, requestid}``."""

    def __init__(self, status: int, code: str, message: str = "") -> None:
        super().__init__(f"{status} {code}")
        self.status, self.code, self.message = status, code, message or code

    def response(self):
        """The Flask response for this error."""
        return jsonify(code=self.code, message=self.message, requestid=request_id()), self.status
