"""message/send: recipients, msgtypes, truncation, duplicate check; what each person sees."""

from __future__ import annotations

from tests.emulator.conftest_wecom import api, button_card, send_card, server, wecom  # noqa: F401


def send(api, **fields) -> dict:
    data = {"touser": "ligs", "msgtype": "text", "agentid": 1000002, "text": {"content": "你好"}, **fields}
    return api.call("message/send", data)


def test_a_text_reaches_each_valid_recipient_and_invalid_ones_are_named(api, wecom):
    answer = send(api, touser="ligs|zhouks|Nobody")
    assert answer["errcode"] == 0 and answer["msgid"]
    assert answer["invaliduser"] == "nobody"
    for userid in ("ligs", "zhouks"):
        (message,) = wecom.messages_for_user(userid)
        assert message["content"] == {"content": "你好"} and message["sender"] == "app"
    assert wecom.messages_for_user("qianfjz") == []


def test_userids_match_without_regard_to_case(api, wecom):
    assert send(api, touser="LiGs")["errcode"] == 0
    assert len(wecom.messages_for_user("ligs")) == 1


def test_no_valid_recipient_is_81013_and_nothing_is_delivered(api, wecom):
    assert send(api, touser="ghost|phantom")["errcode"] == 81013
    assert send(api, touser="", toparty="", totag="")["errcode"] == 82001
    assert wecom.chat_with_user("ligs") == []


def test_at_all_reaches_everybody_in_the_directory(api, wecom):
    assert send(api, touser="@all")["errcode"] == 0
    assert all(len(wecom.messages_for_user(u)) == 1 for u in ("ligs", "zhouks", "qianfjz", "zhenggcs"))


def test_wrong_or_missing_agentid_is_refused(api):
    assert send(api, agentid=1000003)["errcode"] == 40056
    assert send(api, agentid=None)["errcode"] == 41011


def test_unknown_msgtype_and_empty_text_are_refused(api):
    assert send(api, msgtype="telegram")["errcode"] == 40008
    assert send(api, text={"content": ""})["errcode"] == 44004
    assert api.post("message/send", {}).json()["errcode"] in (40058, 41011)
    raw = api.session.post(api.base + "message/send", params={"access_token": api.token()}, data=b"{not json")
    assert raw.json()["errcode"] == 40058


def test_text_over_2048_bytes_is_truncated_on_a_character_boundary(api, wecom):
    long_text = "舆" * 700  # 2100 bytes in UTF-8
    assert send(api, text={"content": long_text})["errcode"] == 0
    (message,) = wecom.messages_for_user("ligs")
    assert message["truncated"] is True
    assert message["content"]["content"] == "舆" * 682  # 2046 bytes: the 683rd would not fit whole
    assert len(message["content"]["content"].encode()) <= 2048


def test_markdown_over_2048_bytes_is_truncated_too(api, wecom):
    answer = send(api, msgtype="markdown", text=None, markdown={"content": "a" * 3000})
    assert answer["errcode"] == 0
    (message,) = wecom.messages_for_user("ligs")
    assert message["msgtype"] == "markdown" and len(message["content"]["content"]) == 2048


def test_a_text_of_exactly_2048_bytes_is_whole(api, wecom):
    send(api, text={"content": "b" * 2048})
    assert wecom.messages_for_user("ligs")[0]["truncated"] is False


def test_duplicate_check_delivers_the_same_json_once_within_the_interval(api, wecom):
    first = send(api, enable_duplicate_check=1, duplicate_check_interval=600)
    second = send(api, enable_duplicate_check=1, duplicate_check_interval=600)
    assert first["errcode"] == second["errcode"] == 0
    assert second["msgid"] == first["msgid"]
    assert len(wecom.messages_for_user("ligs")) == 1
    assert wecom.dropped[0]["reason"] == "duplicate"


def test_duplicate_check_lets_the_same_json_through_after_the_interval(api, wecom):
    send(api, enable_duplicate_check=1, duplicate_check_interval=600)
    wecom.advance_time(601)
    send(api, enable_duplicate_check=1, duplicate_check_interval=600)
    assert len(wecom.messages_for_user("ligs")) == 2


def test_without_duplicate_check_the_same_json_is_delivered_twice(api, wecom):
    send(api)
    send(api)
    assert len(wecom.messages_for_user("ligs")) == 2


def test_a_reused_task_id_is_42014(api, wecom):
    assert send_card(api, button_card("task-1"))["errcode"] == 0
    again = send_card(api, button_card("task-1"), touser="zhouks")
    assert again["errcode"] == 42014 and "taskid has existed" in again["errmsg"]
    assert wecom.cards_for_user("zhouks") == [] and wecom.dropped == []


def test_a_reused_task_id_is_accepted_but_not_delivered_under_the_switch(api, wecom):
    wecom.task_id_reuse = "drop"  # the field report of gaps-addendum §2
    assert send_card(api, button_card("task-1"))["errcode"] == 0
    again = send_card(api, button_card("task-1"), touser="zhouks")
    assert again["errcode"] == 0 and "response_code" not in again
    assert wecom.cards_for_user("zhouks") == []
    assert wecom.dropped[-1]["reason"] == "task_id reused"


def test_textcard_needs_title_description_and_url(api):
    card = {"title": "舆情", "description": "请查看", "url": "https://example.com/42"}
    assert send(api, msgtype="textcard", textcard=card)["errcode"] == 0
    assert send(api, msgtype="textcard", textcard={**card, "title": ""})["errcode"] == 41016
    assert send(api, msgtype="textcard", textcard={**card, "description": ""})["errcode"] == 41033


def test_the_per_member_minute_limit_drops_the_excess_silently_when_switched_on(api, wecom):
    wecom.messaging.per_member_per_minute = 3
    try:
        answers = [send(api, touser="ligs|zhouks" if i == 3 else "ligs")["errcode"] for i in range(4)]
        assert answers == [0, 0, 0, 0]
        assert len(wecom.messages_for_user("ligs")) == 3 and len(wecom.messages_for_user("zhouks")) == 1
        assert wecom.dropped[-1]["reason"] == "member minute limit"
        wecom.advance_time(61)
        send(api)
        assert len(wecom.messages_for_user("ligs")) == 4
    finally:
        wecom.messaging.per_member_per_minute = None
