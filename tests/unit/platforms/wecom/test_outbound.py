"""WeComMessenger against the emulator: cards 1:1 and their updates, texts, groups, the smart bot."""

from __future__ import annotations

import pytest

from bot.core.card import Button, Card
from bot.core.errors import AlreadySent, PlatformError
from bot.core.event import Event
from tests.unit.platforms.wecom.conftest import CHAT, HOOK

CARD = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": ""}, (Button("确认收到", "demo.confirm"),))
DONE = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": "已由 周科长 确认"})


def sent_calls(wecom, path: str) -> list:
    return [c for c in wecom.api_calls if c["path"] == f"/cgi-bin/{path}"]


def test_a_button_card_arrives_1to1_and_a_resend_is_dropped_by_wecom(messenger, wecom):
    first = messenger.send_to_person("zhouks", CARD, dedup_id="outbox-1")
    again = messenger.send_to_person("zhouks", CARD, dedup_id="outbox-1")
    (held,) = wecom.cards_for_user("zhouks")
    assert held["task_id"] == first.card_ref["card_id"] == again.card_ref["card_id"]
    assert held["clickable"] == ["demo.confirm"] and first.card_ref["response_code"]
    assert len(wecom.messages_for_user("zhouks")) == 1 and len(wecom.dropped) == 1


def test_without_dedup_id_every_card_is_new(messenger, wecom):
    messenger.send_to_person("zhouks", CARD)
    messenger.send_to_person("zhouks", CARD)
    assert len(wecom.cards_for_user("zhouks")) == 2


def test_a_clicked_card_is_updated_in_place_then_a_used_code_gets_a_fresh_card(messenger, wecom):
    ref = messenger.send_to_person("zhouks", CARD).card_ref
    messenger.update_card(ref, DONE)
    (card,) = wecom.cards_for_user("zhouks")
    assert card["card"]["replace_text"] == "已由 周科长 确认"
    fresh = messenger.update_card(ref, DONE)  # the response_code was used: WeCom answers 60140
    assert fresh.card_ref["card_id"] != ref["card_id"]
    assert len(wecom.cards_for_user("zhouks")) == 2 and len(wecom.messages_for_user("zhouks")) == 2


def test_a_wechat_plugin_reader_gets_plain_text(messenger, wecom):
    messenger.send_to_person("fenggs", CARD, wechat_plugin=True)
    (message,) = wecom.messages_for_user("fenggs")
    assert message["msgtype"] == "text" and "回复“确认收到”" in message["content"]["content"]
    assert wecom.cards_for_user("fenggs") == []


def test_a_long_text_arrives_whole_in_pieces(messenger, wecom):
    text = "".join(f"第{i}条：某商户被投诉售卖过期食品，请核查。\n" for i in range(200))
    messenger.send_to_person("zhouks", Card("notice", {"text": text}))
    messages = wecom.messages_for_user("zhouks")
    assert len(messages) > 1 and not any(m["truncated"] for m in messages)
    assert "\n".join(m["content"]["content"] for m in messages) == text.strip()


def test_the_token_is_fetched_once_and_shared_through_redis(messenger, wecom, redis_client):
    for _ in range(3):
        messenger.send_to_person("zhouks", Card("notice", {"text": "hi"}))
    assert len(sent_calls(wecom, "gettoken")) == 1
    assert [k.decode() for k in redis_client.keys("yq:token:wecom:*")] == ["yq:token:wecom:ww1234567890abcdef:1000002"]


@pytest.mark.parametrize("mode", ["expire", "revoke"])
def test_an_expired_or_revoked_token_is_refreshed_once(messenger, wecom, mode):
    messenger.send_to_person("zhouks", Card("notice", {"text": "1"}))
    wecom.expire_tokens() if mode == "expire" else wecom.revoke_tokens()
    messenger.send_to_person("zhouks", Card("notice", {"text": "2"}))
    assert len(sent_calls(wecom, "gettoken")) == 2 and len(wecom.messages_for_user("zhouks")) == 2


