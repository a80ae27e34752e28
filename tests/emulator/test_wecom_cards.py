"""Template cards: button_interaction rules on message/send, and update_template_card with its
single-use, 72-hour response_code."""

from __future__ import annotations

import pytest

from bot.emulator.wecom.cards import links
from tests.emulator.conftest_wecom import api, button_card, send_card, server, wecom  # noqa: F401


def update(api, response_code: str, token: str | None = None, **fields) -> dict:
    data = {"userids": ["ligs"], "agentid": 1000002, "response_code": response_code, **fields}
    return api.call("message/update_template_card", data, token=token)


def test_a_button_card_is_held_by_its_recipient_and_returns_a_response_code(api, wecom):
    answer = send_card(api, button_card())
    assert answer["errcode"] == 0 and answer["response_code"]
    (card,) = wecom.cards_for_user("ligs")
    assert card["task_id"] == "case-42-ack" and card["clickable"] == ["case.ack", "case.reject"]
    assert wecom.messages_for_user("ligs")[0]["msgtype"] == "template_card"


@pytest.mark.parametrize("task_id", ["has space", "中文", "x" * 129, "", "semi;colon"])
def test_a_task_id_outside_the_allowed_characters_or_length_is_42014(api, task_id):
    assert send_card(api, button_card(task_id))["errcode"] == 42014


def test_a_task_id_of_128_allowed_characters_is_accepted(api):
    assert send_card(api, button_card("aZ09_-@" * 18 + "ab"))["errcode"] == 0


def test_a_button_card_without_task_id_is_refused(api):
    card = button_card()
    del card["task_id"]
    assert send_card(api, card)["errcode"] == 42014


def test_more_than_six_buttons_is_42014(api):
    """The issue's field report: 42014 "taskid has existed or empty or exceed max len" (gaps-addendum guessed 40058)."""
    keys = tuple(f"k{i}" for i in range(7))
    assert send_card(api, button_card(keys=keys))["errcode"] == 42014
    assert send_card(api, button_card("six", keys=keys[:6]))["errcode"] == 0


def test_button_keys_must_be_present_unique_and_at_most_1024_bytes(api):
    assert send_card(api, button_card(keys=("a", "a")))["errcode"] == 42039
    assert send_card(api, button_card(keys=("", "b")))["errcode"] == 42039
    assert send_card(api, button_card(keys=("键" * 342,)))["errcode"] == 42039  # 1026 bytes
    assert send_card(api, button_card("ok-1024", keys=("k" * 1024,)))["errcode"] == 0


def test_button_text_title_and_card_type_are_required(api):
    card = button_card()
    card["button_list"][0]["text"] = ""
    assert send_card(api, card)["errcode"] == 42038
    assert send_card(api, {**button_card(), "main_title": {}})["errcode"] == 41016
    assert send_card(api, {**button_card(), "card_type": "fancy"})["errcode"] == 42031
    assert send_card(api, {**button_card(), "button_list": []})["errcode"] == 40058


def test_a_url_button_needs_a_url_and_is_not_clickable(api, wecom):
    card = button_card()
    card["button_list"].append({"text": "详情", "type": 1, "url": ""})
    assert send_card(api, card)["errcode"] == 42028
    card["button_list"][-1]["url"] = "https://example.com/42"
    assert send_card(api, card)["errcode"] == 0
    assert wecom.cards_for_user("ligs")[0]["clickable"] == ["case.ack", "case.reject"]


def test_update_with_replace_name_greys_the_card_for_that_user(api, wecom):
    code = send_card(api, button_card(), touser="ligs|zhouks")["response_code"]
    assert update(api, code, button={"replace_name": "已签收"})["errcode"] == 0
    mine, theirs = wecom.card_for_user("ligs", "case-42-ack"), wecom.card_for_user("zhouks", "case-42-ack")
    assert mine["greyed"] == "已签收" and mine["clickable"] == []
    assert theirs["greyed"] is None and theirs["clickable"]
    assert wecom.messages_for_user("ligs")[0]["greyed"] == "已签收"


def test_update_with_a_whole_card_replaces_what_the_users_see(api, wecom):
    code = send_card(api, button_card(), touser="ligs|zhouks")["response_code"]
    new = {"card_type": "text_notice", "main_title": {"title": "已由李干事签收"},
           "card_action": {"type": 1, "url": "https://example.com/42"}}
    answer = update(api, code, userids=[], atall=1, template_card=new)
    assert answer["errcode"] == 0
    for userid in ("ligs", "zhouks"):
        shown = wecom.card_for_user(userid, "case-42-ack")
        assert shown["card"]["main_title"]["title"] == "已由李干事签收" and shown["clickable"] == []
        assert wecom.messages_for_user(userid)[0]["content"]["card_type"] == "text_notice"


