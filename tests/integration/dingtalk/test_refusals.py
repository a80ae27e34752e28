"""Retries have one effect; requests that are not authentic or not well-formed change nothing."""

from __future__ import annotations

import json
import time

import redis
import requests
from rq import Queue

from bot.core import queues
from bot.emulator.dingtalk.signing import card_signature, robot_sign
from functools import partial

from tests.integration import stack as stack_module

# a loaded machine may start the worker slowly: wait longer than the default before calling it a failure
wait_for = partial(stack_module.wait_for, timeout=40)

DESK = "cidDesk0001=="
SUN, LI = "0523", "0524"


def _robot_body(user: str = SUN, msg_id: str = "msgRefusal0001", group: str | None = DESK) -> dict:
    body = {"msgId": msg_id, "msgtype": "text", "text": {"content": " 帮助"}, "createAt": int(time.time() * 1000),
            "conversationType": "2" if group else "1", "conversationId": group or "cidoto0001==",
            "senderStaffId": user, "senderNick": "?", "robotCode": "dingdemoappkey"}
    return body


def _post_robot(stack, body, ts: int | None = None, secret: str | None = None, raw: bytes | None = None):
    ts = str(ts if ts is not None else int(time.time() * 1000))
    sign = robot_sign(ts, secret or stack.env["DINGTALK_APP_SECRET"])
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    return requests.post(stack.url + "/dingtalk/robot", data=data, timeout=5,
                         headers={"timestamp": ts, "sign": sign, "Content-Type": "application/json"})


def _nothing_happened(stack) -> None:
    conn = redis.Redis.from_url(stack.settings.redis_url)
    assert not list(conn.scan_iter("yq:dedup:*"))
    queue = Queue(queues.EVENTS, connection=conn)
    assert queue.count == 0 and queue.finished_job_registry.count == 0
    assert [m for m in stack.emulator.dingtalk.records.messages if m.sender == "bot"] == []


def test_a_redelivered_robot_message_has_exactly_one_effect(stack):
    dt = stack.emulator.dingtalk
    delivery = dt.say_in_group(SUN, DESK, "帮助")
    wait_for(lambda: dt.messages_for_group(DESK), what="the first reply")
    again = _post_robot(stack, delivery.payload)  # DingTalk's redelivery: same body, fresh signature
    assert again.status_code == 200
    conn = redis.Redis.from_url(stack.settings.redis_url)
    wait_for(lambda: Queue(queues.EVENTS, connection=conn).count == 0, what="an empty queue")
    assert len(dt.messages_for_group(DESK)) == 1


def test_a_message_redelivered_by_the_platform_after_a_timeout_is_answered_once(stack):
    dt = stack.emulator.dingtalk
    dt.robot_answers_lost = 1  # the bot gets each attempt; its first answer comes too late for DingTalk
    dt.robot_redeliver_after = 0.1
    delivery = dt.say_to_bot(LI, "帮助")
    assert dt.wait_idle(10) and len(delivery.attempts) == 2, delivery.attempts
    wait_for(lambda: dt.messages_for_user(LI), what="the reply\n" + stack.worker_log())
    conn = redis.Redis.from_url(stack.settings.redis_url)
    wait_for(lambda: Queue(queues.EVENTS, connection=conn).count == 0, what="an empty queue")
    assert len(dt.messages_for_user(LI)) == 1, (dt.messages_for_user(LI), stack.worker_log())


def test_a_wrong_sign_is_403_and_nothing_happens(stack):
    dt = stack.emulator.dingtalk
    dt.robot_max_attempts = 1
    dt.env["DINGTALK_APP_SECRET"] = "not-the-app-secret"  # the emulator signs with a wrong secret
    delivery = dt.say_in_group(SUN, DESK, "帮助")
    assert [a.status for a in delivery.attempts] == [403]
    assert _post_robot(stack, _robot_body(), secret="another-wrong-secret").status_code == 403
    _nothing_happened(stack)


def test_a_stale_timestamp_is_403_and_nothing_happens(stack):
    dt = stack.emulator.dingtalk
    dt.robot_max_attempts = 1
    dt.now = lambda: time.time() - 3660  # the emulator's clock one hour and a minute behind
    delivery = dt.say_to_bot(LI, "帮助")
    assert [a.status for a in delivery.attempts] == [403]
    future = int(time.time() * 1000) + 3601_000
    assert _post_robot(stack, _robot_body(), ts=future).status_code == 403
    _nothing_happened(stack)


