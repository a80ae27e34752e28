"""The JSON control endpoints a web console uses: records, acting as people, reset."""

from __future__ import annotations

import requests

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import DESK, LI, SUN, WU, api
from .test_dingtalk_cards import CREATE, group_card


def ctl(server, path: str) -> str:
    return f"{server.url}/_emulator/dingtalk{path}"


def test_the_directory_lists_people_groups_and_members(server):
    d = requests.get(ctl(server, "/directory")).json()
    assert d["users"][SUN] == "孙科长" and d["groups"][DESK] == "综合应急和新闻宣传科"
    assert d["members"][DESK] == [SUN, LI]


def test_acting_as_a_person_over_http_reaches_the_bot_and_shows_in_the_chat(server, receiver):
    resp = requests.post(ctl(server, "/act/say"), json={"user": SUN, "group": DESK, "text": "帮助"})
    assert resp.status_code == 200 and resp.json()["answered"]
    assert receiver.of("/dingtalk/robot")[0]["body"]["senderStaffId"] == SUN
    chat = requests.get(ctl(server, f"/groups/{DESK}/messages")).json()
    assert [(m["sender"], m["content"]["text"]) for m in chat] == [(SUN, "帮助")]
    oto = requests.post(ctl(server, "/act/say"), json={"user": LI, "text": "你好"}).json()
    assert oto["payload"]["conversationType"] == "1"
    assert requests.get(ctl(server, f"/users/{LI}/messages")).json()[0]["sender"] == LI


def test_an_impossible_act_over_http_is_a_400_with_the_reason(server, receiver):
    resp = requests.post(ctl(server, "/act/say"), json={"user": WU, "group": DESK, "text": "hi"})
    assert resp.status_code == 400 and "not a member" in resp.json()["error"]
    assert requests.post(ctl(server, "/act/say"), data="x").status_code == 400
    assert receiver.received == []


def test_clicks_and_cards_over_http(server, receiver, token):
    api(server, "POST", CREATE, token, group_card())
    receiver.card_answer = {"cardData": {"cardParamMap": {"status": "已签收"}},
                            "cardUpdateOptions": {"updateCardDataByKey": True}}
    resp = requests.post(ctl(server, "/act/click"), json={"user": LI, "outTrackId": "card-1", "actionId": "case.ack"})
    assert resp.status_code == 200 and resp.json()["answered"]
    card = requests.get(ctl(server, "/cards/card-1"), params={"user": LI}).json()
    assert card["view"]["status"] == "已签收" and card["spaces"] == [f"IM_GROUP.{DESK}"]
    assert requests.get(ctl(server, "/cards/none")).status_code == 404
    wrong = requests.post(ctl(server, "/act/click"), json={"user": WU, "outTrackId": "card-1", "actionId": "case.ack"})
    assert wrong.status_code == 400


def test_check_url_over_http(server, receiver):
    assert requests.post(ctl(server, "/act/check_url"), json={}).json()["answered"]


def test_records_show_everything_and_reset_forgets_it(server, dt, receiver, token):
    api(server, "POST", CREATE, token, group_card())
    dt.say_to_bot(LI, "帮助")
    rec = requests.get(ctl(server, "/records")).json()
    assert len(rec["cards"]) == 1 and len(rec["deliveries"]) == 1 and len(rec["messages"]) == 2
    assert requests.post(ctl(server, "/reset")).json() == {"ok": True}
    rec = requests.get(ctl(server, "/records")).json()
    assert rec == {"messages": [], "cards": [], "deliveries": []}
    assert api(server, "POST", CREATE, token, group_card()).json()["code"] == "InvalidAuthentication"
    assert dt.card_route("yuqing_route")["callbackUrl"] == f"{receiver.url}/dingtalk/card"