def test_a_response_code_works_once_then_42022(api, wecom):
    """Used: 42022 "code已经被使用过。只能使用一次" (table 90313); under the switch, 60140 as an expired one."""
    code = send_card(api, button_card())["response_code"]
    assert update(api, code, button={"replace_name": "已签收"})["errcode"] == 0
    assert update(api, code, button={"replace_name": "再次"})["errcode"] == 42022
    wecom.response_codes.used_code = 60140
    assert update(api, code, button={"replace_name": "再次"})["errcode"] == 60140


def test_a_response_code_expires_after_72_hours(api, wecom):
    code = send_card(api, button_card())["response_code"]
    wecom.advance_time(72 * 3600 + 1)
    fresh = api.gettoken()["access_token"]
    assert update(api, code, button={"replace_name": "迟到"}, token=fresh)["errcode"] == 60140


def test_an_unknown_response_code_is_60140(api):
    send_card(api, button_card())
    assert update(api, "made-up", button={"replace_name": "x"})["errcode"] == 60140


def test_an_invalid_update_does_not_use_up_the_code(api, wecom):
    code = send_card(api, button_card())["response_code"]
    assert update(api, code)["errcode"] == 40058  # neither button nor template_card
    assert update(api, code, userids=["ghost"], button={"replace_name": "x"})["errcode"] == 81013
    assert update(api, code, userids=[], button={"replace_name": "x"})["errcode"] == 82001
    assert update(api, code, button={"replace_name": "已签收"})["errcode"] == 0


def test_update_names_users_who_do_not_hold_the_card(api):
    code = send_card(api, button_card())["response_code"]
    answer = update(api, code, userids=["ligs", "zhouks"], button={"replace_name": "已签收"})
    assert answer["errcode"] == 0 and answer["invaliduser"] == ["zhouks"]


def test_a_replacement_card_is_checked_like_a_new_one(api):
    code = send_card(api, button_card())["response_code"]
    bad = button_card(keys=tuple(f"k{i}" for i in range(7)))
    assert update(api, code, template_card=bad)["errcode"] == 42014


def test_a_text_notice_without_action_menu_gets_no_response_code(api):
    card = {"card_type": "text_notice", "main_title": {"title": "通知"},
            "card_action": {"type": 1, "url": "https://example.com"}}
    answer = send_card(api, card)
    assert answer["errcode"] == 0 and "response_code" not in answer


def test_main_title_title_is_required_except_on_a_text_notice_with_sub_title_text(api):
    assert send_card(api, {**button_card(), "main_title": {"desc": "只有副标题"}})["errcode"] == 41016
    notice = {"card_type": "text_notice", "main_title": {}, "sub_title_text": "正文",
              "card_action": {"type": 1, "url": "https://example.com"}}
    assert send_card(api, notice)["errcode"] == 0
    assert send_card(api, {**notice, "sub_title_text": ""})["errcode"] == 41016


def notice_with_jumps(count: int, **jump) -> dict:
    jumps = [{"type": 1, "title": f"附件{i}", "url": f"https://example.com/files/{i}", **jump} for i in range(count)]
    return {"card_type": "text_notice", "main_title": {"title": "通知"}, "jump_list": jumps,
            "card_action": {"type": 1, "url": "https://example.com"}}


def test_a_notice_takes_at_most_three_jump_links_each_with_a_title_and_url(api, wecom):
    assert send_card(api, notice_with_jumps(4))["errcode"] == 42042
    assert send_card(api, notice_with_jumps(1, title=""))["errcode"] == 40058
    assert send_card(api, notice_with_jumps(1, url=""))["errcode"] == 42028
    assert send_card(api, notice_with_jumps(3))["errcode"] == 0
    (message,) = wecom.messages_for_user("ligs")     # a notice without action_menu is no task card
    assert links(message["content"]) == [f"https://example.com/files/{i}" for i in range(3)] + ["https://example.com"]


def test_a_button_card_shows_no_jump_list_but_opens_its_link_rows(api, wecom):
    card = {**button_card(), "jump_list": [{"type": 1, "title": "附件", "url": "https://example.com/files/j"}],
            "horizontal_content_list": [{"keyname": "案件编号", "value": "YQ-2026-0042"},
                                        {"keyname": "附件1", "value": "图片 1", "type": 1,
                                         "url": "https://example.com/files/h"}]}
    assert send_card(api, card)["errcode"] == 0     # accepted: WeCom ignores a field the card type has not
    (shown,) = wecom.cards_for_user("ligs")
    assert "jump_list" not in shown["card"] and shown["links"] == ["https://example.com/files/h"]
