"""The emulator holds DingTalk's documented 1 KB a ``cardParamMap`` value ("参数值（最长不超过1KB）") on
createAndDeliver and on updates, public and private data alike: 400 ``param.invalid`` (no code is documented:
docs/emulator-dingtalk.md). Its ``long_card_values = "accept"`` switch plays a server that takes the value."""

from __future__ import annotations

import requests

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import DESK, LI, api
from .test_dingtalk_cards import CREATE, PARAMS, UPDATE, group_card

AT_LIMIT, OVER = "报" * 341 + "a", "报" * 341 + "ab"                     # 1 024 and 1 025 bytes


def test_a_value_of_one_kilobyte_is_taken_and_one_byte_more_refused(server, dt, token):
    over = api(server, "POST", CREATE, token, group_card("long", params={**PARAMS, "body": OVER}))
    assert over.status_code == 400 and over.json()["code"] == "param.invalid" and "body" in over.json()["message"]
    assert dt.card("long") is None and dt.messages_for_group(DESK) == []
    ok = api(server, "POST", CREATE, token, group_card("edge", params={**PARAMS, "body": AT_LIMIT}))
    assert ok.status_code == 200 and dt.card_view("edge", LI)["body"] == AT_LIMIT


def test_an_update_or_private_data_over_the_limit_is_refused_and_changes_nothing(server, dt, token):
    api(server, "POST", CREATE, token, group_card())
    refused = api(server, "PUT", UPDATE, token, {"outTrackId": "card-1", "cardData": {"cardParamMap": {"status": OVER}},
                                                 "cardUpdateOptions": {"updateCardDataByKey": True}})
    assert refused.status_code == 400 and refused.json()["code"] == "param.invalid"
    private = api(server, "PUT", UPDATE, token, {"outTrackId": "card-1",
                                                 "privateData": {LI: {"cardParamMap": {"status": OVER}}}})
    assert private.status_code == 400 and dt.card_view("card-1", LI)["status"] == ""


def test_the_accept_switch_takes_it_lists_the_problem_and_reset_restores_the_refusal(server, dt, token):
    dt.long_card_values = "accept"
    assert api(server, "POST", CREATE, token, group_card("long", params={**PARAMS, "body": OVER})).status_code == 200
    assert dt.card_view("long", LI)["problems"] == ["'body' is longer than 1024 bytes"]
    dt.reset()
    assert dt.long_card_values == "refuse"


def test_the_switch_over_http(server, dt):
    url = f"{server.url}/_emulator/dingtalk/switches"
    assert requests.post(url, json={"long_card_values": "accept"}, timeout=5).json()["long_card_values"] == "accept"
    assert dt.long_card_values == "accept"
    assert requests.post(url, json={"long_card_values": "truncate"}, timeout=5).status_code == 400
