"""Acting as people from the console: every act goes through an emulator's real signed callback,
and what the bot answers (text, markdown, cards) shows up in that person's chat."""

from __future__ import annotations

from tests.console.helpers import FETCH, buttons, chat_html, send, wait_in_chat
from tests.integration.stack import wait_for

LI = "p-li"  # 李干事: WeCom ligs, DingTalk 0524, a liaison of the desk
DESK_WECOM = "wecom.group.综合应急和新闻宣传科"
DESK_DING = "dingtalk.group.cidDesk0001=="


def test_help_in_the_wecom_app_chat_is_answered_there(console_stack, client):
    answer = send(client, LI, "wecom.direct", "帮助")
    assert answer.status_code == 200 and answer.get_json() == {"ok": True, "error": ""}
    html = wait_in_chat(client, LI, "wecom.direct", "李干事，您好", console_stack)
    assert html.index("帮助") < html.index("李干事，您好")  # the person's message, then the bot's
    assert "<strong>" in html  # markdown drawn, not shown raw


def test_help_mentioned_in_a_wecom_group_comes_back_from_the_smart_bot(console_stack, client):
    assert send(client, LI, DESK_WECOM, "帮助").status_code == 200
    html = wait_in_chat(client, LI, DESK_WECOM, "舆情助手（智能机器人）", console_stack)
    assert "@舆情助手 帮助" in html
    assert console_stack.emulator.wecom.messages_for_group("wrDesk0001")[0]["sender"] == "aibot"


def test_help_in_a_dingtalk_group_is_seen_by_every_member(console_stack, client):
    assert send(client, LI, DESK_DING, "帮助").status_code == 200
    wait_in_chat(client, LI, DESK_DING, "李干事，您好", console_stack)
    assert "李干事，您好" in chat_html(client, "p-sun", DESK_DING)  # 孙科长 is in the same group


def test_the_wecom_test_card_is_clicked_and_changes_in_place(console_stack, client):
    send(client, LI, "wecom.direct", "测试卡片")
    html = wait_in_chat(client, LI, "wecom.direct", "wc-card", console_stack)
    [(task_id, key)] = buttons(html)
    assert "确认收到" in html and key == "demo.confirm?n=1"
    answer = client.post("/console/click", data={"person": LI, "chat": "wecom.direct", "card": task_id, "key": key},
                         headers=FETCH)
    assert answer.status_code == 200, answer.get_json()
    html = wait_in_chat(client, LI, "wecom.direct", "已由 李干事 确认", console_stack)
    assert buttons(html) == [] and html.count("wc-card") == 1  # updated in place, no new message


def test_the_dingtalk_test_card_in_a_group_changes_for_everyone(console_stack, client):
    send(client, "p-sun", DESK_DING, "测试卡片")
    html = wait_in_chat(client, LI, DESK_DING, "dt-card", console_stack)
    [(track, key)] = buttons(html)
    answer = client.post("/console/click", data={"person": LI, "chat": DESK_DING, "card": track, "key": key},
                         headers=FETCH)
    assert answer.status_code == 200, answer.get_json()
    wait_in_chat(client, "p-sun", DESK_DING, "已由 李干事 确认", console_stack)
    assert buttons(chat_html(client, "p-sun", DESK_DING)) == []


def test_a_pasted_link_can_be_forwarded_as_a_wecom_link_message(console_stack, client):
    send(client, LI, "wecom.direct", "某店销售过期食品 https://news.example.com/a/1", as_link="1")
    [mine] = console_stack.emulator.wecom.chat_with_user("ligs")[:1]
    assert mine["msgtype"] == "link"
    assert mine["content"]["url"] == "https://news.example.com/a/1" and mine["content"]["title"] == "某店销售过期食品"
    assert "link-card" in chat_html(client, LI, "wecom.direct")


def test_a_pasted_link_without_the_box_ticked_is_plain_text(console_stack, client):
    send(client, LI, "dingtalk.direct", "https://news.example.com/a/2")
    messages = console_stack.emulator.dingtalk.messages_for_user("0524", include_inbound=True)
    assert messages[0].content == {"text": "https://news.example.com/a/2"}


