"""Retries and replays through the stack: every kind of inbound event the bot acts on (WeCom app text,
link and card click; smart-bot @-mention; DingTalk robot 1:1 and group; DingTalk card click) is
delivered once with three copies racing it, then redelivered three more times later (a second apart),
then three more times after Redis forgot its dedup keys (the database's guard alone). Exactly one effect
each: one handled event, the domain change once, each reply sent once (the emulators' records are the
judge). The same signed request replayed outside the timestamp window is refused (403) and changes nothing.
"""

from __future__ import annotations

import json
import time
from functools import partial

import redis
import requests

from bot.core import keys
from tests.faults import seeds
from tests.faults.redeliver import effects, install, replay, settled
from tests.integration import stack as stack_module
from tests.integration.unit_flow import open_and_assign, timeline_actions

wait_for = partial(stack_module.wait_for, timeout=60)
PEOPLE = {"wecom": ["ligs", "chengs", "zhouks", "zhaojz", "qianfjz"], "dingtalk": ["0524", "0602", "0601"]}
GROUPS = {"wecom": ["wrFood0001"], "dingtalk": ["cidFoodSale01==", "cidDesk0001=="]}
LINK = ("网友曝光某食品厂使用过期原料", "https://weibo.com/1234567890/NbCdEf")


def wecom_grade_click(stack):
    card = wait_for(lambda: stack.emulator.wecom.cards_for_user("chengs"), what="intake's card")[0]
    key = next(b["key"] for b in card["card"]["button_list"] if b["text"].startswith("重大"))
    return stack.emulator.wecom.act_as("chengs").click(card["task_id"], key)


def dingtalk_ack_click(stack):
    dt = stack.emulator.dingtalk
    card = wait_for(lambda: [m for m in dt.messages_for_group("cidFoodSale01==") if m.channel == "card"],
                    what="the warning card")[0]
    return dt.click("0602", card.out_track_id, "case.ack")


KINDS = [  # (name, act, what must change once besides inbound_events)
    ("wecom app link (intake)", lambda st: st.emulator.wecom.act_as("chengs").send_link(*LINK), {"cases": 1}),
    ("wecom app card click (grade)", wecom_grade_click, {}),
    ("wecom app text", lambda st: st.emulator.wecom.act_as("ligs").send_text("帮助"), {}),
    ("wecom smart-bot mention", lambda st: st.emulator.wecom.act_as("zhouks").mention_bot("wrFood0001", "帮助"), {}),
    ("dingtalk robot 1:1", lambda st: st.emulator.dingtalk.say_to_bot("0524", "帮助"), {}),
    ("dingtalk robot group", lambda st: st.emulator.dingtalk.say_in_group("0602", "cidFoodSale01==", "帮助"), {}),
    ("dingtalk card click (签收)", dingtalk_ack_click, {}),
]


def forget_dedup(stack) -> int:
    conn = redis.Redis.from_url(stack.env["REDIS_URL"])
    found = list(conn.scan_iter(keys.dedup("*", "*")))
    if found:
        conn.delete(*found)
    return len(found)


def test_every_event_redelivered_at_once_and_later_has_one_effect(stack, capsys):
    recorder = install(stack)
    lines = []
    for name, act, changes in KINDS:
        if name.startswith("dingtalk card"):
            open_and_assign(stack, ["u-foodsale"])
            settled(stack, wait_for)
        before = effects(stack, PEOPLE, GROUPS)
        recorder.seen.clear()
        recorder.copies = 3
        act(stack)
        recorder.copies = 0
        settled(stack, wait_for)
        once = effects(stack, PEOPLE, GROUPS)
        original = recorder.seen[0]
        delta = {k: once[k] - before[k] for k in once if once[k] != before[k]}
        assert delta.get("inbound_events") == 1, (name, delta)
        assert delta.get("outbox", 0) >= 1, (name, delta)
        for table, n in changes.items():
            assert delta.get(table) == n, (name, delta)
        sent = sum(v for k, v in delta.items() if " to " in k or " in " in k)
        assert sent <= delta["outbox"], (name, delta)  # no message beyond its outbox row (updates add none)
        statuses = []
        for _ in range(3):
            time.sleep(1)
            statuses.append(replay(stack, original))
        forgotten = forget_dedup(stack)
        statuses += [replay(stack, original) for _ in range(3)]
        settled(stack, wait_for)
        after = effects(stack, PEOPLE, GROUPS)
        assert after == once, (name, {k: after[k] - once[k] for k in after if after[k] != once[k]})
        assert all(s == 200 for s in statuses), (name, statuses)
        lines.append(f"  {name}: 1 + 3 at once + 3 later + 3 after Redis forgot {forgotten} dedup key(s) → "
                     f"one handling, {delta['outbox']} reply row(s), each sent once")
    actions = timeline_actions(stack, 1)
    assert actions.count("case.grade") == 1 and actions.count("case.open") == 1
    with capsys.disabled():
        print("\n[redelivery]\n" + "\n".join(lines))


def test_a_signed_request_replayed_outside_the_window_is_refused(stack):
    before = effects(stack, PEOPLE, GROUPS)
    stale = [seeds.seal_app(seeds.app_text_xml("帮助", "ligs"), seeds.now() - 301),
             seeds.seal_aibot(json.dumps(seeds.aibot_text()), seeds.now() - 301),
             seeds.seal_robot(seeds.dumps(seeds.robot_body()), (seeds.now() - 3601) * 1000),
             seeds.seal_card(seeds.dumps(seeds.card_body()), (seeds.now() - 3601) * 1000)]
    for req in stale:
        url = f"{stack.url}{req.path}"
        got = requests.post(url, params=req.query, data=req.body, timeout=10,
                            headers={**req.headers, "Content-Type": req.content_type})
        assert got.status_code == 403, (req.path, got.status_code, got.text)
    settled(stack, wait_for)
    assert effects(stack, PEOPLE, GROUPS) == before
