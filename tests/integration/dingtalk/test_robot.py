"""帮助 through the real path: emulator → signed HTTP → dedup → RQ → worker → sessionWebhook."""

from __future__ import annotations

from functools import partial

from tests.integration import stack as stack_module

# a loaded machine may start the worker slowly: wait longer than the default before calling it a failure
wait_for = partial(stack_module.wait_for, timeout=40)

DESK = "cidDesk0001=="
SUN, LI = "0523", "0524"


def test_help_as_a_group_mention_comes_back_into_the_group(stack):
    dt = stack.emulator.dingtalk
    delivery = dt.say_in_group(SUN, DESK, "帮助")
    assert delivery.answered
    [msg] = wait_for(lambda: dt.messages_for_group(DESK), what="the help reply in the group\n" + stack.worker_log())
    assert msg.channel == "session_webhook" and msg.msgtype == "markdown"
    text = msg.content["text"]  # the desk's head: the desk's commands, not the unit's 签收
    assert "孙科长，您好" in text and "分派 YQ-2026-0001" in text and "签收 YQ" not in text


def test_help_in_a_one_to_one_chat_comes_back_to_that_person(stack):
    dt = stack.emulator.dingtalk
    dt.say_to_bot(LI, "帮助")
    [msg] = wait_for(lambda: dt.messages_for_user(LI), what="the help reply 1:1")
    assert msg.channel == "session_webhook" and "李干事，您好" in msg.content["text"]


def test_rich_text_one_to_one_is_understood(stack):
    dt = stack.emulator.dingtalk
    dt.say_to_bot(SUN, "帮助", msgtype="richText")
    [msg] = wait_for(lambda: dt.messages_for_user(SUN), what="the help reply to rich text")
    assert "孙科长，您好" in msg.content["text"]
