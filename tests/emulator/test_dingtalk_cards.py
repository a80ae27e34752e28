"""Interactive cards: create-and-deliver into groups and 1:1, updates that everyone sees, strict checks."""

from __future__ import annotations

import json

import pytest

from bot.emulator.dingtalk import EmulatorUsageError, contract

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import DESK, ENV, FOOD, LI, SUN, WU, ZHAO, api

CREATE = "/v1.0/card/instances/createAndDeliver"
UPDATE = "/v1.0/card/instances"
BTNS = json.dumps([
    {"text": "签收", "color": "blue",
     "action": {"type": "sendCardRequest", "params": {"actionId": "case.ack", "params": {"case": "YQ-2026-0042"}}}},
    {"text": "详情", "color": "gray", "action": {"type": "openLink", "params": {"url": "https://example.org/42"}}},
])
PARAMS = {"title": "舆情预警 YQ-2026-0042", "color": "red", "body": "**某超市** 食品安全投诉",
          "facts": json.dumps([{"label": "等级", "value": "较大"}]), "btns": BTNS, "status": ""}


def group_card(out_track_id="card-1", cid=DESK, params=None, **over):
    body = {"cardTemplateId": ENV["DINGTALK_CARD_TEMPLATE_ID"], "outTrackId": out_track_id,
            "cardData": {"cardParamMap": params or PARAMS}, "callbackType": "HTTP",
            "callbackRouteKey": ENV["DINGTALK_CARD_ROUTE_KEY"], "openSpaceId": f"dtv1.card//IM_GROUP.{cid}",
            "imGroupOpenSpaceModel": {"supportForward": True},
            "imGroupOpenDeliverModel": {"robotCode": ENV["DINGTALK_ROBOT_CODE"]}, "userIdType": 1}
    return {**body, **over}


def robot_card(userid, out_track_id="card-oto"):
    body = group_card(out_track_id, openSpaceId=f"dtv1.card//IM_ROBOT.{userid}",
                      imRobotOpenSpaceModel={"supportForward": True},
                      imRobotOpenDeliverModel={"spaceType": "IM_ROBOT", "robotCode": ENV["DINGTALK_ROBOT_CODE"]})
    del body["imGroupOpenDeliverModel"]
    return body


def test_a_group_card_is_delivered_to_the_group_and_seen_by_its_members(server, dt, token):
    resp = api(server, "POST", CREATE, token, group_card())
    assert resp.status_code == 200
    result = resp.json()["result"]
    assert result["outTrackId"] == "card-1"
    assert [(d["spaceType"], d["spaceId"], d["success"]) for d in result["deliverResults"]] == \
        [("IM_GROUP", DESK, True)]
    [msg] = dt.messages_for_group(DESK)
    assert msg.channel == "card" and msg.out_track_id == "card-1"
    view = dt.card_view("card-1", SUN)
    assert view["title"] == "舆情预警 YQ-2026-0042" and view["color"] == "red"
    assert view["facts"] == [{"label": "等级", "value": "较大"}] and view["problems"] == []
    assert [b["action_id"] for b in view["buttons"]] == ["case.ack", None]
    assert dt.card_view("card-1", LI) == view


def test_a_person_outside_the_group_cannot_see_the_card(server, dt, token):
    api(server, "POST", CREATE, token, group_card())
    with pytest.raises(EmulatorUsageError):
        dt.card_view("card-1", WU)


def test_a_1to1_card_reaches_only_that_person(server, dt, token):
    assert api(server, "POST", CREATE, token, robot_card(ZHAO)).status_code == 200
    [msg] = dt.messages_for_user(ZHAO)
    assert msg.out_track_id == "card-oto"
    assert dt.card_view("card-oto", ZHAO)["title"].startswith("舆情预警")
    assert dt.cards.viewers(dt.card("card-oto")) == {ZHAO}


def test_recipients_limit_who_in_the_group_gets_the_card(server, dt, token):
    body = group_card(imGroupOpenDeliverModel={"robotCode": ENV["DINGTALK_ROBOT_CODE"], "recipients": [LI]})
    api(server, "POST", CREATE, token, body)
    assert dt.cards.viewers(dt.card("card-1")) == {LI}


