"""The console page: marked as a local emulator, a person picker, each person's chats per platform."""

from __future__ import annotations


def test_the_page_says_it_is_a_local_emulator_and_shows_the_organisation(client):
    answer = client.get("/")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "模拟环境" in html and "【模拟环境】" in html  # banner and title
    assert "示例市市场监督管理局" in html
    assert "综合应急和新闻宣传科" in html and "赵局长" in html  # the picker lists units and leaders


def test_by_default_the_desk_liaison_acts_and_sees_both_platforms(client):
    html = client.get("/").get_data(as_text=True)
    assert 'value="p-li" selected' in html
    for chat in ("wecom.direct", "wecom.group.综合应急和新闻宣传科", "dingtalk.direct", "dingtalk.group.cidDesk0001=="):
        assert f'data-chat="{chat}"' in html
    assert "phone-wecom" in html  # the first chat (WeCom 1:1) is open


def test_a_person_on_one_platform_sees_only_that_platform(client):
    html = client.get("/?person=p-zhou").get_data(as_text=True)
    assert 'data-chat="wecom.direct"' in html and 'data-chat="wecom.group.食品生产安全监督管理科"' in html
    assert 'data-chat="dingtalk.' not in html
    html = client.get("/?person=p-chu").get_data(as_text=True)
    assert 'data-chat="dingtalk.direct"' in html and 'data-chat="wecom.direct"' not in html


def test_a_dingtalk_chat_is_drawn_dingtalk_style(client):
    html = client.get("/?person=p-li&chat=dingtalk.group.cidDesk0001==").get_data(as_text=True)
    assert "phone-dingtalk" in html and "@舆情助手" in html


def test_a_leader_in_no_group_has_only_the_one_to_one_chat(client):
    html = client.get("/?person=p-qian").get_data(as_text=True)
    assert 'data-chat="wecom.direct"' in html and 'data-chat="wecom.group.' not in html


def test_an_unknown_person_falls_back_to_the_default(client):
    answer = client.get("/?person=nobody")
    assert answer.status_code == 200 and 'value="p-li" selected' in answer.get_data(as_text=True)


def test_the_console_is_not_on_the_plain_web_app(stack):
    """``yuqing serve`` builds the app without the console: no page at /."""
    assert stack._web.app.test_client().get("/").status_code == 404


def test_the_acting_person_is_shown_with_what_they_are_in_the_organisation(client):
    html = client.get("/?person=p-li").get_data(as_text=True)
    assert "综合应急和新闻宣传科·联络员" in html
    html = client.get("/?person=p-qian").get_data(as_text=True)
    assert "分管宣传领导" in html and "分管综合应急和新闻宣传科" in html


def test_the_chat_list_counts_each_chats_messages(console_stack, client):
    from tests.integration.stack import wait_for

    console_stack.emulator.dingtalk.say_to_bot("0524", "帮助")
    wait_for(lambda: len(console_stack.emulator.dingtalk.messages_for_user("0524", include_inbound=True)) == 2,
             what="the help answer")
    html = client.get("/console/chats?person=p-li&chat=wecom.direct").get_data(as_text=True)
    assert 'data-chat="dingtalk.direct" data-count="2"' in html
    assert 'data-chat="wecom.direct" data-count="0"' in html and "chat-link active plat-wecom" in html
    assert 'data-count="2"' in client.get("/?person=p-li").get_data(as_text=True)
