"""Commands through an in-memory store: the stories of opening, warning, grading and reporting."""

from datetime import datetime

import pytest

from bot.core.clock import SHANGHAI
from bot.domain.case import commands as cases
from bot.domain.case.lifecycle import AssignmentState, CaseState
from bot.domain.case.timeline import first_broken
from bot.domain.clock.duties import next_alarm
from bot.domain.clock.policy_file import parse_policy_text
from bot.domain.context import Rules
from bot.domain.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K, ReportKind
from bot.domain.records import Actor, DutyState
from bot.domain.unit import commands as units

DESK, FOOD, DRUG = Actor("p-li", "wecom"), Actor("p-feng", "wecom"), Actor("p-wei", "dingtalk")


def sh(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def kinds(store, case_id, state=DutyState.OPEN):
    return sorted(str(d.kind) for d in store.repo.duties(case_id) if d.state == state)


def opened(store, rules, clock, grade=Grade.GENERAL, **kw):
    return cases.open_case(store, rules, DESK, clock.now(), title="某超市销售过期食品", grade=grade, **kw).case


def test_open_numbers_cases_per_year_in_shanghai_time(store, rules, clock):
    first = opened(store, rules, clock)
    second = opened(store, rules, clock)
    assert (first.number, second.number) == ("YQ-2026-0001", "YQ-2026-0002")
    late_evening_utc = sh(2027, 1, 1, 0, 30)          # 2026-12-31 16:30 UTC, already 2027 in Shanghai
    third = cases.open_case(store, rules, DESK, late_evening_utc, title="跨年", grade=Grade.MAJOR).case
    assert third.number == "YQ-2027-0001"
    entry = store.repo.timeline(first.id)[0]
    assert (entry.action, entry.actor, entry.role, entry.platform) == ("case.open", "p-li", "desk", "wecom")


def test_only_a_desk_opens_cases(store, rules, clock):
    with pytest.raises(NotPermitted):
        cases.open_case(store, rules, FOOD, clock.now(), title="x")
    county = cases.open_case(store, rules, Actor("p-xie"), clock.now(), title="县里的事").case
    assert (county.county, county.owner_unit) == ("u-county-a", "u-county-a")
    major = cases.open_case(store, rules, Actor("p-xie"), clock.now(), title="县里的大事", grade=Grade.MAJOR)
    assert major.entry.role == "county_desk" and major.entry.payload["report_up"] is True


def test_especially_major_starts_its_statutory_clocks_at_once(store, rules, clock):
    case = opened(store, rules, clock, Grade.ESPECIALLY_MAJOR)
    due = {str(d.kind): d.due_at.astimezone(SHANGHAI) for d in store.repo.duties(case.id)}
    assert due == {"main_leader_acknowledge": sh(2026, 11, 24, 10, 15), "leading_group_meeting": sh(2026, 11, 24, 12),
                   "authoritative_release": sh(2026, 11, 24, 14), "public_response": sh(2026, 11, 25, 10),
                   "report_up_city": sh(2026, 11, 24, 12), "report_up_province": sh(2026, 11, 24, 12)}  # issue 19


def test_assign_acknowledge_report_and_follow_ups(store, rules, clock):
    case = opened(store, rules, clock, Grade.SENSITIVE)
    a = units.assign_unit(store, rules, case.id, DESK, clock.now(), "u-food").assignment
    assert kinds(store, case.id) == ["acknowledge", "feedback", "handling_opinion", "initial_report"]
    with pytest.raises(NotPermitted):
        units.acknowledge(store, rules, case.id, a.id, DRUG, clock.now())
    clock.advance(minutes=20)
    out = units.acknowledge(store, rules, case.id, a.id, FOOD, clock.now())
    assert out.case.state == CaseState.HANDLING and out.entry.payload["late"] is False
    with pytest.raises(IllegalTransition):
        units.acknowledge(store, rules, case.id, a.id, FOOD, clock.now())
    clock.advance(hours=30)
    out = units.report(store, rules, case.id, a.id, FOOD, clock.now(), ReportKind.INITIAL, "初步核实：情况属实")
    assert out.entry.payload["late"] is True
    assert [d.kind for d in out.started] == [K.FOLLOW_UP]
    done = [d for d in store.repo.duties(case.id) if d.kind == K.INITIAL_REPORT][0]
    assert done.state == DutyState.DONE and done.late
    units.report(store, rules, case.id, a.id, FOOD, clock.now(), ReportKind.FOLLOW_UP, "续报一")
    follow = [d for d in store.repo.duties(case.id) if d.kind == K.FOLLOW_UP]
    assert [d.state for d in follow] == [DutyState.DONE, DutyState.OPEN]


def test_return_needs_a_reason_and_the_desk_reassigns(store, rules, clock):
    case = opened(store, rules, clock)
    a = units.assign_unit(store, rules, case.id, DESK, clock.now(), "u-food").assignment
    with pytest.raises(InvalidInput, match="理由"):
        units.reject(store, rules, case.id, a.id, FOOD, clock.now(), "  ")
    units.reject(store, rules, case.id, a.id, FOOD, clock.now(), "属药品科职责")
    assert kinds(store, case.id) == []
    assert case.state == CaseState.OPENED
    with pytest.raises(NotPermitted):
        units.reassign(store, rules, case.id, a.id, FOOD, clock.now(), "u-drug")
    out = units.reassign(store, rules, case.id, a.id, DESK, clock.now(), "u-drug")
    states = {x.unit_id: x.state for x in store.repo.assignments(case.id)}
    assert states == {"u-food": AssignmentState.REASSIGNED, "u-drug": AssignmentState.WARNED}
    assert out.entry.payload["from_unit"] == "u-food"
    with pytest.raises(NotFound):
        units.assign_unit(store, rules, case.id, DESK, clock.now(), "u-nowhere")


def test_raising_the_grade_starts_stricter_clocks_from_the_raise(store, rules, clock):
    case = opened(store, rules, clock, Grade.GENERAL)
    a = units.assign_unit(store, rules, case.id, DESK, clock.now(), "u-food").assignment
    clock.advance(hours=1)
    with pytest.raises(InvalidInput):
        cases.set_grade(store, rules, case.id, DESK, clock.now(), Grade.MAJOR, "")
    out = cases.set_grade(store, rules, case.id, DESK, clock.now(), Grade.MAJOR, "央媒转载，关注度上升")
    started = {str(d.kind): d.due_at.astimezone(SHANGHAI) for d in out.started}
    assert started == {"acknowledge": sh(2026, 11, 24, 11, 30), "initial_report": sh(2026, 11, 24, 13),
                       "assessment_meeting": sh(2026, 11, 25, 11), "public_response": sh(2026, 11, 26, 11)}
    assert sorted(str(d.kind) for d in out.ended) == ["acknowledge", "initial_report"]
    assert kinds(store, case.id, DutyState.SUPERSEDED) == ["acknowledge", "initial_report"]
    assert "feedback" in kinds(store, case.id), "a duty the new grade does not have keeps running"
    assert out.entry.payload["from"] == 1 and out.entry.payload["to"] == 3
    units.acknowledge(store, rules, case.id, a.id, FOOD, clock.now())


def test_lowering_keeps_running_duties_and_the_desk_may_close_them(store, rules, clock):
    case = opened(store, rules, clock, Grade.MAJOR)
    before = {d.id: d.due_at for d in store.repo.duties(case.id)}
    out = cases.set_grade(store, rules, case.id, DESK, clock.now(), Grade.GENERAL, "经核实影响有限")
    assert out.started == [] and out.ended == []
    assert {d.id: d.due_at for d in store.repo.duties(case.id) if d.open} == before
    meeting = next(d for d in store.repo.duties(case.id) if d.kind == K.ASSESSMENT_MEETING)
    with pytest.raises(NotPermitted):
        cases.end_duty_by_hand(store, rules, case.id, meeting.id, FOOD, clock.now(), done=False, reason="不需要")
    with pytest.raises(InvalidInput):
        cases.end_duty_by_hand(store, rules, case.id, meeting.id, DESK, clock.now(), done=False)
    cases.end_duty_by_hand(store, rules, case.id, meeting.id, DESK, clock.now(), done=False, reason="已降级，无需研判会议")
    assert "assessment_meeting" in kinds(store, case.id, DutyState.CLOSED)
    raised = cases.set_grade(store, rules, case.id, DESK, clock.now(), Grade.SENSITIVE, "再次升温")
    assert [str(d.kind) for d in raised.started] == []


def test_a_frozen_duty_ignores_later_policy_edits(store, rules, clock):
    case = opened(store, rules, clock, Grade.SENSITIVE)
    units.assign_unit(store, rules, case.id, DESK, clock.now(), "u-food")
    frozen = {d.id: (d.policy, d.due_at) for d in store.repo.duties(case.id)}
    stricter = Rules(rules.org, parse_policy_text("duties:\n  acknowledge: {sensitive: 10min}\n"), rules.calendar)
    units.assign_unit(store, stricter, case.id, DESK, clock.now(), "u-drug")
    for duty in store.repo.duties(case.id):
        if duty.id in frozen:
            assert (duty.policy, duty.due_at) == frozen[duty.id]
        elif duty.kind == K.ACKNOWLEDGE:
            assert duty.policy["duration"] == "10min"


def test_the_case_lifecycle_through_evaluation_and_archive(store, rules, clock):
    case = opened(store, rules, clock, Grade.MAJOR)
    a = units.assign_unit(store, rules, case.id, DESK, clock.now(), "u-food").assignment
    with pytest.raises(IllegalTransition):
        cases.advance_case(store, rules, case.id, DESK, clock.now(), CaseState.RESPONDING)
    units.acknowledge(store, rules, case.id, a.id, FOOD, clock.now())
    for target in (CaseState.RESPONDING, CaseState.TRACKING):
        cases.advance_case(store, rules, case.id, DESK, clock.now(), target)
    out = cases.advance_case(store, rules, case.id, DESK, clock.now(), CaseState.SUBSIDED)
    assert [str(d.kind) for d in out.started] == ["evaluation"]
    with pytest.raises(IllegalTransition, match="评估"):
        cases.advance_case(store, rules, case.id, DESK, clock.now(), CaseState.ARCHIVED)
    with pytest.raises(InvalidInput):
        cases.advance_case(store, rules, case.id, DESK, clock.now(), CaseState.EVALUATED)
    evaluation = out.started[0]
    cases.end_duty_by_hand(store, rules, case.id, evaluation.id, FOOD, clock.now(), done=True, note="评估报告")
    cases.advance_case(store, rules, case.id, DESK, clock.now(), CaseState.EVALUATED)
    out = cases.advance_case(store, rules, case.id, DESK, clock.now(), CaseState.ARCHIVED)
    assert kinds(store, case.id) == []
    with pytest.raises(IllegalTransition):
        cases.set_grade(store, rules, case.id, DESK, clock.now(), Grade.GENERAL, "归档后")
    entries = store.repo.timeline(case.id)
    assert first_broken(entries) is None and len(entries) == 9


def test_transfers_carry_a_feedback_deadline(store, rules, clock):
    slip = opened(store, rules, clock, transfer_ref="省局转办〔2026〕12号", transfer_deadline=sh(2026, 11, 27, 17))
    duty = next(d for d in store.repo.duties(slip.id) if d.kind == K.TRANSFER_FEEDBACK)
    assert duty.due_at.astimezone(SHANGHAI) == sh(2026, 11, 27, 17)
    with pytest.raises(InvalidInput, match="期限已过"):
        opened(store, rules, clock, transfer_ref="过期转办", transfer_deadline=sh(2026, 11, 23, 17))
    plain = opened(store, rules, clock, transfer_ref="市委网信办转办")
    duty = next(d for d in store.repo.duties(plain.id) if d.kind == K.TRANSFER_FEEDBACK)
    assert duty.due_at.astimezone(SHANGHAI) == sh(2026, 11, 27, 10)     # 3 wd


def test_transfer_down_makes_it_the_countys_case(store, rules, clock):
    case = opened(store, rules, clock)
    county = Actor("p-qi", "dingtalk")
    with pytest.raises(NotPermitted):
        cases.set_grade(store, rules, case.id, county, clock.now(), Grade.SENSITIVE, "县局判断")
    out = cases.transfer_down(store, rules, case.id, DESK, clock.now(), "u-county-a")
    assert [str(d.kind) for d in out.started] == ["transfer_feedback"] and out.started[0].owner_unit == "u-county-a"
    graded = cases.set_grade(store, rules, case.id, county, clock.now(), Grade.MAJOR, "县局判断升级")
    assert graded.entry.role == "county_desk" and graded.entry.payload["report_up"] is True
    with pytest.raises(InvalidInput):
        cases.transfer_down(store, rules, case.id, DESK, clock.now(), "u-food")


def test_main_leader_acknowledges_especially_major(store, rules, clock):
    case = opened(store, rules, clock, Grade.ESPECIALLY_MAJOR)
    duty = next(d for d in store.repo.duties(case.id) if d.kind == K.MAIN_LEADER_ACKNOWLEDGE)
    with pytest.raises(NotPermitted):
        cases.end_duty_by_hand(store, rules, case.id, duty.id, DESK, clock.now(), done=True)
    out = cases.end_duty_by_hand(store, rules, case.id, duty.id, Actor("p-zhao"), clock.now(), done=True)
    assert out.entry.role == "main_leader" and out.entry.payload["late"] is False
    with pytest.raises(InvalidInput):
        cases.end_duty_by_hand(store, rules, case.id, duty.id, Actor("p-zhao"), clock.now(), done=True)


def test_a_refused_command_changes_nothing(store, rules, clock):
    case = opened(store, rules, clock)
    before = len(store.repo.timeline(case.id))
    with pytest.raises(NotPermitted):
        cases.set_grade(store, rules, case.id, FOOD, clock.now(), Grade.MAJOR, "我觉得严重")
    assert len(store.repo.timeline(case.id)) == before and store.repo.get_case(case.id).grade == Grade.GENERAL
    with pytest.raises(NotFound):
        cases.set_grade(store, rules, 999, DESK, clock.now(), Grade.MAJOR, "x")


def test_a_2027_deadline_is_recorded_with_a_warning(store, rules):
    out = cases.open_case(store, rules, DESK, sh(2026, 12, 30, 10), title="年末", grade=Grade.GENERAL)
    a = units.assign_unit(store, rules, out.case.id, DESK, sh(2026, 12, 30, 10), "u-food")
    assert a.warnings and "2027" in a.warnings[0]
    assert a.entry.payload["calendar_warnings"] == a.warnings


def test_raising_a_subsided_case_starts_no_follow_ups(store, rules, clock):
    case = opened(store, rules, clock, Grade.SENSITIVE)
    a = units.assign_unit(store, rules, case.id, DESK, clock.now(), "u-food").assignment
    units.acknowledge(store, rules, case.id, a.id, FOOD, clock.now())
    units.report(store, rules, case.id, a.id, FOOD, clock.now(), ReportKind.INITIAL, "初报")
    for target in (CaseState.TRACKING, CaseState.SUBSIDED):
        cases.advance_case(store, rules, case.id, DESK, clock.now(), target)
    out = cases.set_grade(store, rules, case.id, DESK, clock.now(), Grade.MAJOR, "平息后复燃的评估")
    assert K.FOLLOW_UP not in [d.kind for d in out.started]
    assert K.EVALUATION in [d.kind for d in out.started], "a raise to 重大 after subsiding asks for an evaluation"


def test_next_alarm_walks_reminders_then_escalations(store, rules, clock):
    case = opened(store, rules, clock, Grade.MAJOR)
    a = units.assign_unit(store, rules, case.id, DESK, clock.now(), "u-food").assignment
    ack = next(d for d in store.repo.duties(case.id) if d.kind == K.ACKNOWLEDGE)
    seen, at = [], clock.now()
    while (alarm := next_alarm(ack, at)) is not None:
        seen.append((alarm.at.astimezone(SHANGHAI).strftime("%H:%M:%S"), alarm.remind, alarm.notify))
        at = alarm.at
    assert seen == [("10:15:00", True, ()), ("10:24:00", True, ()), ("10:30:00", True, ("unit_head",)),
                    ("10:37:30", False, ("leader_in_charge",)), ("10:52:30", False, ("desk",))]
    units.acknowledge(store, rules, case.id, a.id, FOOD, clock.now())
    done = next(d for d in store.repo.duties(case.id) if d.kind == K.ACKNOWLEDGE)
    assert next_alarm(done, clock.now()) is None


def test_a_raise_to_especially_major_starts_the_statutory_clocks_from_the_raise(store, rules, clock):
    case = opened(store, rules, clock, Grade.GENERAL)
    clock.set(sh(2026, 11, 25, 10))
    out = cases.set_grade(store, rules, case.id, DESK, clock.now(), Grade.ESPECIALLY_MAJOR, "演变为重大突发事件")
    due = {str(d.kind): d.due_at.astimezone(SHANGHAI) for d in out.started}
    assert due["authoritative_release"] == sh(2026, 11, 25, 14)
    assert due["public_response"] == sh(2026, 11, 26, 10)
    assert due["main_leader_acknowledge"] == sh(2026, 11, 25, 10, 15)


def due_by_kind(outcome):
    return {str(d.kind): d.due_at.astimezone(SHANGHAI) for d in outcome.started}


def test_a_drill_keeps_its_scale_for_every_later_command_whatever_rules_the_caller_passes(store, rules, clock):
    drill = Rules(rules.org, rules.policy.with_scale(60), rules.calendar)
    case = cases.open_case(store, drill, DESK, clock.now(), title="演练：某超市销售过期食品", drill=True).case
    assert store.repo.get_case(case.id).drill_scale == 60
    t = clock.now()
    a = units.assign_unit(store, rules, case.id, DESK, t, "u-food")           # the caller's rules: full length
    assert due_by_kind(a) == {"acknowledge": sh(2026, 11, 24, 10, 4), "initial_report": sh(2026, 11, 24, 10, 48),
                              "feedback": sh(2026, 11, 24, 11, 12)}          # 4wh, 2wd, 3wd ÷ 60 as hours
    raised = cases.set_grade(store, rules, case.id, DESK, t, Grade.MAJOR, "演练升级")
    assert due_by_kind(raised) == {"acknowledge": sh(2026, 11, 24, 10, 0, 30),
                                   "initial_report": sh(2026, 11, 24, 10, 2),
                                   "assessment_meeting": sh(2026, 11, 24, 10, 24),
                                   "public_response": sh(2026, 11, 24, 10, 48)}
    units.reject(store, rules, case.id, a.assignment.id, FOOD, t, "属药品科职责")
    moved = units.reassign(store, rules, case.id, a.assignment.id, DESK, t, "u-drug")
    assert due_by_kind(moved) == {"acknowledge": sh(2026, 11, 24, 10, 0, 30), "initial_report": sh(2026, 11, 24, 10, 2)}
    units.acknowledge(store, rules, case.id, moved.assignment.id, DRUG, t)
    reported = units.report(store, rules, case.id, moved.assignment.id, DRUG, t, ReportKind.INITIAL, "初报")
    assert due_by_kind(reported) == {"follow_up": sh(2026, 11, 24, 10, 24)}  # 24h ÷ 60
    for target in (CaseState.TRACKING, CaseState.SUBSIDED):
        out = cases.advance_case(store, rules, case.id, DESK, t, target)
    assert due_by_kind(out) == {"evaluation": sh(2026, 11, 24, 12)}          # 5wd ÷ 60
    assert {d.policy["scale"] for d in store.repo.duties(case.id)} == {60}


def test_a_case_that_is_no_drill_keeps_full_length_clocks_under_scaled_rules(store, rules, clock):
    case = opened(store, rules, clock, Grade.SENSITIVE)
    assert store.repo.get_case(case.id).drill_scale == 1
    scaled = Rules(rules.org, rules.policy.with_scale(60), rules.calendar)     # e.g. the drill switch's
    a = units.assign_unit(store, scaled, case.id, DESK, clock.now(), "u-food")
    assert due_by_kind(a)["acknowledge"] == sh(2026, 11, 24, 11)               # 1 h, not 1 min
    raised = cases.set_grade(store, scaled, case.id, DESK, clock.now(), Grade.MAJOR, "央媒转载")
    assert due_by_kind(raised)["public_response"] == sh(2026, 11, 26, 10)      # 48 h
    units.acknowledge(store, scaled, case.id, a.assignment.id, FOOD, clock.now())
    reported = units.report(store, scaled, case.id, a.assignment.id, FOOD, clock.now(), ReportKind.INITIAL, "初报")
    assert due_by_kind(reported) == {"follow_up": sh(2026, 11, 25, 10)}        # 24 h
    assert {d.policy["scale"] for d in store.repo.duties(case.id)} == {1}
