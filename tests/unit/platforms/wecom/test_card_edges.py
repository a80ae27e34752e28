"""Issue 18, items 5, 6, 7 and 9 (WeCom): settled cards sent fresh, fallbacks on every spent response_code or
response_url, cards fitted to WeCom's limits, a smart-bot picture with its text, and the app callback's
empty answer — each against the emulator's documented behaviour and, where WeCom is unconfirmed, its switch."""

from __future__ import annotations

import pytest

from bot.core.card import Button, Card
from bot.core.errors import AlreadySent, ConfigError, PlatformError
from bot.core.event import Event
from bot.emulator.wecom.payloads import app_body
from bot.platforms.wecom import cardfit
from bot.platforms.wecom.buttons import encode_key
from tests.unit.platforms.wecom.conftest import CHAT, HOME

CARD = Card("demo_card", {"title": "舆情预警", "body": "请签收", "status": ""}, (Button("签收", "demo.confirm"),))
DONE = Card("demo_card", {"title": "舆情预警", "body": "请签收", "status": "已由 周科长 签收"})
LONG = "某市场监管局接到群众反映某商户售卖过期食品并在网络上引发大量转发和评论" * 3


def clicked(wecom, emulator_server, monkeypatch, ref: dict) -> dict:
    """``ref`` with the response_code of a click on its card (no bot takes the callback here)."""
    monkeypatch.setattr(wecom, "bot_url", emulator_server.url + "/no-bot-here")
    code = wecom.act_as(ref["user_id"]).click(ref["card_id"], "demo.confirm").info["response_code"]
    return {**ref, "response_code": code}


# --- item 5: settled cards --------------------------------------------------------------------------------
def test_a_fresh_settled_card_shows_its_outcome_without_a_live_button(messenger, wecom):
    messenger.send_to_person("zhouks", DONE, dedup_id="settled-1")
    (card,) = wecom.cards_for_user("zhouks")
    assert card["card"]["card_type"] == "text_notice" and card["clickable"] == []
    assert card["card"]["main_title"]["desc"] == "已由 周科长 签收" and card["links"] == [HOME]


def test_the_emulator_ignores_replace_text_on_a_fresh_send_as_wecom_does(messenger, wecom):
    """What the adapter used to send: the button card with replace_text — WeCom shows a live button."""
    body = messenger.bodies.rich(DONE, "yq_settled_old")
    messenger._message_send("zhouks", body)
    (card,) = wecom.cards_for_user("zhouks")
    assert "replace_text" not in card["card"] and card["clickable"] == ["yq.done"]


# --- item 6: update fallbacks -----------------------------------------------------------------------------
@pytest.mark.parametrize("spent", ["expired-60140", "used-42022", "used-60140-switch"])
def test_an_update_with_a_spent_response_code_sends_a_fresh_card(messenger, wecom, emulator_server, monkeypatch,
                                                                   spent):
    ref = clicked(wecom, emulator_server, monkeypatch, messenger.send_to_person("zhouks", CARD).card_ref)
    if spent == "expired-60140":
        wecom.advance_time(72 * 3600 + 1)
    else:
        wecom.response_codes.used_code = 60140 if spent.endswith("switch") else 42022
        messenger.update_card(ref, Card("demo_card", {**DONE.data, "status": "已签收"}))  # uses the code
    messenger.update_card(ref, DONE)
    outcomes = [c["outcome"] for c in wecom.api_calls if c["path"].endswith("update_template_card")]
    assert outcomes[-1] == int(spent.split("-")[1])
    fresh = wecom.cards_for_user("zhouks")[-1]
    assert fresh["task_id"] != ref["card_id"] and fresh["card"]["main_title"]["desc"] == "已由 周科长 签收"


def aibot_event(wecom, chat_type: str) -> Event:
    group = chat_type == "group"
    url = wecom.response_urls.issue(chattype=chat_type, chatid=CHAT if group else None, userid="zhouks")
    url = f"{wecom.base_url}/cgi-bin/aibot/response?response_code={url}"
    return Event(platform="wecom", kind="mention" if group else "text", text="帮助", user_id="zhouks",
                 chat_id=CHAT if group else "zhouks", chat_type=chat_type, dedup_key="aibot-msg:9", received_at="",
                 channel="wecom_aibot", reply={"channel": "wecom_aibot", "response_url": url, "chat_type": chat_type})


@pytest.mark.parametrize("spent", ["used", "expired"])
def test_a_spent_smart_bot_response_url_in_1to1_falls_back_to_the_app(messenger, wecom, spent):
    event = aibot_event(wecom, "single")
    if spent == "used":
        messenger.reply(event, Card("notice", {"text": "第一条"}))
    else:
        wecom.advance_time(3601)
    messenger.reply(event, CARD)
    assert [m["channel"] for m in wecom.messages_for_user("zhouks")][-1] == "app"


