"""Group chats: appchat/create and appchat/send (no template cards), the webhook robot."""

from __future__ import annotations

from tests.emulator.conftest_wecom import (  # noqa: F401
    DESK_CHAT, DESK_HOOK, DESK_NAME, api, button_card, server, wecom)


def create(api, **fields) -> dict:
    data = {"name": "专项处置群", "owner": "ligs", "userlist": ["ligs", "zhouks"], "chatid": "case42", **fields}
    return api.call("appchat/create", data)


def chat_send(api, **fields) -> dict:
    return api.call("appchat/send", {"chatid": "case42", "msgtype": "text", "text": {"content": "请处置"}, **fields})


def hook(api, data: dict, key: str = DESK_HOOK) -> dict:
    return api.call("webhook/send", data, key=key)


def test_an_app_created_chat_receives_text_and_markdown(api, wecom):
    assert create(api) == {"errcode": 0, "errmsg": "ok", "chatid": "case42"}
    assert chat_send(api)["errcode"] == 0
    assert chat_send(api, msgtype="markdown", text=None, markdown={"content": "**急**"})["errcode"] == 0
    messages = wecom.messages_for_group("case42")
    assert [m["msgtype"] for m in messages] == ["text", "markdown"]
    assert wecom.messages_for_group("专项处置群") == messages


def test_appchat_send_refuses_template_cards_with_40008(api, wecom):
    create(api)
    answer = chat_send(api, msgtype="template_card", text=None, template_card=button_card())
    assert answer["errcode"] == 40008
    assert wecom.messages_for_group("case42") == []


def test_appchat_send_to_an_unknown_or_foreign_chat_is_refused(api):
    assert chat_send(api, chatid="nochat")["errcode"] == 86003
    assert chat_send(api, chatid=DESK_CHAT)["errcode"] == 86008
    assert chat_send(api, chatid="")["errcode"] == 86001


def test_appchat_create_checks_members_owner_and_chatid(api):
    assert create(api, userlist=["ligs"])["errcode"] == 86006
    assert create(api, userlist=["ligs", "ghost"])["errcode"] == 86007
    assert create(api, owner="zhenggcs")["errcode"] == 86005
    assert create(api, chatid="bad-chat-id!")["errcode"] == 86001
    assert create(api)["errcode"] == 0
    assert create(api)["errcode"] == 86001  # the chatid is taken


def test_appchat_text_is_truncated_like_message_send(api, wecom):
    create(api)
    chat_send(api, text={"content": "x" * 2100})
    assert len(wecom.messages_for_group("case42")[0]["content"]["content"]) == 2048


def test_the_webhook_robot_posts_into_its_group(api, wecom):
    data = {"msgtype": "markdown", "markdown": {"content": "新舆情 <@ligs> 请签收"}}
    assert hook(api, data) == {"errcode": 0, "errmsg": "ok"}
    (message,) = wecom.messages_for_group(DESK_HOOK)
    assert message["sender"] == "webhook" and message["content"]["content"] == "新舆情 <@ligs> 请签收"
    assert wecom.messages_for_group(DESK_NAME) == [message]


def test_an_unknown_webhook_key_is_93000(api):
    assert hook(api, {"msgtype": "text", "text": {"content": "x"}}, key="nope")["errcode"] == 93000


def test_webhook_markdown_over_4096_bytes_is_refused_with_40058(api, wecom):
    answer = hook(api, {"msgtype": "markdown", "markdown": {"content": "m" * 4097}})
    assert answer["errcode"] == 40058 and "exceed max length 4096" in answer["errmsg"]
    assert hook(api, {"msgtype": "markdown", "markdown": {"content": "m" * 4096}})["errcode"] == 0


def test_webhook_text_is_truncated_to_2048_bytes_and_refused_over_5120(api, wecom):
    assert hook(api, {"msgtype": "text", "text": {"content": "t" * 3000}})["errcode"] == 0
    assert len(wecom.messages_for_group(DESK_HOOK)[0]["content"]["content"]) == 2048
    assert hook(api, {"msgtype": "text", "text": {"content": "t" * 5121}})["errcode"] == 40058


def test_webhook_cards_are_notices_only(api, wecom):
    assert hook(api, {"msgtype": "template_card", "template_card": button_card()})["errcode"] == 42031
    notice = {"card_type": "text_notice", "main_title": {"title": "通知"}, "card_action": {"type": 1, "url": "https://x"}}
    assert hook(api, {"msgtype": "template_card", "template_card": notice})["errcode"] == 0


def test_the_webhook_robot_allows_20_messages_a_minute(api, wecom):
    data = {"msgtype": "text", "text": {"content": "x"}}
    assert all(hook(api, data)["errcode"] == 0 for _ in range(20))
    assert hook(api, data)["errcode"] == 45009
    wecom.advance_time(61)
    assert hook(api, data)["errcode"] == 0
    assert len(wecom.messages_for_group(DESK_HOOK)) == 21
