"""The emulated WeCom API under ``/cgi-bin/``: reads requests the way WeCom does (JSON body
whatever the Content-Type), applies injected faults, checks the access token, and answers
WeCom's JSON (errors with HTTP 200, as WeCom does).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Callable

from flask import Blueprint, Response, g, jsonify, request

from bot.emulator.wecom import errcodes, oauth, uploads
from bot.emulator.wecom.errcodes import WeComError, error_body

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator


def api_blueprint(emu: WeComEmulator) -> Blueprint:
    """Routes of the WeCom API, bound to ``emu``."""
    bp = Blueprint("wecom_api", __name__, url_prefix="/cgi-bin")
    bp.before_request(lambda: _injected_fault(emu))
    bp.after_request(_lost_answer)

    @bp.get("/gettoken")
    def gettoken():
        def issue() -> dict:
            token, expires_in = emu.tokens.issue(request.args.get("corpid"), request.args.get("corpsecret"))
            return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": expires_in}
        return _answer(emu, issue)

    def with_token(action: Callable[[dict], dict]) -> Callable[[], Response]:
        def view() -> Response:
            def run() -> dict:
                emu.tokens.check(request.args.get("access_token"))
                return action(_json_body())
            return _answer(emu, run)
        return view

    bp.add_url_rule("/message/send", "message_send", with_token(emu.messaging.send), methods=["POST"])
    bp.add_url_rule("/message/update_template_card", "update_template_card",
                    with_token(emu.messaging.update_card), methods=["POST"])
    bp.add_url_rule("/appchat/create", "appchat_create", with_token(emu.messaging.create_chat), methods=["POST"])
    bp.add_url_rule("/appchat/send", "appchat_send", with_token(emu.messaging.send_to_chat), methods=["POST"])

    oauth.add_api_routes(bp, emu, _answer)  # GET auth/getuserinfo (sign-in code exchange)

    @bp.get("/media/get")
    def media_get():
        try:
            emu.tokens.check(request.args.get("access_token"))
            media = emu.media.get(request.args.get("media_id"))
        except WeComError as err:
            _log(emu, err.code)
            return jsonify(error_body(err.code, err.detail, from_ip=request.remote_addr or ""))
        _log(emu, 0)
        return _media_response(media)

    @bp.post("/media/upload")
    def media_upload():
        def run() -> dict:
            emu.tokens.check(request.args.get("access_token"))
            return uploads.app_upload(emu, request.args.get("type"), request.files.get("media"))
        return _answer(emu, run)

    @bp.post("/webhook/upload_media")
    def webhook_upload_media():
        return _answer(emu, lambda: uploads.robot_upload(emu, request.args.get("key"), request.args.get("type"),
                                                         request.files.get("media")))

    @bp.post("/webhook/send")
    def webhook_send():
        return _answer(emu, lambda: emu.robots.webhook_send(request.args.get("key"), _json_body()))

    @bp.post("/aibot/response")
    def aibot_response():
        return _answer(emu, lambda: emu.robots.aibot_reply(request.args.get("response_code"), _json_body()))

    return bp


def _media_response(media) -> Response:
    """The bytes of a media as WeCom serves them: its type and ``Content-disposition`` with the name."""
    from urllib.parse import quote

    headers = {"Content-disposition": f"attachment; filename=\"{quote(media.name)}\""}
    return Response(media.data, status=200, mimetype=media.content_type, headers=headers)


def _injected_fault(emu: WeComEmulator) -> Response | None:
    """Apply the faults in force to this call: wait, then answer the fault, or let it through."""
    outcome = emu.faults.take(request.path.removeprefix("/cgi-bin/"))
    if outcome.delay:
        time.sleep(outcome.delay)  # deliberate, injected slowness
    if outcome.http_status:
        _log(emu, f"http {outcome.http_status}")
        return Response("injected failure", status=outcome.http_status, mimetype="text/plain")
    if outcome.errcode is not None:
        _log(emu, outcome.errcode)
        return jsonify(error_body(outcome.errcode, from_ip=request.remote_addr or ""))
    g.lost_status = outcome.lost_status
    return None


def _lost_answer(response: Response) -> Response:
    """A call served under a ``lost`` fault: its effect stays, its answer becomes the fault's status."""
    status = g.get("lost_status")
    if not status:
        return response
    return Response("injected failure after the call was served", status=status, mimetype="text/plain")


def _json_body() -> dict:
    """The request's JSON object; raises WeComError 40058 when it is not one."""
    try:
        data = json.loads(request.get_data() or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise WeComError(errcodes.INVALID_PARAMETER, "invalid json") from exc
    if not isinstance(data, dict):
        raise WeComError(errcodes.INVALID_PARAMETER, "json object expected")
    return data


def _answer(emu: WeComEmulator, action: Callable[[], dict]) -> Response:
    try:
        result = action()
    except WeComError as err:
        _log(emu, err.code)
        return jsonify(error_body(err.code, err.detail, from_ip=request.remote_addr or ""))
    _log(emu, 0)
    return jsonify(result)


def _log(emu: WeComEmulator, outcome: int | str) -> None:
    emu.api_calls.append({"path": request.path, "outcome": outcome, "time": emu.clock.now()})
