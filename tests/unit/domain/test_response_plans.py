"""回应方案 (issue 20, Art. 19(2)): 重大/特别重大 only; the unit's leader in charge first, then the main leader, whose
clock starts only after the first approval; a main leader out of turn is refused and nothing changes."""

import pytest

from bot.domain.errors import IllegalTransition, InvalidInput, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K
from bot.domain.response import decide_plan, response_state, submit_plan
from tests.unit.domain.response_setup import DESK, FOOD, QIAN, WU, ZHAO, ZHENG, live_case


def plan_duties(store, case_id):
    return [(d.owner_person, str(d.state)) for d in sorted(store.repo.duties(case_id), key=lambda d: d.id)
            if d.kind == K.PLAN_APPROVAL]


def test_a_plan_is_approved_in_order(store, rules, clock):
    case = live_case(store, rules, clock.now())
    out = submit_plan(store, rules, case.id, "u-food", DESK, clock.now(), "新闻发布会", "通报调查进展", "明天上午10点")
    assert (out.entry.payload["way"], out.entry.payload["way_label"]) == ("press_conference", "新闻发布会")
    assert plan_duties(store, case.id) == [("p-wu", "open")]       # the main leader's card waits for his turn
    before = len(store.repo.timeline(case.id))
    with pytest.raises(IllegalTransition, match="须先由分管局领导（吴副局长）审批"):
        decide_plan(store, rules, case.id, "u-food", 1, ZHAO, clock.now(), approve=True)
    assert len(store.repo.timeline(case.id)) == before
    first = decide_plan(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)
    assert first.entry.payload["next"] == "main_leader" and first.entry.payload["approved"] is False
    assert [d.owner_person for d in first.started] == ["p-zhao"]
    assert plan_duties(store, case.id) == [("p-wu", "done"), ("p-zhao", "open")]
    with pytest.raises(InvalidInput, match="已审批"):
        decide_plan(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)
    last = decide_plan(store, rules, case.id, "u-food", 1, ZHAO, clock.now(), approve=True)
    assert last.entry.payload["approved"] is True and last.entry.role == "main_leader"
    assert plan_duties(store, case.id) == [("p-wu", "done"), ("p-zhao", "done")]
    v = response_state(store.repo.timeline(case.id)).plan("u-food", 1)
    assert (v.status, v.way, v.content, v.when) == ("approved", "press_conference", "通报调查进展", "明天上午10点")
    assert [d.roles for d in v.decisions] == [("leader_in_charge",), ("main_leader",)]


def test_a_returned_plan_needs_a_new_version_and_old_versions_are_refused(store, rules, clock):
    case = live_case(store, rules, clock.now())
    submit_plan(store, rules, case.id, "u-food", FOOD, clock.now(), "接受采访", "负责人接受采访", "今天下午")
    decide_plan(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)
    with pytest.raises(InvalidInput, match="理由"):
        decide_plan(store, rules, case.id, "u-food", 1, ZHAO, clock.now(), approve=False)
    back = decide_plan(store, rules, case.id, "u-food", 1, ZHAO, clock.now(), approve=False, reason="改为发布会")
    assert back.entry.action == "plan.return" and back.entry.payload["returned"] is True
    with pytest.raises(IllegalTransition, match="退回修改"):
        decide_plan(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)
    submit_plan(store, rules, case.id, "u-food", FOOD, clock.now(), "新闻发布会", "召开发布会", "明天")
    with pytest.raises(IllegalTransition, match="已有新版本 v2"):
        decide_plan(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)
    assert response_state(store.repo.timeline(case.id)).latest_plan("u-food").status == "pending"


def test_who_and_when_a_plan_may_be_submitted_and_decided(store, rules, clock):
    small = live_case(store, rules, clock.now(), grade=Grade.SENSITIVE)
    with pytest.raises(IllegalTransition, match="无需报批回应方案"):
        submit_plan(store, rules, small.id, "u-food", DESK, clock.now(), "新闻通稿", "通稿", "今天")
    case = live_case(store, rules, clock.now(), grade=Grade.ESPECIALLY_MAJOR)
    with pytest.raises(InvalidInput, match="回应方式"):
        submit_plan(store, rules, case.id, "u-food", DESK, clock.now(), "门户网站", "挂网", "今天")
    with pytest.raises(InvalidInput):
        submit_plan(store, rules, case.id, "u-food", DESK, clock.now(), "新闻通稿", "", "今天")
    out = submit_plan(store, rules, case.id, "u-food", DESK, clock.now(), "专家解读", "请专家解读", "今晚")
    assert {d.due_at - d.started_at for d in out.started} == {__import__("datetime").timedelta(minutes=30)}
    for other in (QIAN, ZHENG, FOOD, DESK):   # not the unit's leader in charge nor the main leader
        with pytest.raises(NotPermitted):
            decide_plan(store, rules, case.id, "u-food", 1, other, clock.now(), approve=True)