@pytest.mark.parametrize(("spent", "error", "code"), [("used", AlreadySent, 42022), ("expired", PlatformError, 60140)])
def test_a_spent_smart_bot_response_url_in_a_group_says_which(messenger, wecom, spent, error, code):
    """Used: an earlier attempt may have delivered it (AlreadySent: sent on a retry); expired: it never went."""
    event = aibot_event(wecom, "group")
    if spent == "used":
        messenger.reply(event, Card("notice", {"text": "第一条"}))
    else:
        wecom.advance_time(3601)
    with pytest.raises(error) as err:
        messenger.reply(event, Card("notice", {"text": "第二条"}))
    assert err.value.code == code


# --- item 7: card limits -----------------------------------------------------------------------------------
def test_a_card_over_every_limit_arrives_fitted(messenger, wecom):
    buttons = tuple(Button(f"第{i}个非常长的按钮文字名称", "demo.pick", {"n": str(i), "名": "食品科"}) for i in range(8))
    card = Card("demo_card", {"title": LONG, "body": LONG * 2, "status": ""}, buttons)
    sent = messenger.send_to_person("zhouks", card, dedup_id="big-1")
    first, second = (c["card"] for c in wecom.cards_for_user("zhouks"))
    assert sent.card_ref["card_id"] == first["task_id"] and second["task_id"] == first["task_id"] + "-2"
    assert [len(first["button_list"]), len(second["button_list"])] == [6, 2]
    assert len(first["main_title"]["title"]) == 36 and first["main_title"]["title"].endswith("…")
    assert second["main_title"]["title"].endswith("（续2）") and len(second["main_title"]["title"]) <= 36
    assert len(first["sub_title_text"]) == 160 and first["sub_title_text"].endswith("…")
    assert all(len(b["text"]) <= 10 for b in first["button_list"] + second["button_list"])
    keys = [b["key"] for b in first["button_list"] + second["button_list"]]
    assert len(set(keys)) == 8 and all(k.isascii() and " " not in k for k in keys)


def test_rows_beyond_six_and_long_values_are_fitted_and_accepted():
    card = {"card_type": "button_interaction", "main_title": {"title": "t", "desc": LONG}, "sub_title_text": "正文",
            "horizontal_content_list": [{"keyname": f"项{i}", "value": LONG} for i in range(8)],
            "button_list": [{"text": "签收", "style": 1, "key": "case.ack"}], "task_id": "yq_rows"}
    with pytest.raises(Exception) as refused:
        app_body({"touser": "zhouks", "agentid": 1, "msgtype": "template_card",
                  "template_card": {**card, "main_title": {"title": "t"}}})
    assert getattr(refused.value, "code", None) == 42035
    fitted = cardfit.fit(card)
    app_body({"touser": "zhouks", "agentid": 1, "msgtype": "template_card", "template_card": fitted})
    rows = fitted["horizontal_content_list"]
    assert len(rows) == 6 and all(len(r["value"]) == 30 and r["value"].endswith("…") for r in rows)
    assert fitted["sub_title_text"].startswith("正文\n项6：") and len(fitted["main_title"]["desc"]) == 44


@pytest.mark.parametrize(("field", "value", "code"), [
    ("title", "题" * 37, 40058), ("sub", "字" * 161, 40058), ("button", "按" * 11, 42038), ("key", "签 收", 42039),
    ("key", "签收", 42039), ("key", "k" * 1025, 42039)])
def test_the_emulator_refuses_each_limit_with_its_code(field, value, code):
    card = {"card_type": "button_interaction", "main_title": {"title": "t"}, "sub_title_text": "s",
            "button_list": [{"text": "签收", "style": 1, "key": "case.ack"}], "task_id": "yq_lim"}
    if field == "title":
        card["main_title"]["title"] = value
    elif field == "sub":
        card["sub_title_text"] = value
    else:
        card["button_list"][0]["text" if field == "button" else "key"] = value
    with pytest.raises(Exception) as refused:
        app_body({"touser": "zhouks", "agentid": 1, "msgtype": "template_card", "template_card": card})
    assert getattr(refused.value, "code", None) == code


def test_a_key_is_printable_ascii_and_an_over_long_one_is_refused_before_sending():
    assert encode_key(Button("签收", "case.ack", {"unit": "食品科"})).isascii()
    with pytest.raises(ConfigError):
        encode_key(Button("签收", "case.ack", {"x": "y" * 1100}))


def test_a_smart_bot_1to1_card_of_more_than_six_buttons_goes_as_its_text(messenger, wecom):
    """A response_url takes one message: a card that would need two is sent as its text fallback."""
    buttons = tuple(Button(f"选项{i}", "demo.pick", {"n": str(i)}) for i in range(8))
    body = messenger.bodies.aibot(Card("demo_card", {"title": "选择", "body": "请选择", "status": ""}, buttons),
                                  "yq_ai", cards=True)
    assert body["msgtype"] == "markdown"