def test_the_same_out_track_id_is_refused_as_card_already_exist_and_changes_nothing(server, dt, token):
    api(server, "POST", CREATE, token, group_card())
    again = api(server, "POST", CREATE, token, group_card(params={**PARAMS, "title": "改了"}))
    assert again.status_code == 400 and again.json()["code"] == "param.cardAlreadyExist"
    assert len(dt.messages_for_group(DESK)) == 1
    assert dt.card("card-1").public["title"] == "舆情预警 YQ-2026-0042"


def test_with_the_ignore_switch_the_same_out_track_id_answers_the_first_result(server, dt, token):
    dt.card_reuse = "ignore"
    first = api(server, "POST", CREATE, token, group_card()).json()
    again = api(server, "POST", CREATE, token, group_card(params={**PARAMS, "title": "改了"}))
    assert again.status_code == 200 and again.json() == first
    assert len(dt.messages_for_group(DESK)) == 1
    assert dt.card("card-1").public["title"] == "舆情预警 YQ-2026-0042"


@pytest.mark.parametrize("over, code", [
    ({"cardData": {"cardParamMap": {"title": "t", "submitted": False}}}, "param.invalid"),
    ({"cardData": {"cardParamMap": {"title": "t", "facts": [{"label": "a"}]}}}, "param.invalid"),
    ({"privateData": {SUN: {"cardParamMap": {"done": 1}}}}, "param.invalid"),
    ({"privateData": {"9999": {"cardParamMap": {"done": "1"}}}}, "param.userIdNotExist"),
    ({"cardTemplateId": "someone-elses.schema"}, "param.templateNotExist"),
    ({"cardTemplateId": ""}, "param.cardTemplateIdEmpty"),
    ({"outTrackId": ""}, "param.outTrackIdEmpty"),
    ({"openSpaceId": ""}, "param.openSpaceIdEmpty"),
    ({"openSpaceId": f"IM_GROUP.{DESK}"}, "param.openSpaceIdInvalid"),
    ({"openSpaceId": f"dtv1.card//IM_PLANET.{DESK}"}, "param.openSpaceIdInvalid"),
    ({"openSpaceId": "dtv1.card//IM_GROUP.cidNOSUCH=="}, "param.openSpaceIdInvalid"),
    ({"openSpaceId": "dtv1.card//IM_ROBOT.9999", "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT"}},
     "param.userIdNotExist"),
    ({"openSpaceId": f"dtv1.card//IM_ROBOT.{SUN}"}, "param.openDeliverModelEmpty"),
    ({"imGroupOpenDeliverModel": None}, "param.openDeliverModelEmpty"),
    ({"imGroupOpenDeliverModel": {"robotCode": "dingother"}}, "param.openDeliverModelError"),
    ({"cardData": None}, "param.cardPublicDataEmpty"),
    ({"callbackType": "HTTP", "callbackRouteKey": ""}, "param.invalid"),
])
def test_a_bad_card_is_refused_with_the_documented_code(server, dt, token, over, code):
    resp = api(server, "POST", CREATE, token, group_card(**over))
    assert resp.status_code == 400 and resp.json()["code"] == code
    assert dt.card("card-1") is None and dt.messages_for_group(DESK) == []


def test_an_update_by_key_changes_what_every_member_sees(server, dt, token):
    api(server, "POST", CREATE, token, group_card())
    resp = api(server, "PUT", UPDATE, token, {"outTrackId": "card-1", "cardData": {"cardParamMap": {
        "status": "孙科长 已签收", "btns": "[]"}}, "cardUpdateOptions": {"updateCardDataByKey": True}})
    assert resp.status_code == 200 and resp.json() == {"success": True, "result": True}
    for person in (SUN, LI):
        view = dt.card_view("card-1", person)
        assert view["status"] == "孙科长 已签收" and view["buttons"] == [] and view["title"].startswith("舆情预警")


def test_an_update_without_by_key_replaces_the_whole_card_data(server, dt, token):
    api(server, "POST", CREATE, token, group_card())
    api(server, "PUT", UPDATE, token, {"outTrackId": "card-1", "cardData": {"cardParamMap": {"status": "已结束"}}})
    view = dt.card_view("card-1", SUN)
    assert view["title"] == "" and "'title' is missing" in view["problems"]


def test_private_data_changes_only_that_persons_view(server, dt, token):
    api(server, "POST", CREATE, token, group_card())
    api(server, "PUT", UPDATE, token, {"outTrackId": "card-1", "privateData": {
        LI: {"cardParamMap": {"status": "你已签收"}}}, "cardUpdateOptions": {"updatePrivateDataByKey": True}})
    assert dt.card_view("card-1", LI)["status"] == "你已签收"
    assert dt.card_view("card-1", SUN)["status"] == ""