def test_a_token_refused_again_after_refresh_is_an_error_not_a_loop(messenger, wecom):
    wecom.inject_fault("errcode", 40014, path="message/send")
    with pytest.raises(PlatformError) as err:
        messenger.send_to_person("zhouks", Card("notice", {"text": "x"}))
    assert err.value.code == 40014
    assert len(sent_calls(wecom, "message/send")) == 2 and len(sent_calls(wecom, "gettoken")) == 2


@pytest.mark.parametrize("fault,code,retryable,words", [
    ("errcode", 45009, True, "45009"), ("errcode", 45033, True, "45033"), ("errcode", -1, True, "-1"),
    ("errcode", 60020, False, "企业可信IP"), ("errcode", 48002, False, "permission"), ("http", 503, True, "HTTP 503"),
])
def test_platform_errors_say_whether_to_retry(messenger, wecom, fault, code, retryable, words):
    wecom.inject_fault(fault, code, count=1, path="message/send")
    with pytest.raises(PlatformError) as err:
        messenger.send_to_person("zhouks", Card("notice", {"text": "x"}))
    assert err.value.retryable is retryable and words in str(err.value)
    assert len(sent_calls(wecom, "message/send")) == 1


def test_an_unknown_person_is_a_permanent_error(messenger):
    with pytest.raises(PlatformError) as err:
        messenger.send_to_person("nobody", Card("notice", {"text": "x"}))
    assert err.value.code == 81013 and not err.value.retryable


def test_group_notices_go_through_the_webhook_robot_with_mentions(messenger, wecom):
    messenger.send_to_group({"wecom_webhook_key": HOOK, "wecom_aibot_chatid": CHAT},
                            Card("notice", {"text": "**新预警** 请签收", "mentions": ["zhouks"]}))
    messenger.send_to_group({"wecom_webhook_key": HOOK}, CARD)
    first, second = wecom.messages_for_group(HOOK)
    assert (first["sender"], first["msgtype"]) == ("webhook", "markdown") and "<@zhouks>" in first["content"]["content"]
    assert second["msgtype"] == "markdown" and "确认收到" in second["content"]["content"]


def test_an_app_chat_gets_markdown_and_a_smart_bot_only_group_is_a_clear_error(messenger, wecom):
    chatid = messenger.client.post("appchat/create", {"name": "舆情专班", "owner": "zhouks",
                                                      "userlist": ["zhouks", "ligs"]})["chatid"]
    messenger.send_to_group({"wecom_appchat_id": chatid}, CARD)
    assert wecom.messages_for_group(chatid)[0]["msgtype"] == "markdown"
    with pytest.raises(PlatformError, match="webhook robot") as err:
        messenger.send_to_group({"wecom_aibot_chatid": CHAT}, CARD)
    assert not err.value.retryable


def aibot_event(wecom, chat_type: str) -> Event:
    group = chat_type == "group"
    code = wecom.response_urls.issue(userid="zhouks", chatid=CHAT if group else None, chattype=chat_type)
    url = f"{wecom.base_url}/cgi-bin/aibot/response?response_code={code}"
    return Event(platform="wecom", kind="mention" if group else "text", user_id="zhouks",
                 chat_id=CHAT if group else "zhouks", chat_type=chat_type, dedup_key="aibot-msg:1", received_at="",
                 channel="wecom_aibot", reply={"channel": "wecom_aibot", "response_url": url, "chat_type": chat_type})


def test_smart_bot_replies_go_through_the_response_url_once(messenger, wecom):
    event = aibot_event(wecom, "group")
    messenger.reply(event, CARD)
    (answer,) = wecom.messages_for_group(CHAT)
    assert (answer["sender"], answer["msgtype"]) == ("aibot", "markdown")
    with pytest.raises(AlreadySent) as err:  # used (42022): in a group there is nowhere else to answer; on a
        messenger.reply(event, Card("notice", {"text": "again"}))  # retry the worker counts the first as delivered
    assert err.value.code == 42022


def test_a_smart_bot_1to1_reply_carries_the_card_and_falls_back_to_the_app(messenger, wecom):
    event = aibot_event(wecom, "single")
    sent = messenger.reply(event, CARD)
    assert sent.card_ref["channel"] == "wecom_aibot"
    assert wecom.cards_for_user("zhouks")[0]["channel"] == "aibot"
    messenger.reply(event, Card("notice", {"text": "again"}))
    assert [m["channel"] for m in wecom.messages_for_user("zhouks")] == ["aibot", "app"]


