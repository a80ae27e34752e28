"""JSON control endpoints under ``/_emulator/wecom/`` for tests and the demo console: the
records, acting as a person, faults, token expiry, the emulated clock and reset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, jsonify, request

from bot.emulator.wecom.actor import ActError
from bot.emulator.wecom.api import _media_response
from bot.emulator.wecom.errcodes import WeComError

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator


def control_blueprint(emu: WeComEmulator) -> Blueprint:
    """Control routes bound to ``emu``."""
    bp = Blueprint("wecom_control", __name__, url_prefix="/_emulator/wecom")
    _record_routes(bp, emu)
    _act_routes(bp, emu)
    _setting_routes(bp, emu)
    return bp


def _record_routes(bp: Blueprint, emu: WeComEmulator) -> None:
    """Reading: the directory, the records, one person's or group's messages, logs; a picture's PicUrl; a
    media's name and size, and its bytes."""

    @bp.get("/pic/<media_id>")
    def picture(media_id: str):
        media = _live_media(emu, media_id)
        return _media_response(media) if media is not None and media.kind == "image" else ("not found", 404)

    @bp.get("/media/<media_id>")
    def media_info(media_id: str):
        """An uploaded (or received) media's name, type and size, for the console's file bubbles."""
        media = _live_media(emu, media_id)
        if media is None:
            return jsonify(error=f"no media {media_id!r}"), 404
        return jsonify(media_id=media.media_id, type=media.kind, name=media.name, size=len(media.data),
                       content_type=media.content_type, owner=media.owner, created_at=media.created_at)

    @bp.get("/media/<media_id>/content")
    def media_content(media_id: str):
        """The media's bytes as ``media/get`` serves them, without a token (the console's download link)."""
        media = _live_media(emu, media_id)
        return _media_response(media) if media is not None else (jsonify(error=f"no media {media_id!r}"), 404)

    @bp.get("/directory")
    def directory():
        d = emu.directory
        return jsonify(users=d.wecom_users, webhooks=d.wecom_hooks, aibot_chats=d.wecom_aibot_chats,
                       appchats=emu.appchats, members=d.group_members, aibot_name=emu.aibot_name,
                       app=bool(emu.corp_id), aibot=bool(emu.aibot_token), aibot_ws=emu.aibot_longconn,
                       ws_url=emu.ws_url)

    @bp.get("/records")
    def records():
        users = sorted(set(emu.records.chat_ids("user")) | set(emu.directory.wecom_users))
        groups = sorted(set(emu.records.chat_ids("group")))
        return jsonify(users={u: emu.chat_with_user(u) for u in users},
                       groups={g: emu.chat_in_group(g) for g in groups}, dropped=emu.dropped)

    @bp.get("/users/<userid>/messages")
    def user_messages(userid: str):
        everything = request.args.get("all") == "1"
        return jsonify(emu.chat_with_user(userid) if everything else emu.messages_for_user(userid))

    @bp.get("/users/<userid>/cards")
    def user_cards(userid: str):
        return jsonify(emu.cards_for_user(userid))

    @bp.get("/groups/<group>/messages")
    def group_messages(group: str):
        everything = request.args.get("all") == "1"
        return jsonify(emu.chat_in_group(group) if everything else emu.messages_for_group(group))

    @bp.get("/deliveries")
    def deliveries():
        return jsonify([d.to_dict() for d in emu.deliveries])

    @bp.get("/calls")
    def calls():
        return jsonify(list(emu.api_calls))


def _act_routes(bp: Blueprint, emu: WeComEmulator) -> None:
    """Acting as a person, and URL verification."""

    @bp.post("/act")
    def act():
        data = request.get_json(force=True, silent=True) or {}
        try:
            result = _act(emu, data)
        except (ActError, KeyError, TypeError) as err:
            return jsonify(error=f"{type(err).__name__}: {err}"), 400
        return jsonify(result.to_dict())

    @bp.post("/verify")
    def verify():
        data = request.get_json(force=True, silent=True) or {}
        try:
            return jsonify(emu.verify_url(data.get("target", "app"), data.get("echo")).to_dict())
        except ActError as err:
            return jsonify(error=str(err)), 400


def _setting_routes(bp: Blueprint, emu: WeComEmulator) -> None:
    """Faults, token expiry, the emulated clock, the switches, reset."""

    @bp.get("/faults")
    def faults():
        return jsonify(emu.faults.to_list())

    @bp.post("/faults")
    def add_fault():
        data = request.get_json(force=True, silent=True) or {}
        try:
            fault = emu.inject_fault(data["kind"], data["value"], data.get("count"), data.get("path", ""))
        except (KeyError, ValueError, TypeError) as err:
            return jsonify(error=f"{type(err).__name__}: {err}"), 400
        return jsonify(fault.to_dict())

    @bp.delete("/faults")
    def clear_faults():
        emu.clear_faults()
        return jsonify(ok=True)

    @bp.post("/tokens/expire")
    def expire_tokens():
        mode = (request.get_json(force=True, silent=True) or {}).get("mode", "expire")
        emu.revoke_tokens() if mode == "revoke" else emu.expire_tokens()
        return jsonify(ok=True, mode="revoke" if mode == "revoke" else "expire")

    @bp.post("/clock/advance")
    def advance_clock():
        seconds = float((request.get_json(force=True, silent=True) or {}).get("seconds", 0))
        emu.advance_time(seconds)
        return jsonify(ok=True, offset=emu.clock.offset)

    @bp.post("/switches")
    def switches():
        """The unconfirmed readings WeCom may have (docs/emulator-wecom.md, "Switches")."""
        data = request.get_json(force=True, silent=True) or {}
        if data.get("task_id_reuse") in ("refuse", "drop"):
            emu.task_id_reuse = data["task_id_reuse"]
        if data.get("used_code") in (42022, 60140):
            emu.response_codes.used_code = emu.response_urls.used_code = int(data["used_code"])
        return jsonify(task_id_reuse=emu.task_id_reuse, used_code=emu.response_codes.used_code)

    @bp.post("/reset")
    def reset():
        emu.reset()
        return jsonify(ok=True)


def _live_media(emu: WeComEmulator, media_id: str):
    """The media while WeCom would still serve it, else None."""
    try:
        return emu.media.get(media_id)
    except WeComError:
        return None


def _act(emu: WeComEmulator, data: dict):
    """Run one act-as request: ``{"userid", "action", ...}``; raises ActError or KeyError."""
    person = emu.act_as(data["userid"])
    action = data["action"]
    if action == "text":
        return person.send_text(data["content"])
    if action == "link":
        return person.send_link(data["title"], data["url"], data.get("description", ""), data.get("pic_url", ""))
    if action == "mention":
        return person.mention_bot(data["chatid"], data["content"])
    if action == "bot_text":
        return person.send_bot_text(data["content"])
    if action == "click":
        return person.click(data["task_id"], data["key"], data.get("selected"))
    if action == "enter_agent":
        return person.enter_agent()
    raise ActError(f"unknown action {action!r}: text, link, mention, bot_text, click or enter_agent")
