"""口径 (issue 20, Art. 19(1)): versions kept whole, two leaders approve the latest in any order, 退回修改 with a
reason, one person with both roles, several publicity leaders, the main leader 代为审定, onward consent and report."""

from datetime import timedelta

import pytest

from bot.domain.case.timeline import first_broken
from bot.domain.clock.duties import grade_duties
from bot.domain.context import Rules
from bot.domain.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K
from bot.domain.permissions import Role
from bot.domain.records import DutyState
from bot.domain.response import consent_onward, decide_script, report_onward, response_state, submit_script
from tests.unit.domain.response_setup import DESK, DRUG, FOOD, QIAN, WU, ZHAO, ZHENG, live_case, with_people


def approvals(store, case_id, state=None):
    return sorted((d.owner_person, str(d.state)) for d in store.repo.duties(case_id)
                  if d.kind == K.SCRIPT_APPROVAL and (state is None or d.state == state))


def script(store, case_id, unit="u-food", version=None):
    st = response_state(store.repo.timeline(case_id))
    return st.latest_script(unit) if version is None else st.script(unit, version)


@pytest.mark.parametrize("first,second", [(QIAN, WU), (WU, QIAN)], ids=["publicity-first", "leader-first"])
def test_v1_returned_with_a_reason_then_v2_approved_by_both_in_either_order(store, rules, clock, first, second):
    case = live_case(store, rules, clock.now())
    out = submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径一", attachments=[{"name": "a.pdf"}])
    assert out.entry.payload["version"] == 1 and out.entry.role == "liaison"
    assert approvals(store, case.id) == [("p-qian", "open"), ("p-wu", "open")]
    assert {d.due_at - d.started_at for d in out.started} == {timedelta(hours=2)}   # 重大: 2 h
    with pytest.raises(InvalidInput, match="理由"):
        decide_script(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=False, reason=" ")
    clock.advance(minutes=10)
    back = decide_script(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=False, reason="数据需核实")
    assert back.entry.action == "script.return" and back.entry.payload["returned"] is True
    assert approvals(store, case.id) == [("p-qian", "closed"), ("p-wu", "done")]
    assert [d.reason for d in back.ended if d.owner_person == "p-qian"] == ["已由吴副局长退回修改"]
    with pytest.raises(IllegalTransition, match="退回修改"):
        decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)

    v2 = submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径二（已核实）")
    assert v2.entry.payload["version"] == 2
    one = decide_script(store, rules, case.id, "u-food", 2, first, clock.now(), approve=True)
    assert one.entry.payload["approved"] is False and len(one.entry.payload["pending"]) == 1
    two = decide_script(store, rules, case.id, "u-food", 2, second, clock.now(), approve=True)
    assert two.entry.payload["approved"] is True and two.entry.payload["pending"] == []
    v = script(store, case.id)
    assert (v.version, v.status, v.text) == (2, "approved", "口径二（已核实）")
    assert script(store, case.id, version=1).status == "returned"
    assert script(store, case.id, version=1).attachments == [{"name": "a.pdf"}]
    assert {d.person for d in v.decisions} == {first.person_id, second.person_id}
    assert all(d.state == DutyState.DONE and not d.late for d in store.repo.duties(case.id)
               if d.kind == K.SCRIPT_APPROVAL and d.id in v.duty_ids)
    assert first_broken(store.repo.timeline(case.id)) is None


def test_an_old_versions_decision_is_refused_and_changes_nothing(store, rules, clock):
    case = live_case(store, rules, clock.now())
    v1 = submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径一")
    v2 = submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径二")
    assert sorted(d.reason for d in v2.ended) == ["已提交新版本 v2"] * 2
    assert {d.state for d in store.repo.duties(case.id) if d.id in {x.id for x in v1.started}} == {DutyState.SUPERSEDED}
    before = len(store.repo.timeline(case.id))
    with pytest.raises(IllegalTransition, match="已有新版本 v2"):
        decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)
    with pytest.raises(NotFound):
        decide_script(store, rules, case.id, "u-food", 3, QIAN, clock.now(), approve=True)
    assert len(store.repo.timeline(case.id)) == before and script(store, case.id).decisions == []