def test_an_impossible_click_is_refused_with_the_emulators_reason(client):
    answer = client.post("/console/click", data={"person": LI, "chat": "wecom.direct", "card": "no-such-task",
                                                 "key": "demo.confirm"}, headers=FETCH)
    assert answer.status_code == 400
    assert answer.get_json()["ok"] is False and "模拟器拒绝" in answer.get_json()["error"]


def test_without_javascript_a_form_post_comes_back_to_the_same_chat(console_stack, client):
    answer = client.post("/console/send", data={"person": LI, "chat": DESK_DING, "text": "帮助"})
    assert answer.status_code == 303
    assert "person=p-li" in answer.location and "chat=dingtalk.group" in answer.location
    wait_for(lambda: console_stack.emulator.dingtalk.messages_for_group("cidDesk0001=="), what="the answer")


def test_an_empty_message_is_not_sent(console_stack, client):
    answer = send(client, LI, "wecom.direct", "   ")
    assert answer.status_code == 400
    assert console_stack.emulator.wecom.chat_with_user("ligs") == []


def test_when_the_emulator_is_gone_the_page_says_so(console_stack, client):
    console_stack.emulator.stop()
    answer = client.get("/")
    assert answer.status_code == 200 and "模拟器无法访问" in answer.get_data(as_text=True)
    answer = send(client, LI, "wecom.direct", "帮助")
    assert answer.status_code in (400, 502)


def test_a_link_that_is_not_http_is_never_clickable(console_stack, client):
    console_stack.emulator.wecom.act_as("ligs").send_link("点我", "javascript:alert(1)")
    html = chat_html(client, LI, "wecom.direct")
    assert 'href="#"' in html and 'href="javascript' not in html


def test_a_button_card_in_a_wecom_group_is_live_only_for_those_who_hold_it(console_stack, client):
    """The smart bot's long connection can post button cards into groups (WeCom gives every member
    one); the console draws each person's own copy and offers only the buttons they can click."""
    wecom = console_stack.emulator.wecom
    card = {"card_type": "button_interaction", "main_title": {"title": "群里的卡片"}, "task_id": "grp1",
            "button_list": [{"text": "签收", "key": "case.ack", "style": 1}]}
    wecom.records.add(channel="aibot_ws", kind="group", chats=["wrDesk0001"], sender="aibot",
                      msgtype="template_card", content=card, time=wecom.clock.now(), msgid="m-grp1", task_id="grp1")
    wecom.records.hold_card("aibot_ws", "grp1", ["ligs"], card)
    html = chat_html(client, LI, DESK_WECOM)
    assert "群里的卡片" in html and buttons(html) == [("grp1", "case.ack")]
    html = chat_html(client, "p-chen", DESK_WECOM)  # 陈干事 is in the group but holds no copy
    assert "群里的卡片" in html and buttons(html) == [] and 'class="wc-btn greyed"' in html


def test_the_wecom_smart_bot_has_its_own_one_to_one_chat(console_stack, client):
    assert 'data-chat="wecom.aibot"' in client.get("/?person=p-li").get_data(as_text=True)
    assert send(client, LI, "wecom.aibot", "帮助").status_code == 200
    html = wait_in_chat(client, LI, "wecom.aibot", "李干事，您好", console_stack)
    assert "舆情助手（智能机器人）" in html
    assert "msg mine" not in chat_html(client, LI, "wecom.direct")  # the app's chat is another chat


def test_dingtalk_work_notices_have_their_own_read_only_conversation(console_stack, client):
    dingtalk = console_stack.emulator.dingtalk
    dingtalk.records.add(channel="work_notice", sender="bot", msgtype="markdown", at=dingtalk.now(), user="0524",
                         content={"title": "签收提醒", "text": "**YQ-2026-0001** 请尽快签收"})
    html = chat_html(client, LI, "dingtalk.notice")
    assert "工作通知" in html and "<strong>YQ-2026-0001</strong> 请尽快签收" in html
    assert "请尽快签收" not in chat_html(client, LI, "dingtalk.direct")
    page = client.get("/?person=p-li&chat=dingtalk.notice").get_data(as_text=True)
    assert 'id="composer-text"' not in page and "工作通知只能查看" in page