def test_concurrent_workers_fetch_one_token_under_the_lock(messenger, wecom, redis_client):
    from concurrent.futures import ThreadPoolExecutor

    from bot.platforms.wecom.client import WeComClient

    wecom.inject_fault("delay", 0.3, count=1, path="gettoken")  # a slow gettoken: the others must wait for it
    clients = [WeComClient(messenger.client.corp_id, messenger.client.secret, "1000002", messenger.client.root,
                           redis_client) for _ in range(5)]
    with ThreadPoolExecutor(5) as pool:
        tokens = set(pool.map(lambda c: c.token(), clients))
    assert len(tokens) == 1 and len(sent_calls(wecom, "gettoken")) == 1


def test_a_wrong_secret_is_a_permanent_error_naming_the_setting(emulator_server, wecom, redis_client):
    from bot.platforms.wecom.outbound import WeComMessenger
    from tests.unit.platforms.wecom.conftest import ENV, TEMPLATES

    wrong = WeComMessenger({**ENV, "WECOM_SECRET": "not-it", "WECOM_API_BASE": emulator_server.url + "/cgi-bin/"},
                           redis=redis_client, templates_dir=TEMPLATES)
    with pytest.raises(PlatformError, match="WECOM_SECRET") as err:
        wrong.send_to_person("zhouks", Card("notice", {"text": "x"}))
    assert err.value.code == 40001 and not err.value.retryable
    assert redis_client.keys("yq:token:*") == []


def test_an_update_without_response_code_sends_a_fresh_card(messenger, wecom):
    ref = messenger.send_to_person("zhouks", CARD).card_ref
    messenger.update_card({"card_id": ref["card_id"], "user_id": "zhouks"}, DONE)
    assert len(wecom.cards_for_user("zhouks")) == 2
    assert [c for c in wecom.api_calls if c["path"].endswith("update_template_card")] == []


def test_two_successive_fresh_copies_of_one_card_both_arrive(messenger, wecom):
    """A copy's code works once: each later change is a fresh card, and each new content gets its own
    task_id (WeCom answers 0 but drops a reused one); the same change again is still dropped."""
    ref = messenger.send_to_person("zhouks", CARD).card_ref
    messenger.update_card(ref, DONE)  # in place, the code is now used
    later = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": "已报送初报（第1版）"})
    first = messenger.update_card(ref, later)
    again = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": "已报送续报（第1版）"})
    second = messenger.update_card(ref, again)
    assert first.card_ref["card_id"] != second.card_ref["card_id"]
    cards = [c["card"] for c in wecom.cards_for_user("zhouks")]
    assert cards[0]["replace_text"] == "已由 周科长 确认"  # in place: update_template_card honours replace_text
    assert [c["main_title"]["desc"] for c in cards[1:]] == ["已报送初报（第1版）", "已报送续报（第1版）"]
    assert wecom.dropped == []
    messenger.update_card(ref, again)  # a re-run of the same update: WeCom's duplicate check drops it
    assert len(wecom.cards_for_user("zhouks")) == 3 and len(wecom.dropped) == 1


def test_wecom_answers_ok_to_a_reused_task_id_and_delivers_nothing(messenger, wecom):
    """Under the switch, the emulator as the field report has WeCom: errcode 0, errmsg ok, nothing delivered."""
    wecom.task_id_reuse = "drop"
    messenger.send_to_person("zhouks", CARD, dedup_id="outbox-7")
    answer = messenger.client.post("message/send", {
        "touser": "zhouks", "agentid": int(messenger.agent_id), "msgtype": "template_card",
        "template_card": {**wecom.cards_for_user("zhouks")[0]["card"]}})
    assert answer["errcode"] == 0 and answer["errmsg"] == "ok"
    assert len(wecom.cards_for_user("zhouks")) == 1 and wecom.dropped[-1]["reason"] == "task_id reused"