def test_the_same_leader_twice_counts_once(store, rules, clock):
    case = live_case(store, rules, clock.now())
    submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)
    with pytest.raises(InvalidInput, match="已审定.*无需重复操作"):
        decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)
    v = script(store, case.id)
    assert len(v.decisions) == 1 and v.status == "pending"
    decide_script(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)
    with pytest.raises(InvalidInput, match="已审定通过"):
        decide_script(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)


def test_one_person_holding_both_roles_approves_with_one_decision(store, org, clock):
    rules = Rules(with_people(org, leaders={"u-food": "p-qian"}), *_rest(org))
    case = live_case(store, rules, clock.now())
    out = submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    assert [d.owner_person for d in out.started] == ["p-qian"]           # one card, one duty
    ok = decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)
    assert ok.entry.payload["roles"] == ["publicity_leader", "leader_in_charge"]
    assert ok.entry.payload["approved"] is True and approvals(store, case.id) == [("p-qian", "done")]


def _rest(org):
    from bot.domain.clock.policy_file import default_policy
    from bot.domain.clock.workdays import WorkCalendar
    return default_policy(), WorkCalendar()


def test_several_publicity_leaders_the_first_decision_settles_and_the_others_duties_close(store, org, clock):
    rules = Rules(with_people(org, roles={"p-zheng": ("publicity_leader",)}), *_rest(org))
    case = live_case(store, rules, clock.now())
    submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    assert approvals(store, case.id) == [("p-qian", "open"), ("p-wu", "open"), ("p-zheng", "open")]
    out = decide_script(store, rules, case.id, "u-food", 1, ZHENG, clock.now(), approve=True)
    assert approvals(store, case.id) == [("p-qian", "closed"), ("p-wu", "open"), ("p-zheng", "done")]
    assert [d.reason for d in out.ended if d.owner_person == "p-qian"] == ["已由郑副局长审定"]
    with pytest.raises(InvalidInput, match="已由郑副局长审定"):
        decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)
    done = decide_script(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)
    assert done.entry.payload["approved"] is True


def test_the_main_leader_decides_in_place_of_either(store, rules, clock):
    case = live_case(store, rules, clock.now())
    submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    with pytest.raises(InvalidInput, match="代为哪一方"):
        decide_script(store, rules, case.id, "u-food", 1, ZHAO, clock.now(), approve=True)
    out = decide_script(store, rules, case.id, "u-food", 1, ZHAO, clock.now(), approve=True,
                        on_behalf=Role.LEADER_IN_CHARGE)
    assert (out.entry.role, out.entry.payload["on_behalf"], out.entry.payload["roles"]) == \
        ("main_leader", True, ["leader_in_charge"])
    assert approvals(store, case.id) == [("p-qian", "open"), ("p-wu", "closed")]
    assert [d.reason for d in out.ended] == ["已由赵局长代为审定"]
    with pytest.raises(InvalidInput):
        decide_script(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)   # his role is settled
    last = decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)
    assert last.entry.payload["approved"] is True
    assert script(store, case.id).settled()["leader_in_charge"].on_behalf is True


def test_the_main_leader_with_one_role_pending_needs_not_name_it(store, rules, clock):
    case = live_case(store, rules, clock.now())
    submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    decide_script(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)
    out = decide_script(store, rules, case.id, "u-food", 1, ZHAO, clock.now(), approve=False, reason="措辞不当")
    assert out.entry.payload["roles"] == ["publicity_leader"] and script(store, case.id).status == "returned"


def test_who_may_submit_and_decide(store, rules, clock):
    case = live_case(store, rules, clock.now(), unit_ids=("u-food", "u-drug"))
    with pytest.raises(NotPermitted):
        submit_script(store, rules, case.id, "u-food", DRUG, clock.now(), "别的单位替写")
    desk = submit_script(store, rules, case.id, "u-food", DESK, clock.now(), "工作台代拟")
    assert desk.entry.role == "desk"
    for other in (ZHENG, FOOD, DESK):   # another unit's leader in charge, a liaison, the desk
        with pytest.raises(NotPermitted):
            decide_script(store, rules, case.id, "u-food", 1, other, clock.now(), approve=True)
    with pytest.raises(NotFound):
        submit_script(store, rules, case.id, "u-county-a", DESK, clock.now(), "未分派的单位")
    with pytest.raises(InvalidInput):
        submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "  ")


