"""A duty a person owns climbs its own ladder through the real worker and RQ's scheduler (issue 19, item 1),
the policy scaled ×3600 (a 重大 回复督办 of four hours becomes four seconds): 周科长 alone is reminded, 1:1, with
the act's button; the 逾期提醒 go to the desk, then to the main leader (``person_owned``: desk → main leader),
never to a unit's head or a leader in charge. The duty is set up through the domain — no act starts a
person-owned duty yet (the approvals issue will) — and ended by its act, through the real signed callbacks: the
main leader's click on the button his 逾期提醒 carries is refused politely (the duty is 周科长's alone), then
周科长 clicks 回复督办 on his 1:1 reminder, sends his answer, and the duty is done by him."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.clock import utcnow
from bot.domain.case import commands as case_commands
from bot.domain.clock.duties import start_owned_duty
from bot.domain.clock.policy_file import load_policy
from bot.domain.clock.workdays import load_calendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Actor
from bot.org.file import parse_org_file
from bot.store.case_repo import SqlCaseStore
from bot.store.cases import DutyRow
from bot.store.clock import ClockFiringRow
from tests.integration.stack import SAMPLE_ORG, Stack, wait_for

DESK = Actor("p-sun", "cli")


@pytest.fixture
def scaled(redis_url, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("scale: 3600\n", encoding="utf-8")
    running = Stack(redis_url, tmp_path, extra_env={"POLICY_FILE": str(policy), "RECONCILE_INTERVAL": "2"})
    running.rules = Rules(parse_org_file(SAMPLE_ORG), load_policy(policy), load_calendar(None))
    yield running
    running.stop()


def steps(stack, duty_id):
    with stack.database.session() as session:
        rows = session.scalars(select(ClockFiringRow).where(ClockFiringRow.duty_id == duty_id)
                               .order_by(ClockFiringRow.step_at))
        return [(r.remind, tuple(r.roles), tuple(r.recipients)) for r in rows]


def test_a_persons_own_duty_is_reminded_to_him_and_escalated_to_the_desk_then_the_main_leader(scaled):
    store = SqlCaseStore(scaled.database)
    rules = scaled.rules
    case = case_commands.open_case(store, rules, DESK, utcnow(), title="奶粉", grade=Grade.MAJOR).case
    duty = start_owned_duty(rules.policy, rules.calendar, case, DutyKind.SUPERVISION_ANSWER, utcnow(), person="p-zhou")
    duty = store.run(lambda repo: repo.add_duty(duty))
    wecom = scaled.emulator.wecom

    wait_for(lambda: any("main_leader" in roles for _, roles, _ in steps(scaled, duty.id)), timeout=40,
             what="the person-owned duty's ladder to reach the main leader\n" + scaled.worker_log())
    fired = steps(scaled, duty.id)
    print("回复督办 owned by 周科长, 4 h scaled to 4 s:", fired)
    assert [roles for _, roles, _ in fired if roles] == [("desk",), ("main_leader",)]
    # a step may be a reminder and an escalation at once (the deadline): its owner comes first
    assert all(reached[0] == "p-zhou" for remind, _, reached in fired if remind)
    assert not any(who.startswith("g:") for _, _, reached in fired for who in reached)  # no group: no unit
    escalated = {who for remind, roles, reached in fired if roles for who in reached[1 if remind else 0:]}
    assert {"p-sun", "p-li", "p-chen", "p-zhao"} <= escalated
    assert not escalated & {"p-zhou", "p-zheng", "p-wu", "p-jiang"}  # no unit head, no leader in charge

    reminder = wait_for(lambda: next((c for c in wecom.cards_for_user("zhouks")
                                      if c["card"]["main_title"]["title"].startswith(f"催办：{case.number}")), None),
                        what="周科长's reminder")
    assert [b["text"] for b in reminder["card"]["button_list"]] == ["回复督办"]
    told = wait_for(lambda: [m for m in wecom.messages_for_user("zhaojz") if f"逾期提醒：{case.number}" in str(m)
                             or f"【逾期提醒】{case.number}" in str(m)], what="the main leader's 逾期提醒")
    assert "周科长的回复督办" in str(told[-1])

    # the main leader's 逾期提醒 carries the act's button, but the duty is 周科长's own: refused, nothing ends
    late = wait_for(lambda: next((c for c in wecom.cards_for_user("zhaojz") if c["clickable"] and c["card"]
                                  ["main_title"]["title"].startswith(f"逾期提醒：{case.number}")), None),
                    what="the main leader's 逾期提醒 with its button")
    wecom.act_as("zhaojz").click(late["task_id"], next(k for k in late["clickable"] if "supervision.answer" in k))
    wait_for(lambda: any("由周科长本人办理" in str(m) for m in wecom.messages_for_user("zhaojz")),
             what="the main leader refused politely\n" + scaled.worker_log())
    assert state(scaled, duty.id) == ("open", None)

    # 周科长 ends it by the button of his own 1:1 reminder
    zhou = wecom.act_as("zhouks")
    zhou.click(reminder["task_id"], next(k for k in reminder["clickable"] if "supervision.answer" in k))
    wait_for(lambda: any(f"请发送对 {case.number} 督办的回复内容" in str(m) for m in wecom.messages_for_user("zhouks")),
             what="周科长 asked for his answer\n" + scaled.worker_log())
    zhou.send_text("已责成食品科今日内核查")
    wait_for(lambda: state(scaled, duty.id)[0] == "done", what="the duty ended by its owner\n" + scaled.worker_log())
    assert state(scaled, duty.id) == ("done", "p-zhou")
    wait_for(lambda: any(f"已回复 {case.number} 的督办（逾期回复" in str(m) for m in wecom.messages_for_user("zhouks")),
             what="周科长 told his answer is recorded")


def state(stack, duty_id):
    """The duty's state and who ended it."""
    with stack.database.session() as session:
        row = session.get(DutyRow, duty_id)
        return row.state, row.ended_by
