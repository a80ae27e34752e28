"""A card click in each documented form of the callback body becomes the same click (cardback.py): the
button's ``do`` param names the action whatever the actionId looks like; params inside cardPrivateData or
beside it, in ``content`` or ``value``; the chat is single only where DingTalk says so."""

import json

import pytest

from bot.core.errors import PayloadError
from bot.platforms.dingtalk.cardback import CardCallback, chat_of

from .test_inbound import CONFIG, click_request

PARAMS = {"case": "YQ-2026-0042", "a": "7", "do": "case.ack"}
MEANT = {"case": "YQ-2026-0042", "a": "7"}


def body(action_id="case.ack", inside=True, carrier="both", **space):
    private = {"actionIds": [action_id]}
    data = {"cardPrivateData": {**private, "params": PARAMS}} if inside else {"cardPrivateData": private,
                                                                             "params": PARAMS}
    text = json.dumps(data)
    out = {"type": "actionCallback", "outTrackId": "yq9", "corpId": "dingcorp", "userId": "0524", "userIdType": 1,
           "extension": "{}", **space}
    out.update({name: text for name in ("content", "value") if carrier in (name, "both")})
    return out


def click(b):
    [event] = CardCallback(CONFIG).handle(click_request(b)[0]).events
    return event


@pytest.mark.parametrize("b", [
    body(), body("case.ack0"), body("case.ack#21"), body(inside=False), body(carrier="value"),
    body(inside=False, carrier="content"), body(spaceType="im", spaceId="cidDesk0001=="),
    body(spaceType="IM_GROUP", spaceId="cidDesk0001=="),
], ids=["documented", "loop-index", "suffix-and-loop-index", "params-beside", "value-only", "beside-content-only",
        "space-im", "space-typed"])
def test_every_form_is_the_same_click(b):
    event = click(b)
    assert (event.action, event.params, event.card_id, event.user_id) == ("case.ack", MEANT, "yq9", "0524")


def test_a_card_sent_before_buttons_carried_their_key_reads_the_action_id():
    legacy = json.loads(body("case.grade#2")["content"])
    legacy["cardPrivateData"]["params"] = {"grade": "2"}
    event = click({**body(), "content": json.dumps(legacy), "value": json.dumps(legacy)})
    assert (event.action, event.params) == ("case.grade", {"grade": "2"})


def test_the_dedup_key_names_the_action_id_as_it_arrived():
    request_, ts = click_request(body("case.ack0"))
    [event] = CardCallback(CONFIG).handle(request_).events
    assert event.dedup_key == f"card:{ts}:yq9:0524:case.ack0"


@pytest.mark.parametrize("space, chat", [
    ({"spaceType": "im", "spaceId": "cidDesk0001=="}, ("cidDesk0001==", "group")),
    ({"spaceType": "IM_GROUP", "spaceId": "cidDesk0001=="}, ("cidDesk0001==", "group")),
    ({"spaceType": "im", "spaceId": "0524"}, ("0524", "single")),  # our 1:1 cards' space: IM_ROBOT.<userid>
    ({"spaceType": "IM_SINGLE", "spaceId": "cidoto9=="}, ("cidoto9==", "single")),
    ({"spaceType": "IM_ROBOT", "spaceId": "0524"}, ("0524", "single")),
    ({"spaceType": "im", "spaceId": "cidoto9=="}, ("cidoto9==", "group")),  # a cid… says nothing: not more shown
    ({}, ("0524", "group")),
])
def test_a_click_is_single_only_where_dingtalk_says_so(space, chat):
    assert chat_of({"userId": "0524", **space}) == chat
    assert (click(body(**space)).chat_id, click(body(**space)).chat_type) == chat


@pytest.mark.parametrize("bad", [
    {"content": "{", "value": "{"}, {"content": "{}", "value": ""}, {"content": json.dumps({"params": PARAMS})},
])
def test_a_body_without_private_data_in_either_carrier_is_refused(bad):
    b = {k: v for k, v in body().items() if k not in ("content", "value")}
    with pytest.raises(PayloadError):
        CardCallback(CONFIG).handle(click_request({**b, **bad})[0])


def test_a_broken_content_is_a_malformed_body_even_beside_a_good_value():
    with pytest.raises(PayloadError, match="content is not JSON"):
        click({**body(), "content": "{"})