def test_a_late_decision_is_marked_late_and_grading_starts_no_approval(store, rules, clock):
    case = live_case(store, rules, clock.now(), grade=Grade.ESPECIALLY_MAJOR)
    assert K.SCRIPT_APPROVAL not in grade_duties(rules.policy, Grade.ESPECIALLY_MAJOR)
    assert not approvals(store, case.id)
    out = submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    duty = next(d for d in out.started if d.owner_person == "p-qian")
    assert duty.due_at - duty.started_at == timedelta(minutes=30)
    assert [who for _, who in duty.escalations] == [("desk",), ("main_leader",)]
    clock.advance(minutes=45)
    decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)
    assert next(d for d in store.repo.duties(case.id) if d.id == duty.id).late is True


def test_general_cases_ladder_has_no_main_leader_step(store, rules, clock):
    case = live_case(store, rules, clock.now(), grade=Grade.GENERAL)
    out = submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    assert {tuple(who for _, who in d.escalations) for d in out.started} == {(("desk",),)}


def test_onward_consent_then_the_desk_reports(store, rules, clock):
    case = live_case(store, rules, clock.now())
    submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    with pytest.raises(IllegalTransition, match="尚未审定通过"):
        consent_onward(store, rules, case.id, "u-food", 1, QIAN, clock.now())
    with pytest.raises(IllegalTransition, match="同意报送"):
        report_onward(store, rules, case.id, DESK, clock.now(), "网信办")
    decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)
    decide_script(store, rules, case.id, "u-food", 1, WU, clock.now(), approve=True)
    with pytest.raises(NotPermitted):
        consent_onward(store, rules, case.id, "u-food", 1, WU, clock.now())
    consent_onward(store, rules, case.id, "u-food", 1, QIAN, clock.now())
    with pytest.raises(InvalidInput, match="无需重复操作"):
        consent_onward(store, rules, case.id, "u-food", 1, QIAN, clock.now())
    with pytest.raises(InvalidInput, match="报送对象"):
        report_onward(store, rules, case.id, DESK, clock.now(), "省政府")
    with pytest.raises(NotPermitted):
        report_onward(store, rules, case.id, FOOD, clock.now(), "网信办")
    out = report_onward(store, rules, case.id, DESK, clock.now(), "市委宣传部", note="已电话报送")
    assert (out.entry.payload["to"], out.entry.payload["version"]) == ("宣传部", 1)
    st = response_state(store.repo.timeline(case.id))
    assert [(r.to, r.by, r.unit) for r in st.onward_reports] == [("宣传部", "p-li", "u-food")]
    assert st.script("u-food", 1).consent.person == "p-qian"


def test_an_approval_still_open_at_subsiding_is_not_needed(store, rules, clock):
    from bot.domain.case import progress
    case = live_case(store, rules, clock.now(), grade=Grade.SENSITIVE)
    submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    progress.track(store, rules, case.id, DESK, clock.now(), "持续关注")
    progress.subside(store, rules, case.id, DESK, clock.now(), "热度下降")
    assert approvals(store, case.id) == [("p-qian", "closed"), ("p-wu", "closed")]
    with pytest.raises(IllegalTransition, match="已平息"):
        decide_script(store, rules, case.id, "u-food", 1, QIAN, clock.now(), approve=True)


def test_an_approval_duty_names_its_version_and_attachments_must_be_storable(store, rules, clock):
    case = live_case(store, rules, clock.now())
    out = submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    v = response_state(store.repo.timeline(case.id)).version_of_duty(out.started[0].id)
    assert (v.unit, v.version) == ("u-food", 1)
    assert response_state(store.repo.timeline(case.id)).version_of_duty(10_000) is None
    with pytest.raises(InvalidInput, match="附件"):
        submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径", attachments=[object()])