def test_malformed_json_is_400_and_nothing_happens(stack):
    assert _post_robot(stack, None, raw=b'{"msgId": "x", ').status_code == 400
    _nothing_happened(stack)


def test_an_oversized_body_is_413_and_nothing_happens(stack):
    body = _robot_body()
    body["text"]["content"] = "帮助" + "x" * 300_000
    assert _post_robot(stack, body).status_code == 413
    _nothing_happened(stack)


def test_a_card_callback_with_a_bad_signature_is_403_and_the_card_stays(stack):
    dt = stack.emulator.dingtalk
    dt.say_in_group(SUN, DESK, "测试卡片")
    card = wait_for(lambda: [m for m in dt.messages_for_group(DESK) if m.channel == "card"], what="the card")[0]
    route = dt.card_route("yuqing-card")
    dt.register_card_route("yuqing-card", route["callbackUrl"], "not-our-secret", force=True)
    click = dt.click(LI, card.out_track_id, "demo.confirm")
    assert [a.status for a in click.attempts] == [403]
    ts = str(int(time.time() * 1000))
    body = {"type": "actionCallback", "outTrackId": card.out_track_id, "userId": SUN,
            "content": json.dumps({"cardPrivateData": {"actionIds": ["demo.confirm"], "params": {}}})}
    resp = requests.post(stack.url + "/dingtalk/card", json=body, timeout=5,
                         headers={"x-ddpaas-signature-timestamp": ts})  # no signature at all
    assert resp.status_code == 403
    conn = redis.Redis.from_url(stack.settings.redis_url)
    assert len(list(conn.scan_iter("yq:dedup:*"))) == 1  # only the 测试卡片 message was ever accepted
    assert Queue(queues.EVENTS, connection=conn).count == 0
    view = dt.card_view(card.out_track_id, SUN)
    assert view["status"] == "" and len(view["buttons"]) == 1 and dt.card(card.out_track_id).updates == 0


def test_a_signed_card_callback_that_is_not_json_is_400_and_nothing_happens(stack):
    ts = str(int(time.time() * 1000))
    headers = {"x-ddpaas-signature-timestamp": ts,
               "x-ddpaas-signature": card_signature(stack.env["DINGTALK_CARD_CALLBACK_SECRET"], ts)}
    resp = requests.post(stack.url + "/dingtalk/card", data=b"{oops", headers=headers, timeout=5)
    assert resp.status_code == 400
    _nothing_happened(stack)


def test_an_authentic_message_and_click_from_an_unknown_person_are_200_and_told_to_register(stack):
    dt = stack.emulator.dingtalk
    dt.say_in_group(SUN, DESK, "测试卡片")
    card = wait_for(lambda: [m for m in dt.messages_for_group(DESK) if m.channel == "card"], what="the card")[0]
    dt.directory.dingtalk_users["9999"] = "陌生人"  # DingTalk knows them; the org file does not
    dt.directory.group_members[DESK].append("9999")
    said = dt.say_in_group("9999", DESK, "帮助")
    clicked = dt.click("9999", card.out_track_id, "demo.confirm")
    assert [a.status for a in said.attempts] == [200] and [a.status for a in clicked.attempts] == [200]
    conn = redis.Redis.from_url(stack.settings.redis_url)
    registry = Queue(queues.EVENTS, connection=conn).finished_job_registry
    wait_for(lambda: registry.count == 3, what="the worker to finish the stranger's events\n" + stack.worker_log())
    # the @-mention is answered in the group, the click 1:1 (as every click is); the card does not change
    said = wait_for(lambda: dt.messages_for_group(DESK)[1:], what="the answer in the group\n" + stack.worker_log())
    assert len(said) == 1 and "您尚未登记，请联系管理员" in str(said[0].__dict__)
    told = wait_for(lambda: dt.messages_for_user("9999"), what="the answer to the click\n" + stack.worker_log())
    assert len(told) == 1 and "您尚未登记，请联系管理员" in str(told[0].__dict__)
    assert dt.card(card.out_track_id).updates == 0
