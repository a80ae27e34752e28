"""JSON control endpoints under ``/_emulator/dingtalk/`` for the web console and drills.

Owns the routes: records (messages, cards, deliveries), the directory, uploaded media (name, size, bytes),
acting as a person (say, click — in any ``ClickForm`` — check_url), faults, the switches of the unconfirmed
readings, token expiry and reset. A request no person could make answers 400 ``{"error": …}``.
"""

from __future__ import annotations

import mimetypes
from functools import partial
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request

from bot.emulator.dingtalk import files
from bot.emulator.dingtalk.clicks import ClickForm
from bot.emulator.dingtalk.errors import EmulatorUsageError

__all__ = ["build"]


def build(emu) -> Blueprint:
    """The blueprint of the control endpoints, bound to one emulator."""
    bp = Blueprint("dingtalk_control", __name__, url_prefix="/_emulator/dingtalk")
    bp.register_error_handler(EmulatorUsageError, lambda e: (jsonify(error=str(e)), 400))
    bp.register_error_handler(ValueError, lambda e: (jsonify(error=str(e)), 400))
    for rule, method, view in ROUTES:
        bp.add_url_rule(rule, f"{view.__name__}_{method.lower()}", partial(view, emu), methods=[method])
    return bp


def records(emu):
    """Every message, card and delivery."""
    return jsonify(messages=[m.to_dict() for m in emu.records.messages],
                   cards=[c.to_dict() for c in emu.cards.all()],
                   deliveries=[d.to_dict() for d in emu.records.deliveries_of()])


def directory(emu):
    """The people, groups and group members the emulator knows."""
    d = emu.directory
    return jsonify(users=d.dingtalk_users, groups=d.dingtalk_groups,
                   members={cid: emu.group_members(cid) for cid in d.dingtalk_groups})


def user_messages(emu, userid):
    """A person's 1:1 chat with the robot and their work notices, both directions."""
    return jsonify([m.to_dict() for m in emu.messages_for_user(userid, include_inbound=True)])


def group_messages(emu, cid):
    """A group chat, both directions."""
    return jsonify([m.to_dict() for m in emu.messages_for_group(cid, include_inbound=True)])


def card(emu, out_track_id):
    """One card, rendered for ``?user=`` (or the public view)."""
    found = emu.card(out_track_id)
    if found is None:
        return jsonify(error=f"no card {out_track_id!r}"), 404
    return jsonify(found.to_dict(request.args.get("user")))


def media_info(emu, media_id):
    """An uploaded media's name, type and size (``sampleFile`` names only its id): for the console's file bubbles."""
    item = emu.media.get(media_id)
    if item is None:
        return jsonify(error=f"no media {media_id!r}"), 404
    return jsonify(media_id=item.media_id, type=item.kind, name=item.name, size=len(item.data),
                   content_type=_content_type(item.name), created_at=item.at)


def media_content(emu, media_id):
    """An uploaded media's bytes, with its name (``Content-Disposition``); 404 when unknown."""
    item = emu.media.get(media_id)
    if item is None:
        return jsonify(error=f"no media {media_id!r}"), 404
    return Response(item.data, mimetype=_content_type(item.name),
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(item.name)}"})


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def say(emu):
    """``{user, text, group?, at_bot?, msgtype?}``: a person writes; the robot's delivery or null."""
    body = _body()
    delivery = emu.say(body.get("user", ""), body.get("text", ""), group=body.get("group"),
                       at_bot=body.get("at_bot", True), msgtype=body.get("msgtype", "text"))
    return jsonify(delivery.to_dict() if delivery else None)


def click(emu):
    """``{user, outTrackId, actionId, form?}``: a person clicks a card button (``form``: ClickForm's fields)."""
    body = _body()
    form = _form(body["form"]) if isinstance(body.get("form"), dict) else None
    return jsonify(emu.click(body.get("user", ""), body.get("outTrackId", ""), body.get("actionId", ""),
                             form).to_dict())


def switches(emu):
    """The switches of the readings DingTalk leaves open."""
    return jsonify(card_reuse=emu.card_reuse, own_track_ids=emu.own_track_ids,
                   robot_filtered=sorted(emu.robot_filtered), click_form=vars(emu.click_form),
                   long_card_values=emu.long_card_values)


def set_switches(emu):
    """``{card_reuse?, own_track_ids?, robot_filtered?, click_form?, long_card_values?}``: set some; answers
    all of them."""
    body = _body()
    if "card_reuse" in body:
        if body["card_reuse"] not in ("refuse", "ignore"):
            raise ValueError("card_reuse must be 'refuse' or 'ignore'")
        emu.card_reuse = body["card_reuse"]
    if "own_track_ids" in body:
        emu.own_track_ids = bool(body["own_track_ids"])
    if "robot_filtered" in body:
        emu.robot_filtered = {str(u) for u in body["robot_filtered"] or ()}
    if isinstance(body.get("click_form"), dict):
        emu.click_form = _form(body["click_form"])
    if "long_card_values" in body:
        if body["long_card_values"] not in ("refuse", "accept"):
            raise ValueError("long_card_values must be 'refuse' or 'accept'")
        emu.long_card_values = body["long_card_values"]
    return switches(emu)


def _form(fields: dict) -> ClickForm:
    try:
        return ClickForm(**fields)
    except TypeError as exc:  # an unknown field
        raise ValueError(str(exc)) from None


def check_url(emu):
    """``{signature_param?}``: the event subscription's URL check."""
    return jsonify(emu.check_url(_body().get("signature_param", "msg_signature")).to_dict())


def faults(emu):
    """The faults in force."""
    return jsonify([f.to_dict() for f in emu.faults.active()])


def add_fault(emu):
    """``{kind, family?, count?, duration?, path?, seconds?, status?}``: inject a fault."""
    b = _body()
    fault = emu.inject(b.get("kind", ""), b.get("family", "all"), b.get("count"), b.get("path", ""),
                       b.get("seconds", 0.0), b.get("status", 500), b.get("duration"))
    return jsonify(fault.to_dict())


def clear_faults(emu):
    """Clear every fault, or those of ``?kind=``."""
    emu.faults.clear(request.args.get("kind"))
    return jsonify(ok=True)


def expire_tokens(emu):
    """Expire every issued token now."""
    return jsonify(expired=emu.expire_tokens())


def reset(emu):
    """Forget everything (the preregistered card route comes back)."""
    emu.reset()
    return jsonify(ok=True)


ROUTES = [
    ("/records", "GET", records), ("/directory", "GET", directory),
    ("/users/<userid>/messages", "GET", user_messages), ("/groups/<path:cid>/messages", "GET", group_messages),
    ("/cards/<path:out_track_id>", "GET", card),
    ("/media/<media_id>", "GET", media_info), ("/media/<media_id>/content", "GET", media_content),
    ("/act/say", "POST", say), ("/act/click", "POST", click), ("/act/check_url", "POST", check_url),
    ("/faults", "GET", faults), ("/faults", "POST", add_fault), ("/faults", "DELETE", clear_faults),
    ("/switches", "GET", switches), ("/switches", "POST", set_switches),
    ("/tokens/expire", "POST", expire_tokens), ("/reset", "POST", reset),
    ("/download/<token>", "GET", files.serve),
]


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data
