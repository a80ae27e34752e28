"""WeCom end to end: real signed, encrypted callbacks from the emulator → web → Redis → RQ →
a real worker → the emulator's API; what people see is read from the emulator's records."""

from __future__ import annotations

from tests.integration.stack import wait_for

FOOD_CHAT = "wrFood0001"  # u-food's smart-bot chat in examples/org.yaml


def _texts(messages: list[dict]) -> list[str]:
    return [str(m["content"].get("content", "")) for m in messages]


def test_help_sent_to_the_app_comes_back_1to1(stack):
    wecom = stack.emulator.wecom
    delivery = wecom.act_as("zhouks").send_text("帮助")
    assert delivery.status == 200 and delivery.reply == b""  # empty, as documented (90238)
    messages = wait_for(lambda: wecom.messages_for_user("zhouks"), what="the help answer")
    assert messages[0]["sender"] == "app" and messages[0]["msgtype"] == "markdown"
    assert "周科长，您好" in messages[0]["content"]["content"] and "签收" in messages[0]["content"]["content"]


def test_help_as_a_group_mention_comes_back_in_the_group(stack):
    wecom = stack.emulator.wecom
    delivery = wecom.act_as("zhouks").mention_bot(FOOD_CHAT, "帮助")
    assert delivery.status == 200
    answers = wait_for(lambda: wecom.messages_for_group(FOOD_CHAT), what="the smart bot's answer")
    assert answers[0]["sender"] == "aibot" and answers[0]["msgtype"] == "markdown"
    assert "我是**舆情助手**" in answers[0]["content"]["content"]
    assert wecom.messages_for_user("zhouks") == []


def test_test_card_click_updates_that_card(stack):
    wecom = stack.emulator.wecom
    wecom.act_as("zhouks").send_text("测试卡片")
    card = wait_for(lambda: wecom.cards_for_user("zhouks"), what="the test card")[0]
    assert card["clickable"] == ["demo.confirm?n=1"]
    wecom.act_as("zhouks").click(card["task_id"], "demo.confirm?n=1")

    def updated():
        now = wecom.card_for_user("zhouks", card["task_id"])
        return now if now["card"].get("replace_text") else None

    now = wait_for(updated, what="the card to change in place")
    assert now["card"]["replace_text"] == "已由 周科长 确认"
    assert len(wecom.cards_for_user("zhouks")) == 1
    assert len(wecom.messages_for_user("zhouks")) == 1


def test_a_link_message_reaches_a_handler(stack):
    wecom = stack.emulator.wecom
    wecom.act_as("zhouks").send_link("某店售卖过期食品", "https://example.com/post/1", "网友爆料")
    (answer,) = wait_for(lambda: wecom.messages_for_user("zhouks"), what="an answer to the link")
    assert answer["sender"] == "app"


def test_an_expired_token_is_refreshed_once_on_the_way(stack):
    wecom = stack.emulator.wecom
    wecom.act_as("zhouks").send_text("帮助")
    wait_for(lambda: wecom.messages_for_user("zhouks"), what="the first answer")
    wecom.expire_tokens()
    wecom.act_as("zhouks").send_text("帮助")
    wait_for(lambda: len(wecom.messages_for_user("zhouks")) == 2, what="the answer after expiry")
    outcomes = [c["outcome"] for c in wecom.api_calls]
    assert outcomes.count(42001) == 1 and len([c for c in wecom.api_calls if c["path"].endswith("gettoken")]) == 2


def test_a_smart_bot_card_1to1_is_answered_with_a_fresh_card_after_a_click(stack):
    wecom = stack.emulator.wecom
    wecom.act_as("zhouks").send_bot_text("测试卡片")
    card = wait_for(lambda: wecom.cards_for_user("zhouks"), what="the smart bot's card")[0]
    assert card["channel"] == "aibot"
    wecom.act_as("zhouks").click(card["task_id"], card["clickable"][0])
    cards = wait_for(lambda: len(wecom.cards_for_user("zhouks")) == 2 and wecom.cards_for_user("zhouks"),
                     what="the card after the click")
    fresh = cards[1]["card"]  # a fresh settled card: a text_notice showing the outcome, no live button (item 5)
    assert fresh["card_type"] == "text_notice" and fresh["main_title"]["desc"] == "已由 周科长 确认"
    assert cards[1]["channel"] == "aibot" and cards[1]["clickable"] == []
