"""Cards that ask a question (button_selection), the enter_agent event, and a whole-card
passive update_template_card reply in WeCom's CamelCase XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest
import requests

from bot.emulator.wecom import ActError
from tests.emulator.conftest_wecom import CORP_ID, api, bot, button_card, send_card, server, wecom  # noqa: F401


def grading_card(task_id: str = "grade-42") -> dict:
    card = button_card(task_id, keys=("grade.submit",))
    card["button_selection"] = {"question_key": "grade", "title": "等级",
                                "option_list": [{"id": "g1", "text": "一般"}, {"id": "g2", "text": "较大"}]}
    return card


def test_a_click_with_a_selection_carries_selected_items(api, wecom, bot):
    send_card(api, grading_card())
    wecom.act_as("ligs").click("grade-42", "grade.submit", {"grade": ["g2"]})
    root = ElementTree.fromstring(bot.received[0].plaintext)
    item = root.find("SelectedItems/SelectedItem")
    assert item.findtext("QuestionKey") == "grade"
    assert [o.text for o in item.findall("OptionIds/OptionId")] == ["g2"]


def test_a_selection_the_card_does_not_offer_raises(api, wecom, bot):
    send_card(api, grading_card())
    with pytest.raises(ActError):
        wecom.act_as("ligs").click("grade-42", "grade.submit", {"grade": ["g9"]})
    with pytest.raises(ActError):
        wecom.act_as("ligs").click("grade-42", "grade.submit", {"colour": ["g1"]})
    assert bot.received == []


def test_a_smart_bot_click_with_a_selection_carries_selected_items(wecom, bot):
    url = wecom.act_as("ligs").send_bot_text("定级").info["response_url"]
    session = requests.Session()
    session.trust_env = False
    session.post(url, data=json.dumps({"msgtype": "template_card", "template_card": grading_card("bot-grade")}))
    wecom.act_as("ligs").click("bot-grade", "grade.submit", {"grade": ["g1"]})
    event = bot.received[-1].json()["event"]["template_card_event"]
    chosen = [{"question_key": "grade", "option_ids": {"option_id": ["g1"]}}]
    assert event["selected_items"] == {"selected_item": chosen}


def test_enter_agent_is_an_event_with_an_empty_event_key(wecom, bot):
    wecom.act_as("zhouks").enter_agent()
    root = ElementTree.fromstring(bot.received[0].plaintext)
    assert root.findtext("MsgType") == "event" and root.findtext("Event") == "enter_agent"
    assert root.findtext("EventKey") == "" and root.findtext("FromUserName") == "zhouks"


def test_a_passive_update_template_card_reply_replaces_the_clickers_card(api, wecom, bot):
    send_card(api, button_card(), touser="ligs|zhouks")
    reply = ("<xml><ToUserName><![CDATA[ligs]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"
             "<CreateTime>1</CreateTime><MsgType><![CDATA[update_template_card]]></MsgType><TemplateCard>"
             "<CardType><![CDATA[button_interaction]]></CardType>"
             "<MainTitle><Title><![CDATA[已签收]]></Title></MainTitle>"
             "<ButtonList><Text><![CDATA[撤销]]></Text><Style>2</Style><Key><![CDATA[case.undo]]></Key></ButtonList>"
             "<ButtonList><Text><![CDATA[详情]]></Text><Style>1</Style><Key><![CDATA[case.more]]></Key></ButtonList>"
             "</TemplateCard></xml>") % CORP_ID
    bot.reply = lambda got: bot.app.encrypt_message(reply, "24680").encode()
    result = wecom.act_as("ligs").click("case-42-ack", "case.ack")
    assert result.info["passive_reply"] == "update_template_card"
    mine = wecom.card_for_user("ligs", "case-42-ack")
    assert mine["card"]["main_title"] == {"title": "已签收"} and mine["clickable"] == ["case.undo", "case.more"]
    assert mine["card"]["button_list"][0]["style"] == 2
    assert wecom.card_for_user("zhouks", "case-42-ack")["clickable"] == ["case.ack", "case.reject"]


def test_clicks_with_selections_over_http(api, wecom, bot, server):
    send_card(api, grading_card())
    session = requests.Session()
    session.trust_env = False
    answer = session.post(server.url + "/_emulator/wecom/act", json={
        "userid": "ligs", "action": "click", "task_id": "grade-42", "key": "grade.submit",
        "selected": {"grade": ["g1"]}}).json()
    assert "<QuestionKey><![CDATA[grade]]></QuestionKey>" in answer["plaintext"]
    assert session.post(server.url + "/_emulator/wecom/act", json={
        "userid": "ligs", "action": "enter_agent"}).json()["answered"]
