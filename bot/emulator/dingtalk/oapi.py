"""The old API family (oapi.dingtalk.com): token, work notifications, the robot's sessionWebhook.

Owns the routes ``GET /gettoken``, ``POST /topapi/message/corpconversation/asyncsend_v2`` and
``…/getsendresult``, and ``POST /robot/sendBySession``. Errors: HTTP 200 + ``errcode``.
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, jsonify, request

from bot.emulator.dingtalk import gate, media, oauth, payloads
from bot.emulator.dingtalk.errors import OapiError, request_id

__all__ = ["build"]

USERS_LIMIT = 100


def build(emu) -> Blueprint:
    """The blueprint of the old API routes, bound to one emulator."""
    bp = Blueprint("dingtalk_oapi", __name__)
    bp.before_request(lambda: gate.apply_faults(emu, "oapi"))
    bp.after_request(lambda response: gate.apply_late_faults(emu, "oapi", response))
    bp.register_error_handler(OapiError, lambda e: e.response())
    for rule, method, view in ROUTES:
        bp.add_url_rule(rule, view.__name__, partial(view, emu), methods=[method])
    bp.register_blueprint(oauth.oapi_routes(emu))  # getbyunionid, v2/user/getuserinfo (sign-in)
    return bp


def gettoken(emu):
    """``GET /gettoken?appkey=&appsecret=``: the token (the same one while it is valid)."""
    key, secret = request.args.get("appkey", ""), request.args.get("appsecret", "")
    if not key or not secret:
        raise OapiError(40035, "缺少参数 appkey 或 appsecret")
    if key != emu.app_key or secret != emu.app_secret:
        raise OapiError(40096, "不合法的appKey或appSecret")
    token, expires_in = emu.tokens.issue()
    return jsonify(errcode=0, errmsg="ok", access_token=token, expires_in=expires_in)


def asyncsend_v2(emu):
    """``POST /topapi/message/corpconversation/asyncsend_v2``: a work notification."""
    gate.check_oapi_token(emu)
    return _asyncsend(emu, _oapi_params())


def getsendresult(emu):
    """``POST …/getsendresult``: who a work notification reached, and who it did not."""
    gate.check_oapi_token(emu)
    params = _oapi_params()
    _check_agent(emu, params.get("agent_id"))
    result = emu.notices.result(_int(params.get("task_id"), "task_id"))
    if result is None:
        raise OapiError(40035, "不合法的参数 task_id")
    return jsonify(errcode=0, errmsg="ok", send_result=result, request_id=request_id())


def send_by_session(emu):
    """``POST /robot/sendBySession?session=``: a reply into the conversation of a live session."""
    session = emu.sessions.live(request.args.get("session", ""))
    if session is None:
        raise OapiError(300001, "session 不存在")
    body = gate.json_body()
    msgtype, content = payloads.webhook_message(body)
    at = body.get("at") if isinstance(body.get("at"), dict) else {}
    emu.records.add(channel="session_webhook", sender="bot", msgtype=msgtype, content=content,
                    at=emu.now(), group=session.group, user=None if session.group else session.user,
                    at_user_ids=list(at.get("atUserIds") or []))
    return jsonify(errcode=0, errmsg="ok")


ROUTES = [
    ("/gettoken", "GET", gettoken),
    ("/topapi/message/corpconversation/asyncsend_v2", "POST", asyncsend_v2),
    ("/topapi/message/corpconversation/getsendresult", "POST", getsendresult),
    ("/robot/sendBySession", "POST", send_by_session),
    ("/media/upload", "POST", media.upload),
]


def _oapi_params() -> dict:
    """The body as JSON, or as a form (the docs' curl sends form fields)."""
    return gate.json_body() or request.form.to_dict()


def _int(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise OapiError(40035, f"缺少参数 {name}") from None


def _check_agent(emu, agent_id) -> None:
    if agent_id in (None, ""):
        raise OapiError(40035, "缺少参数 agent_id")
    if str(agent_id) != emu.agent_id:
        raise OapiError(40035, "不合法的参数 agent_id")


def _asyncsend(emu, params: dict):
    _check_agent(emu, params.get("agent_id"))
    if "msg" not in params:
        raise OapiError(40035, "缺少参数 msg")
    msgtype, content = payloads.notice_message(params["msg"])
    raw_users = params.get("userid_list") or ""
    if not isinstance(raw_users, str):
        raise OapiError(40035, "不合法的参数 userid_list: 应为逗号分隔的字符串")
    users = [u for u in raw_users.split(",") if u]
    to_all = str(params.get("to_all_user", "false")).lower() == "true"
    if not users and not params.get("dept_id_list") and not to_all:
        raise OapiError(40035, "缺少参数 userid_list")
    if len(users) > USERS_LIMIT:
        raise OapiError(40035, f"不合法的参数 userid_list: 最多{USERS_LIMIT}个")
    if to_all:
        users = sorted(emu.directory.dingtalk_users)
    task_id, reached = emu.notices.send(users, set(emu.directory.dingtalk_users),
                                        {"msgtype": msgtype, msgtype: content}, emu.now())
    for user in reached:
        emu.records.add(channel="work_notice", sender="bot", msgtype=msgtype, content=content,
                        at=emu.now(), user=user)
    return jsonify(errcode=0, errmsg="ok", task_id=task_id, request_id=request_id())
