"""Acting as a person who clicks a card button: signed callbacks, and updates everyone sees."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from bot.emulator.dingtalk import EmulatorUsageError
from bot.emulator.dingtalk.signing import card_signature

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import DESK, LI, SUN, WU, api
from .test_dingtalk_cards import CREATE, group_card, robot_card


def test_card_signature_is_hmac_sha256_of_the_timestamp():
    # the documented calcSignature(apiSecret, ts): Base64(HmacSHA256(key=apiSecret, msg=str(ts)))
    mac = hmac.new(b"mySecret", b"1700000000000", hashlib.sha256).digest()
    assert card_signature("mySecret", "1700000000000") == base64.b64encode(mac).decode()


@pytest.fixture
def card(server, token):
    assert api(server, "POST", CREATE, token, group_card()).status_code == 200
    return "card-1"


def test_a_click_arrives_signed_with_the_clicker_and_the_button(dt, receiver, card):
    delivery = dt.click(LI, card, "case.ack")
    [got] = receiver.of("/dingtalk/card")
    assert got["verified"] and delivery.answered
    body = got["body"]
    assert body["type"] == "actionCallback" and body["outTrackId"] == card and body["userId"] == LI
    assert body["spaceId"] == DESK and body["corpId"] == dt.corp_id
    assert json.loads(body["content"]) == {"cardPrivateData": {"actionIds": ["case.ack"],
                                                               "params": {"case": "YQ-2026-0042"}}}


def test_the_answer_updates_the_card_for_everyone_in_the_group(dt, receiver, card):
    receiver.card_answer = {"cardData": {"cardParamMap": {"status": "李干事 已签收", "btns": "[]"}},
                            "cardUpdateOptions": {"updateCardDataByKey": True}}
    dt.click(LI, card, "case.ack")
    for person in (SUN, LI):
        view = dt.card_view(card, person)
        assert view["status"] == "李干事 已签收" and view["buttons"] == []
        assert view["title"] == "舆情预警 YQ-2026-0042"


def test_private_data_in_the_answer_changes_only_the_clickers_view(dt, receiver, card):
    receiver.card_answer = {"userPrivateData": {"cardParamMap": {"status": "你已签收"}},
                            "cardUpdateOptions": {"updatePrivateDataByKey": True}}
    dt.click(SUN, card, "case.ack")
    assert dt.card_view(card, SUN)["status"] == "你已签收" and dt.card_view(card, LI)["status"] == ""


def test_an_answer_with_non_string_values_leaves_the_card_unchanged(dt, receiver, card):
    receiver.card_answer = {"cardData": {"cardParamMap": {"done": True}},
                            "cardUpdateOptions": {"updateCardDataByKey": True}}
    delivery = dt.click(SUN, card, "case.ack")
    assert "done" not in dt.card(card).public and delivery.notes


def test_an_answer_later_than_two_seconds_does_not_update_the_card(dt, receiver, card):
    dt.card_callback_timeout = 0.2
    receiver.delay = 0.4
    receiver.card_answer = {"cardData": {"cardParamMap": {"status": "迟到"}},
                            "cardUpdateOptions": {"updateCardDataByKey": True}}
    delivery = dt.click(SUN, card, "case.ack")
    assert not delivery.answered and delivery.attempts[0].status is None
    assert dt.card_view(card, SUN)["status"] == ""


def test_clicking_a_card_one_cannot_see_is_a_test_error(dt, receiver, card):
    with pytest.raises(EmulatorUsageError):
        dt.click(WU, card, "case.ack")
    with pytest.raises(EmulatorUsageError):
        dt.click(SUN, "no-such-card", "case.ack")
    assert receiver.received == []


def test_clicking_a_button_that_is_not_on_the_card_is_a_test_error(dt, receiver, card):
    with pytest.raises(EmulatorUsageError):
        dt.click(SUN, card, "case.grade")
    with pytest.raises(EmulatorUsageError):
        dt.click(SUN, card, None)  # the link button sends no callback
    receiver.card_answer = {"cardData": {"cardParamMap": {"btns": "[]"}},
                            "cardUpdateOptions": {"updateCardDataByKey": True}}
    dt.click(SUN, card, "case.ack")
    with pytest.raises(EmulatorUsageError):
        dt.click(LI, card, "case.ack")  # the button is gone for everyone
    assert len(receiver.of("/dingtalk/card")) == 1


def test_a_1to1_card_click_goes_to_the_same_route(server, dt, receiver, token):
    api(server, "POST", CREATE, token, robot_card(SUN))
    dt.click(SUN, "card-oto", "case.ack")
    assert receiver.of("/dingtalk/card")[0]["body"]["spaceId"] == SUN


def test_a_stream_card_sends_no_http_callback(server, dt, receiver, token):
    api(server, "POST", CREATE, token, group_card("card-s", callbackType="STREAM", callbackRouteKey=""))
    delivery = dt.click(SUN, "card-s", "case.ack")
    assert delivery.attempts == [] and "no registered HTTP callback route" in delivery.notes[0]
    assert receiver.received == []


def test_a_registered_route_receives_clicks_with_its_own_secret(server, dt, receiver, token):
    api(server, "POST", "/v1.0/card/callbacks/register", token, {
        "callbackRouteKey": "yuqing_route", "callbackUrl": f"{receiver.url}/dingtalk/card",
        "apiSecret": "rotated-secret", "forceUpdate": True})
    api(server, "POST", CREATE, token, group_card())
    dt.click(SUN, "card-1", "case.ack")
    [got] = receiver.of("/dingtalk/card")
    assert not got["verified"]  # the receiver still checks with the old secret
    ts = got["headers"]["X-Ddpaas-Signature-Timestamp"]
    assert got["headers"]["X-Ddpaas-Signature"] == card_signature("rotated-secret", ts)
