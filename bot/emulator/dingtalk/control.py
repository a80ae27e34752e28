"""JSON control endpoints under ``/_emulator/dingtalk/`` for the web console and drills.

Owns the routes: records (messages, cards, deliveries), the directory, acting as a person
(say, click, check_url), faults, token expiry and reset. A request no person could make
answers 400 ``{"error": …}``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from bot.emulator.dingtalk.errors import EmulatorUsageError

__all__ = ["build"]


def build(emu) -> Blueprint:
    """The blueprint of the control endpoints, bound to one emulator."""
    bp = Blueprint("dingtalk_control", __name__, url_prefix="/_emulator/dingtalk")
    bp.register_error_handler(EmulatorUsageError, lambda e: (jsonify(error=str(e)), 400))
    bp.register_error_handler(ValueError, lambda e: (jsonify(error=str(e)), 400))

    @bp.get("/records")
    def records():
        return jsonify(messages=[m.to_dict() for m in emu.records.messages],
                       cards=[c.to_dict() for c in emu.cards.all()],
                       deliveries=[d.to_dict() for d in emu.records.deliveries_of()])

    @bp.get("/directory")
    def directory():
        d = emu.directory
        return jsonify(users=d.dingtalk_users, groups=d.dingtalk_groups,
                       members={cid: emu.group_members(cid) for cid in d.dingtalk_groups})

    @bp.get("/users/<userid>/messages")
    def user_messages(userid):
        return jsonify([m.to_dict() for m in emu.messages_for_user(userid, include_inbound=True)])

    @bp.get("/groups/<path:cid>/messages")
    def group_messages(cid):
        return jsonify([m.to_dict() for m in emu.messages_for_group(cid, include_inbound=True)])

    @bp.get("/cards/<path:out_track_id>")
    def card(out_track_id):
        found = emu.card(out_track_id)
        if found is None:
            return jsonify(error=f"no card {out_track_id!r}"), 404
        return jsonify(found.to_dict(request.args.get("user")))

    @bp.post("/act/say")
    def say():
        body = _body()
        delivery = emu.say(body.get("user", ""), body.get("text", ""), group=body.get("group"),
                           at_bot=body.get("at_bot", True), msgtype=body.get("msgtype", "text"))
        return jsonify(delivery.to_dict() if delivery else None)

    @bp.post("/act/click")
    def click():
        body = _body()
        return jsonify(emu.click(body.get("user", ""), body.get("outTrackId", ""),
                                 body.get("actionId", "")).to_dict())

    @bp.post("/act/check_url")
    def check_url():
        return jsonify(emu.check_url(_body().get("signature_param", "msg_signature")).to_dict())

    @bp.get("/faults")
    def faults():
        return jsonify([f.to_dict() for f in emu.faults.active()])

    @bp.post("/faults")
    def add_fault():
        b = _body()
        fault = emu.faults.add(b.get("kind", ""), b.get("family", "all"), b.get("count"), b.get("path", ""),
                               b.get("seconds", 0.0), b.get("status", 500))
        return jsonify(fault.to_dict())

    @bp.delete("/faults")
    def clear_faults():
        emu.faults.clear(request.args.get("kind"))
        return jsonify(ok=True)

    @bp.post("/tokens/expire")
    def expire_tokens():
        return jsonify(expired=emu.expire_tokens())

    @bp.post("/reset")
    def reset():
        emu.reset()
        return jsonify(ok=True)

    return bp


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data
