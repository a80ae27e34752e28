"""Intake on DingTalk: a group @-message in the desk group opens a case whose card sits in the group;
a unit button assigns; the same story again is recognised; a transfer walks its dialog 1:1."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import partial

from bot.core.clock import SHANGHAI, UTC
from tests.integration import stack as stack_module
from tests.integration.intake.conftest import detail
from tests.integration.unit_flow import case_no

wait_for = partial(stack_module.wait_for, timeout=40)
DESK = "cidDesk0001=="
SUN, LI = "0523", "0524"
LINK = "https://www.douyin.com/video/7300000000000000042?previous_page=app_code_link"


def _cards(dt, group=DESK):
    return [m for m in dt.messages_for_group(group) if m.channel == "card"]


def test_a_group_mention_opens_a_case_its_card_assigns_and_the_same_story_is_recognised(intake_stack):
    dt = intake_stack.emulator.dingtalk
    dt.say_in_group(SUN, DESK, f"网传某奶茶店使用过期食品原料 {LINK}")
    msg = wait_for(lambda: _cards(dt) and _cards(dt)[0], what="the desk's card\n" + intake_stack.worker_log())
    view = dt.card_view(msg.out_track_id, LI)
    assert view["title"] == f"已立案 {case_no(1)}" and not view["problems"]
    assert detail(intake_stack)["source"] == "douyin" and detail(intake_stack)["title"] == "网传某奶茶店使用过期食品原料"
    unit = next(b for b in view["buttons"] if b["action_id"].startswith("intake.assign"))
    dt.click(LI, msg.out_track_id, unit["action_id"])
    wait_for(lambda: detail(intake_stack)["assignments"], what="the assignment\n" + intake_stack.worker_log())
    wait_for(lambda: "已分派" in dt.card_view(msg.out_track_id, SUN)["status"], what="the card to show it")

    dt.say_in_group(LI, DESK, f"这个又上热搜了 {LINK}&utm_source=weibo")
    dup = wait_for(lambda: next((c for c in _cards(dt) if dt.card_view(c.out_track_id, LI)["title"].startswith("已立案")
                                 and c.out_track_id != msg.out_track_id
                                 and "（续" not in dt.card_view(c.out_track_id, LI)["title"]), None),
                   what="the duplicate card\n" + intake_stack.worker_log())
    [button] = dt.card_view(dup.out_track_id, LI)["buttons"]
    assert button["text"] == "记为再次发现"
    assert detail(intake_stack, case_no(2)) is None


def test_a_transfer_from_above_walks_its_dialog_and_opens_with_the_slip(intake_stack):
    dt = intake_stack.emulator.dingtalk
    answers = lambda: [m for m in dt.messages_for_user(SUN) if m.sender == "bot"]  # noqa: E731
    feedback = datetime.now(SHANGHAI).date() + timedelta(days=14)  # a date ahead whatever today is (no year typed)
    due = datetime.combine(feedback, time(17, 30), SHANGHAI).astimezone(UTC)  # a date alone: 17:30 that day
    for n, text in enumerate(["转办", "省局", "2026第7号", f"{feedback.month}月{feedback.day}日", "某景区门票价格欺诈投诉"],
                             start=1):
        dt.say_to_bot(SUN, text)
        wait_for(lambda: len(answers()) >= n, what=f"answer {n}\n" + intake_stack.worker_log())
    case = wait_for(lambda: detail(intake_stack), what="the case")
    assert case["transfer_ref"] == "2026第7号" and case["intake"]["transfer_source"] == "省局"
    assert any(d["kind"] == "transfer_feedback" and d["due_at"].startswith(f"{due:%Y-%m-%dT%H:%M}")
               for d in case["duties"])


def test_while_a_drill_runs_a_group_mention_opens_a_real_case(intake_stack):
    """No switch turns intake into drills (issue 23): with a drill case open, what the desk files is real."""
    from bot.core.clock import utcnow
    from bot.domain.case.commands import open_case
    from bot.domain.context import load_rules
    from bot.domain.records import Actor
    from bot.store.case_repo import SqlCaseStore
    from bot.store.org_repo import read_organisation

    with intake_stack.database.session() as session:
        rules = load_rules(read_organisation(session), None, None)
    open_case(SqlCaseStore(intake_stack.database), rules, Actor("p-sun", "cli"), utcnow(), title="演练：某商场电梯困人",
              drill=True, drill_scale=60)
    dt = intake_stack.emulator.dingtalk
    dt.say_in_group(SUN, DESK, "立案 某商场电梯困人，多名顾客被困半小时")
    msg = wait_for(lambda: _cards(dt) and _cards(dt)[0], what="the case's card\n" + intake_stack.worker_log())
    assert dt.card_view(msg.out_track_id, SUN)["title"] == f"已立案 {case_no(2)}"
    assert detail(intake_stack, case_no(1))["drill"] is True and detail(intake_stack, case_no(2))["drill"] is False
