"""The new API family (api.dingtalk.com/v1.0): token and robot messages; cards in card_api.

Owns the routes ``POST /v1.0/oauth2/accessToken``, ``POST /v1.0/robot/groupMessages/send`` and
``POST /v1.0/robot/oToMessages/batchSend``. Errors: 4xx + ``{code, message, requestid}``.
"""

from __future__ import annotations

import secrets
from functools import partial

from flask import Blueprint, jsonify

from bot.emulator.dingtalk import card_api, files, gate, oauth, payloads
from bot.emulator.dingtalk.errors import ApiError

__all__ = ["build"]

BATCH_LIMIT = 20


def build(emu) -> Blueprint:
    """The blueprint of the new API routes (cards included), bound to one emulator."""
    bp = Blueprint("dingtalk_api", __name__, url_prefix="/v1.0")
    bp.before_request(lambda: gate.apply_faults(emu, "api"))
    bp.after_request(lambda response: gate.apply_late_faults(emu, "api", response))
    bp.register_error_handler(ApiError, lambda e: e.response())
    for rule, method, view in ROUTES:
        bp.add_url_rule(rule, view.__name__, partial(view, emu), methods=[method])
    bp.register_blueprint(card_api.build(emu))
    bp.register_blueprint(oauth.api_routes(emu))  # userAccessToken, contact/users/me (sign-in)
    return bp


def access_token(emu):
    """``POST /v1.0/oauth2/accessToken``: the token (the same one while it is valid)."""
    body = gate.json_body() or {}
    if not body.get("appKey"):
        raise ApiError(400, "MissingappKey", "appKey is mandatory for this action.")
    if not body.get("appSecret"):
        raise ApiError(400, "MissingappSecret", "appSecret is mandatory for this action.")
    if body["appKey"] != emu.app_key or body["appSecret"] != emu.app_secret:
        raise ApiError(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
    token, expires_in = emu.tokens.issue()
    return jsonify(accessToken=token, expireIn=expires_in)


def group_send(emu):
    """``POST /v1.0/robot/groupMessages/send``: a robot message into a known group."""
    gate.check_api_token(emu)
    body = _robot_body(emu)
    cid = body.get("openConversationId")
    if not cid:
        raise ApiError(400, "miss.openConversationId", "缺少openConversationId")
    if cid not in emu.directory.dingtalk_groups:
        raise ApiError(400, "invalid.openConversationId", "无效的openConversationId")
    param = payloads.robot_message(body.get("msgKey"), body.get("msgParam"))
    emu.media.check_param(body["msgKey"], param)
    emu.records.add(channel="robot_group", sender="bot", msgtype=body["msgKey"], content=param,
                    at=emu.now(), group=cid)
    return jsonify(processQueryKey=secrets.token_urlsafe(24))


def batch_send(emu):
    """``POST /v1.0/robot/oToMessages/batchSend``: one robot message to ≤ 20 people, 1:1; unknown people in
    ``invalidStaffIdList``, people in ``emu.robot_filtered`` in ``filteredStaffIdList``, neither delivered."""
    gate.check_api_token(emu)
    body = _robot_body(emu)
    users = body.get("userIds")
    if not users or not isinstance(users, list):
        raise ApiError(400, "invalidParameter.userIds.empty", "用户userId列表为空")
    if len(users) > BATCH_LIMIT:
        raise ApiError(400, "invalidParameter.userIds.overMax", "用户userId列表超过最大限制")
    param = payloads.robot_message(body.get("msgKey"), body.get("msgParam"))
    emu.media.check_param(body["msgKey"], param)
    known = emu.directory.dingtalk_users
    invalid = [u for u in users if u not in known]
    filtered = [u for u in dict.fromkeys(users) if u in known and u in emu.robot_filtered]
    for user in dict.fromkeys(u for u in users if u in known and u not in filtered):
        emu.records.add(channel="robot_oto", sender="bot", msgtype=body["msgKey"], content=param,
                        at=emu.now(), user=user)
    return jsonify(processQueryKey=secrets.token_urlsafe(24), invalidStaffIdList=invalid,
                   flowControlledStaffIdList=[], filteredStaffIdList=filtered)


ROUTES = [
    ("/oauth2/accessToken", "POST", access_token),
    ("/robot/groupMessages/send", "POST", group_send),
    ("/robot/oToMessages/batchSend", "POST", batch_send),
    ("/robot/messageFiles/download", "POST", files.download),
]


def _robot_body(emu) -> dict:
    """The JSON body of a robot send with a robotCode that belongs to this app."""
    body = gate.json_body()
    if body is None:
        raise ApiError(400, "invalidParameter.msgBody.invalid", "body必须是JSON")
    code = body.get("robotCode")
    if not code:
        raise ApiError(400, "invalidParameter.robotCode.missing", "缺少robotCode")
    if code != emu.robot_code:
        raise ApiError(400, "invalidParameter.robotCode.notExsit", "机器人不存在")
    return body
