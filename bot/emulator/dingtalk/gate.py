"""What every API request passes before its route runs: injected faults and the access token.

Owns: turning an injected fault into each family's answer (before the route runs, and the
``server_error_after`` kind on the route's successful answer), and the token checks
(old API: ``?access_token=`` only; new API: the ``x-acs-dingtalk-access-token`` header only).
"""

from __future__ import annotations

import time

from flask import request

from bot.emulator.dingtalk.errors import ApiError, OapiError
from bot.emulator.dingtalk.faults import AFTER

__all__ = ["apply_faults", "apply_late_faults", "check_oapi_token", "check_api_token", "json_body"]

THROTTLE_OAPI = OapiError(90018, "当前应用调用该接口的并发量已经超过限制，请降低调用频率")
THROTTLE_API = ApiError(403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
                        "应用调用该接口的并发量已经超过限制，请降低调用频率")


def apply_faults(emu, family: str):
    """Sleep for an injected slowness, then answer for an injected error or the QPS limit;
    None to go on."""
    hits = {f.kind: f for f in emu.faults.take(family, request.path)}
    if "slow" in hits:
        time.sleep(hits["slow"].seconds)  # the one deliberate sleep: injected slowness
    if "server_error" in hits:
        status = hits["server_error"].status
        err = (OapiError(-1, "系统繁忙", status=status) if family == "oapi"
               else ApiError(status, "ServiceUnavailable", "系统繁忙"))
        return err.response()
    if "throttle" in hits or not emu.rate.allow(family, request.path):
        return (THROTTLE_OAPI if family == "oapi" else THROTTLE_API).response()
    return None


def apply_late_faults(emu, family: str, response):
    """The route's ``response``, or a 5xx in its place when ``server_error_after`` hits a successful answer:
    what the route did stands, the caller learns nothing of it."""
    answer = response.get_json(silent=True) if response.is_json else None
    refused = isinstance(answer, dict) and answer.get("errcode", 0) != 0
    if response.status_code >= 400 or refused:
        return response
    hits = emu.faults.take(family, request.path, AFTER)
    if not hits:
        return response
    status = hits[0].status
    err = (OapiError(-1, "系统繁忙", status=status) if family == "oapi"
           else ApiError(status, "ServiceUnavailable", "系统繁忙"))
    body, status = err.response()
    body.status_code = status
    return body


def check_oapi_token(emu) -> None:
    """Raise OapiError 88 unless the query carries a live token (a header does not count)."""
    token = request.args.get("access_token", "")
    if not token:
        raise OapiError.token("40000", "access_token is blank")
    if not emu.tokens.valid(token):
        raise OapiError.token("40014", "不合法的access_token")


def check_api_token(emu) -> None:
    """Raise ApiError unless the header carries a live token (query and Bearer do not count)."""
    token = request.headers.get("x-acs-dingtalk-access-token", "")
    if not token:
        raise ApiError(400, "AuthenticationFailed.MissingParameter", "缺少参数：x-acs-dingtalk-access-token")
    if not emu.tokens.valid(token):
        raise ApiError(400, "InvalidAuthentication", "不合法的access_token")


def json_body() -> dict | None:
    """The request's JSON object, or None when the body is not one."""
    data = request.get_json(silent=True, force=True)
    return data if isinstance(data, dict) else None
