"""Interactive card routes of the new API: create-and-deliver, update, callback registration.

Owns ``POST /v1.0/card/instances/createAndDeliver`` (idempotent on ``outTrackId``),
``PUT /v1.0/card/instances`` and ``POST /v1.0/card/callbacks/register``, with the checks the
platform documents: every ``cardParamMap`` value a string of at most 1 KB (refused over it unless the
emulator's ``long_card_values`` switch says ``"accept"``), a known template, known spaces.
"""

from __future__ import annotations

import secrets
from functools import partial

from flask import Blueprint, jsonify

from bot.emulator.dingtalk import contract, gate
from bot.emulator.dingtalk.cards import CardInstance
from bot.emulator.dingtalk.errors import ApiError

__all__ = ["build", "parse_spaces", "string_map"]

PREFIX = "dtv1.card//"


def build(emu) -> Blueprint:
    """The blueprint of the card routes (nested under /v1.0), bound to one emulator."""
    bp = Blueprint("dingtalk_cards", __name__, url_prefix="/card")
    for rule, method, view in ROUTES:
        bp.add_url_rule(rule, view.__name__, partial(view, emu), methods=[method])
    return bp


def create_and_deliver(emu):
    """``POST /v1.0/card/instances/createAndDeliver``; a known ``outTrackId`` changes nothing: refused with
    400 ``param.cardAlreadyExist`` (``emu.card_reuse = "ignore"``: answered with the first result). With
    ``emu.own_track_ids`` the card gets an id of the platform's own, named in ``result.outTrackId``."""
    gate.check_api_token(emu)
    card = _new_card(emu, gate.json_body())
    stored, created = emu.cards.create(card, f"dtcard{secrets.token_hex(12)}" if emu.own_track_ids else "")
    if not created and emu.card_reuse == "refuse":
        raise ApiError(400, "param.cardAlreadyExist", "卡片已存在")
    if created:
        _deliver(emu, stored, gate.json_body())
    return jsonify(success=True, result={"outTrackId": stored.out_track_id,
                                         "deliverResults": stored.deliver_results})


def update(emu):
    """``PUT /v1.0/card/instances``: new public and private data, replaced or merged by key."""
    gate.check_api_token(emu)
    body = gate.json_body()
    if body is None:
        raise ApiError(400, "param.empty", "入参为空")
    if not body.get("outTrackId"):
        raise ApiError(400, "param.outTrackIdEmpty", "业务标识outTrackId为空")
    card = emu.cards.get(body["outTrackId"])
    if card is None:
        raise ApiError(400, "param.cardNotExist", "卡片不存在")
    if not body.get("cardData") and not body.get("privateData"):
        raise ApiError(400, "param.cardDataAndPrivateDataBothEmpty", "cardData 和 privateData 同时为空")
    public = string_map((body.get("cardData") or {}).get("cardParamMap")) if body.get("cardData") else None
    private = _private(emu, body.get("privateData"))
    _within_limit(emu, public, private)
    opts = body.get("cardUpdateOptions") or {}
    emu.cards.update(card, public, private, bool(opts.get("updateCardDataByKey")),
                     bool(opts.get("updatePrivateDataByKey")), "api")
    return jsonify(success=True, result=True)


def register(emu):
    """``POST /v1.0/card/callbacks/register``: route key → URL and secret (kept unless forced)."""
    gate.check_api_token(emu)
    body = gate.json_body() or {}
    if not body.get("callbackRouteKey"):
        raise ApiError(400, "param.invalid", "callbackRouteKey为空")
    if not body.get("callbackUrl"):
        raise ApiError(400, "callbackUrl.empty", "回调地址为空")
    route = emu.register_card_route(body["callbackRouteKey"], body["callbackUrl"],
                                    body.get("apiSecret", ""), bool(body.get("forceUpdate")))
    return jsonify(success=True, result=route)


ROUTES = [
    ("/instances/createAndDeliver", "POST", create_and_deliver),
    ("/instances", "PUT", update),
    ("/callbacks/register", "POST", register),
]


def string_map(value) -> dict[str, str]:
    """A ``cardParamMap`` whose values are all strings; raises ApiError param.invalid otherwise."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(400, "param.invalid", "cardParamMap必须是Map<String,String>")
    bad = [k for k, v in value.items() if not isinstance(v, str)]
    if bad:
        raise ApiError(400, "param.invalid", f"cardParamMap的值必须是String: {', '.join(map(str, bad))}")
    return dict(value)


def _within_limit(emu, public: dict[str, str] | None, private: dict[str, dict[str, str]] | None) -> None:
    """Refuse a card whose public or private ``cardParamMap`` has a value over ``contract.VALUE_LIMIT`` bytes
    ("参数值（最长不超过1KB）"); DingTalk documents no code for it, so this is 400 ``param.invalid``."""
    if emu.long_card_values != "refuse":
        return
    maps = [public or {}, *(private or {}).values()]
    long = sorted({k for m in maps for k, v in m.items() if len(v.encode()) > contract.VALUE_LIMIT})
    if long:
        raise ApiError(400, "param.invalid", f"cardParamMap的参数值最长不超过1KB: {', '.join(long)}")


def parse_spaces(open_space_id) -> list[tuple[str, str]]:
    """``dtv1.card//IM_GROUP.cid…;IM_ROBOT.user`` → [(type, id)]; raises ApiError when malformed."""
    if not open_space_id:
        raise ApiError(400, "param.openSpaceIdEmpty", "投放openSpaceId为空")
    if not isinstance(open_space_id, str) or not open_space_id.startswith(PREFIX):
        raise ApiError(400, "param.openSpaceIdInvalid", "openSpaceId不符合规范")
    spaces = []
    for part in open_space_id[len(PREFIX):].split(";"):
        stype, _, sid = part.partition(".")
        if stype.upper() not in ("IM_GROUP", "IM_ROBOT") or not sid:
            raise ApiError(400, "param.openSpaceIdInvalid", f"openSpaceId不符合规范: {part}")
        spaces.append((stype.upper(), sid))
    return spaces


