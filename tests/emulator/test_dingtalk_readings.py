"""The readings DingTalk's pages leave open, each behind a switch: the platform's own card ids, a lost
answer after the work was done, the forms of a click's callback body, batchSend's filtered people."""

from __future__ import annotations

import json

import pytest
import requests

from bot.emulator.dingtalk import ClickForm
from bot.emulator.dingtalk.actor import oto_conversation_id

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import DESK, ENV, LI, SUN, WU, api
from .test_dingtalk_cards import BTNS, CREATE, PARAMS, UPDATE, group_card, robot_card

BATCH = "/v1.0/robot/oToMessages/batchSend"
MARKDOWN = {"robotCode": ENV["DINGTALK_ROBOT_CODE"], "msgKey": "sampleMarkdown",
            "msgParam": json.dumps({"title": "提醒", "text": "请处理"})}
TWO_BUTTONS = json.dumps([
    {"text": "详情", "color": "gray", "action": {"type": "openLink", "params": {"url": "https://example.org/42"}}},
    *json.loads(BTNS)[:1],
])


def test_by_default_the_card_keeps_the_out_track_id_the_caller_chose(server, dt, token):
    result = api(server, "POST", CREATE, token, group_card()).json()["result"]
    assert result["outTrackId"] == "card-1" and dt.card("card-1") is not None


def test_with_own_track_ids_the_platform_names_the_card_and_only_that_name_updates_it(server, dt, token):
    dt.own_track_ids = True
    own = api(server, "POST", CREATE, token, group_card()).json()["result"]["outTrackId"]
    assert own != "card-1" and dt.card(own).spaces == [("IM_GROUP", DESK)] and dt.card("card-1") is None
    again = api(server, "POST", CREATE, token, group_card())
    assert again.status_code == 400 and again.json()["code"] == "param.cardAlreadyExist"
    stale = api(server, "PUT", UPDATE, token, {"outTrackId": "card-1", "cardData": {"cardParamMap": {"status": "x"}}})
    assert stale.status_code == 400 and stale.json()["code"] == "param.cardNotExist"
    ok = api(server, "PUT", UPDATE, token, {"outTrackId": own, "cardData": {"cardParamMap": {"status": "已签收"}},
                                            "cardUpdateOptions": {"updateCardDataByKey": True}})
    assert ok.status_code == 200 and dt.card_view(own, SUN)["status"] == "已签收"


def test_a_server_error_after_the_route_ran_loses_the_answer_but_not_the_card(server, dt, token):
    dt.inject("server_error_after", family="api", path=CREATE, count=1, status=502)
    lost = api(server, "POST", CREATE, token, group_card())
    assert lost.status_code == 502 and lost.json()["code"] == "ServiceUnavailable"
    assert dt.card("card-1") is not None and len(dt.messages_for_group(DESK)) == 1
    again = api(server, "POST", CREATE, token, group_card())  # the caller's retry finds its card
    assert again.status_code == 400 and again.json()["code"] == "param.cardAlreadyExist"


def test_a_server_error_after_spares_refusals_and_is_not_hit_before_the_route(server, dt, token):
    dt.inject("server_error_after", family="api", path=CREATE, count=1)
    refused = api(server, "POST", CREATE, token, group_card(cardTemplateId="nope"))
    assert refused.status_code == 400 and refused.json()["code"] == "param.templateNotExist"
    assert api(server, "POST", CREATE, token, group_card()).status_code == 500  # the fault was still there
    assert api(server, "POST", CREATE, token, group_card("card-2")).status_code == 200


@pytest.fixture
def card(server, token):
    assert api(server, "POST", CREATE, token, group_card(params={**PARAMS, "btns": TWO_BUTTONS})).status_code == 200
    return "card-1"


def _content(body: dict, name: str = "content") -> dict:
    return json.loads(body[name])


def test_the_default_click_is_the_documented_form(dt, receiver, card):
    dt.click(LI, card, "case.ack")
    body = receiver.of("/dingtalk/card")[0]["body"]
    assert (body["spaceType"], body["spaceId"]) == ("im", DESK) and body["content"] == body["value"]
    assert _content(body) == {"cardPrivateData": {"actionIds": ["case.ack"], "params": {"case": "YQ-2026-0042"}}}


