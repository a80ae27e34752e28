"""Platforms misbehaving while people write to the bot: access tokens expired (WeCom 42001, DingTalk),
5xx answers, WeCom's 45009 rate limit and DingTalk throttling, each for a few calls — every answer
arrives, once. (Throttling over a spell and the order per recipient: tests/integration/clock/
test_throttling.py; the desk's card for what finally failed: tests/unit/worker/test_digests_and_failures.py.)
"""

from __future__ import annotations

from functools import partial

import pytest

from tests.faults import stackhelp
from tests.faults.redeliver import settled
from tests.integration.stack import Stack, wait_for

DINGTALK, WECOM = ["0523", "0601", "0524"], ["zhouks", "jiangks", "ligs"]


@pytest.fixture
def stack(redis_url, tmp_path):
    running = Stack(redis_url, tmp_path, extra_env={"RECONCILE_INTERVAL": "1", "WORKER_TTL": "20"})
    yield running
    running.stop()


answers = partial(stackhelp.answers, dingtalk=DINGTALK, wecom=WECOM)


def ask_everyone(stack) -> None:
    for user in DINGTALK:
        stack.emulator.dingtalk.say_to_bot(user, "帮助")
    for user in WECOM:
        stack.emulator.wecom.act_as(user).send_text("帮助")


@pytest.mark.counts_messages
def test_expired_tokens_5xx_and_throttling_are_recovered(stack, capsys):
    wecom, dingtalk = stack.emulator.wecom, stack.emulator.dingtalk
    ask_everyone(stack)  # tokens issued and cached
    wait_for(lambda: all(n == 1 for n in answers(stack).values()), timeout=60, what="the first answers")
    wecom.expire_tokens()
    dingtalk.expire_tokens()
    faults = [wecom.inject_fault("http", 503, count=2, path="message/send"),
              wecom.inject_fault("errcode", 45009, count=2, path="message/send"),
              dingtalk.inject("server_error", family="all", count=2, status=503),
              dingtalk.inject("throttle", family="all", count=2)]
    ask_everyone(stack)
    wait_for(lambda: all(n >= 2 for n in answers(stack).values()), timeout=120,
             what=f"every answer after the faults {answers(stack)}\n" + stack.worker_log()[-3000:])
    settled(stack, lambda cond, what="": wait_for(cond, timeout=60, what=what))
    got = answers(stack)
    with capsys.disabled():
        print(f"\n[platforms] tokens expired, 503×2, 45009×2, DingTalk 503×2 and throttle×2: answers {got}")
    assert all(n == 2 for n in got.values()), got
    assert [f.remaining for f in faults] == [0, 0, 0, 0]  # every fault was met