def _private(emu, value) -> dict[str, dict[str, str]] | None:
    if not value:
        return None
    if not isinstance(value, dict):
        raise ApiError(400, "param.invalid", "privateData必须是Map")
    out = {}
    for user, data in value.items():
        if user not in emu.directory.dingtalk_users:
            raise ApiError(400, "param.userIdNotExist", "用户user不存在")
        out[user] = string_map((data or {}).get("cardParamMap") if isinstance(data, dict) else data)
    return out


def _new_card(emu, body) -> CardInstance:
    if body is None:
        raise ApiError(400, "param.empty", "入参为空")
    if not body.get("outTrackId"):
        raise ApiError(400, "param.outTrackIdEmpty", "业务标识outTrackId为空")
    if not body.get("cardTemplateId"):
        raise ApiError(400, "param.cardTemplateIdEmpty", "卡片模板Id为空")
    if body["cardTemplateId"] != emu.card_template_id:
        raise ApiError(400, "param.templateNotExist", "模板不存在")
    spaces = parse_spaces(body.get("openSpaceId"))
    if not isinstance(body.get("cardData"), dict):
        raise ApiError(400, "param.cardPublicDataEmpty", "卡片公共数据为空")
    public = string_map(body["cardData"].get("cardParamMap"))
    private = _private(emu, body.get("privateData")) or {}
    _within_limit(emu, public, private)
    callback_type, route_key = body.get("callbackType") or "", body.get("callbackRouteKey") or ""
    if callback_type not in ("", "STREAM", "HTTP") or (callback_type == "HTTP" and not route_key):
        raise ApiError(400, "param.invalid", "callbackType须为STREAM或HTTP，HTTP须带callbackRouteKey")
    if body.get("userIdType", 1) != 1:
        raise ApiError(400, "param.invalid", "emulator: only userIdType 1 (userId) is emulated")
    recipients = _check_spaces(emu, body, spaces)
    return CardInstance(body["outTrackId"], body["cardTemplateId"], public, private, spaces,
                        recipients, callback_type, route_key, emu.now())


def _check_spaces(emu, body: dict, spaces) -> list[str] | None:
    """Check each space and its deliver model; returns the group ``recipients`` (None = all)."""
    recipients = None
    for stype, sid in spaces:
        if stype == "IM_GROUP":
            model = body.get("imGroupOpenDeliverModel")
            if not isinstance(model, dict):
                raise ApiError(400, "param.openDeliverModelEmpty", "场域投放模型为空")
            if model.get("robotCode") != emu.robot_code:
                raise ApiError(400, "param.openDeliverModelError", "场域投放模型格式错误: robotCode")
            if sid not in emu.directory.dingtalk_groups:
                raise ApiError(400, "param.openSpaceIdInvalid", "openSpaceId不符合规范: 群不存在")
            recipients = model.get("recipients") or None
            if recipients and any(u not in emu.directory.dingtalk_users for u in recipients):
                raise ApiError(400, "param.userIdNotExist", "用户user不存在")
        else:
            model = body.get("imRobotOpenDeliverModel")
            if not isinstance(model, dict) or model.get("spaceType") != "IM_ROBOT":
                raise ApiError(400, "param.openDeliverModelEmpty", "场域投放模型为空")
            if model.get("robotCode") not in (None, emu.robot_code):
                raise ApiError(400, "param.openDeliverModelError", "场域投放模型格式错误: robotCode")
            if sid not in emu.directory.dingtalk_users:
                raise ApiError(400, "param.userIdNotExist", "用户user不存在")
    return recipients


def _deliver(emu, card: CardInstance, body: dict) -> None:
    at_users = list(((body.get("imGroupOpenDeliverModel") or {}).get("atUserIds") or {}).keys())
    for stype, sid in card.spaces:
        group = sid if stype == "IM_GROUP" else None
        emu.records.add(channel="card", sender="bot", msgtype="interactiveCard",
                        content={"outTrackId": card.out_track_id}, at=emu.now(), group=group,
                        user=None if group else sid, at_user_ids=at_users if group else [],
                        out_track_id=card.out_track_id)
        card.deliver_results.append({"spaceType": stype, "spaceId": sid, "success": True,
                                     "carrierId": secrets.token_urlsafe(18)})