def test_a_loop_index_is_appended_to_the_action_id_by_the_buttons_place(dt, receiver, card):
    dt.click(LI, card, "case.ack", ClickForm(loop_index=True))
    body = receiver.of("/dingtalk/card")[0]["body"]
    assert _content(body)["cardPrivateData"]["actionIds"] == ["case.ack1"]  # the link button is number 0


def test_params_beside_private_data_and_in_one_carrier_only(dt, receiver, card):
    dt.click(LI, card, "case.ack", ClickForm(params_beside=True, carrier="value"))
    body = receiver.of("/dingtalk/card")[0]["body"]
    assert "content" not in body
    assert _content(body, "value") == {"cardPrivateData": {"actionIds": ["case.ack"]},
                                       "params": {"case": "YQ-2026-0042"}}


def test_without_space_or_with_typed_spaces(dt, receiver, card):
    dt.click(LI, card, "case.ack", ClickForm(space=False))
    dt.click(SUN, card, "case.ack", ClickForm(space_type="typed"))
    bare, typed = (r["body"] for r in receiver.of("/dingtalk/card"))
    assert "spaceType" not in bare and "spaceId" not in bare
    assert (typed["spaceType"], typed["spaceId"]) == ("IM_GROUP", DESK)


def test_a_one_to_one_click_may_carry_the_chats_cid(server, dt, receiver, token):
    api(server, "POST", CREATE, token, robot_card(WU))
    dt.click_form = ClickForm(one_to_one_cid=True, space_type="typed")
    dt.click(WU, "card-oto", "case.ack")
    body = receiver.of("/dingtalk/card")[0]["body"]
    assert (body["spaceType"], body["spaceId"]) == ("IM_SINGLE", oto_conversation_id(ENV["DINGTALK_APP_KEY"], WU))
    assert body["spaceId"].startswith("cid")


def test_an_unknown_form_is_refused():
    with pytest.raises(ValueError):
        ClickForm(carrier="header")


def test_filtered_people_are_listed_and_not_delivered(server, dt, token):
    dt.robot_filtered = {LI}
    answer = api(server, "POST", BATCH, token, {**MARKDOWN, "userIds": [SUN, LI]}).json()
    assert answer["filteredStaffIdList"] == [LI] and answer["invalidStaffIdList"] == []
    assert len(dt.messages_for_user(SUN)) == 1 and dt.messages_for_user(LI) == []


def test_by_default_nobody_is_filtered(server, dt, token):
    answer = api(server, "POST", BATCH, token, {**MARKDOWN, "userIds": [SUN, LI]}).json()
    assert answer["filteredStaffIdList"] == [] and len(dt.messages_for_user(LI)) == 1


def test_the_switches_over_http_and_back_to_defaults_on_reset(server, dt):
    url = f"{server.url}/_emulator/dingtalk/switches"
    got = requests.post(url, json={"card_reuse": "ignore", "own_track_ids": True, "robot_filtered": [LI],
                                   "click_form": {"loop_index": True}}, timeout=5).json()
    assert got["card_reuse"] == "ignore" and got["own_track_ids"] and got["robot_filtered"] == [LI]
    assert dt.click_form == ClickForm(loop_index=True)
    assert requests.post(url, json={"card_reuse": "maybe"}, timeout=5).status_code == 400
    assert requests.post(url, json={"click_form": {"nope": 1}}, timeout=5).status_code == 400
    dt.reset()
    assert requests.get(url, timeout=5).json() == {"card_reuse": "refuse", "own_track_ids": False,
                                                   "robot_filtered": [], "click_form": vars(ClickForm()),
                                                   "long_card_values": "refuse"}


def test_a_click_form_over_http(server, dt, receiver, card):
    url = f"{server.url}/_emulator/dingtalk/act/click"
    answer = requests.post(url, json={"user": LI, "outTrackId": card, "actionId": "case.ack",
                                      "form": {"loop_index": True, "carrier": "value"}}, timeout=5)
    assert answer.status_code == 200 and answer.json()["answered"]
    body = receiver.of("/dingtalk/card")[0]["body"]
    assert "content" not in body and _content(body, "value")["cardPrivateData"]["actionIds"] == ["case.ack1"]
    bad = requests.post(url, json={"user": LI, "outTrackId": card, "actionId": "case.ack", "form": {"x": 1}}, timeout=5)
    assert bad.status_code == 400