@pytest.mark.parametrize("body, code", [
    ({"outTrackId": "nope", "cardData": {"cardParamMap": {"status": "x"}}}, "param.cardNotExist"),
    ({"cardData": {"cardParamMap": {"status": "x"}}}, "param.outTrackIdEmpty"),
    ({"outTrackId": "card-1"}, "param.cardDataAndPrivateDataBothEmpty"),
    ({"outTrackId": "card-1", "cardData": {"cardParamMap": {"status": True}}}, "param.invalid"),
    ({"outTrackId": "card-1", "privateData": {"9999": {"cardParamMap": {"a": "b"}}}}, "param.userIdNotExist"),
])
def test_a_bad_update_is_refused_and_changes_nothing(server, dt, token, body, code):
    api(server, "POST", CREATE, token, group_card())
    resp = api(server, "PUT", UPDATE, token, body)
    assert resp.status_code == 400 and resp.json()["code"] == code
    assert dt.card("card-1").public == PARAMS and dt.card("card-1").updates == 0


def test_a_callback_route_is_kept_unless_forced(server, dt, token):
    route = {"callbackRouteKey": "other", "callbackUrl": "http://a.example/card", "apiSecret": "s1"}
    assert api(server, "POST", "/v1.0/card/callbacks/register", token, route).json()["result"] == \
        {"callbackUrl": "http://a.example/card", "apiSecret": "s1"}
    moved = {**route, "callbackUrl": "http://b.example/card"}
    assert api(server, "POST", "/v1.0/card/callbacks/register", token, moved).json()["result"]["callbackUrl"] == \
        "http://a.example/card"
    forced = api(server, "POST", "/v1.0/card/callbacks/register", token, {**moved, "forceUpdate": True})
    assert forced.json()["result"]["callbackUrl"] == "http://b.example/card"
    assert dt.card_route("other")["callbackUrl"] == "http://b.example/card"


def test_a_route_without_url_is_refused(server, token):
    resp = api(server, "POST", "/v1.0/card/callbacks/register", token, {"callbackRouteKey": "k"})
    assert resp.status_code == 400 and resp.json()["code"] == "callbackUrl.empty"


def test_the_contract_reports_what_would_render_badly():
    bad = {"title": "", "color": "purple", "facts": "not json", "extra": "x", "body": "长" * 400,
           "btns": json.dumps([{"text": "", "action": {"type": "sendCardRequest", "params": {}}},
                               {"text": "a", "action": {"type": "openLink", "params": {}}}])}
    found = contract.problems(bad)
    assert "'title' is missing" in found and "unknown variable 'extra'" in found
    assert any("color" in p for p in found) and any("facts" in p for p in found)
    assert any("1024" in p for p in found)
    assert "button 0 has no text" in found and "button 0 has no actionId" in found
    assert "button 1 has no url" in found
    assert contract.problems(PARAMS) == []


def test_cards_elsewhere_are_untouched_by_an_update(server, dt, token):
    api(server, "POST", CREATE, token, group_card())
    api(server, "POST", CREATE, token, group_card("card-2", cid=FOOD))
    api(server, "PUT", UPDATE, token, {"outTrackId": "card-1", "cardData": {"cardParamMap": {"status": "x"}},
                                       "cardUpdateOptions": {"updateCardDataByKey": True}})
    assert dt.card_view("card-2", WU)["status"] == ""


def test_a_card_call_without_a_json_body_is_refused(server, token):
    import requests
    for method, path in (("POST", CREATE), ("PUT", UPDATE)):
        resp = requests.request(method, f"{server.url}{path}", data="x", headers={"x-acs-dingtalk-access-token": token})
        assert resp.status_code == 400 and resp.json()["code"] == "param.empty"


def test_a_route_without_key_is_refused(server, token):
    resp = api(server, "POST", "/v1.0/card/callbacks/register", token, {"callbackUrl": "http://x/card"})
    assert resp.status_code == 400 and resp.json()["code"] == "param.invalid"


def test_a_card_for_union_ids_is_refused_as_not_emulated(server, token):
    resp = api(server, "POST", CREATE, token, group_card(userIdType=2))
    assert resp.status_code == 400 and resp.json()["code"] == "param.invalid"
