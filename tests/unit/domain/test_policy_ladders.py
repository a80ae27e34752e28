"""Escalation ladders per duty kind (issue 19): ``escalation_by_duty`` in the policy file. A duty climbs its
kind's own ladder, a person's own duty the person-owned ladder, anything else the global one; a leader's own
duty never reaches a unit's head (the file is refused, with the line, when it says so); the worker resolves a
person-owned duty's steps to the desk and the main leader, never to the desk's head as a "unit head"."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.clock import SHANGHAI
from bot.domain.case.lifecycle import CaseState
from bot.domain.clock.duties import apply_grade, next_alarm, start_duty, start_owned_duty
from bot.domain.clock.policy_file import PolicyFileError, default_policy, parse_policy_text
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.grade import Grade as G
from bot.domain.kinds import DutyKind as K
from bot.domain.records import Case
from tests.unit.domain.sample_org import make_org
from worker.escalation import resolve_roles, step_messages

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


def notified(frozen: dict) -> list[list[str]]:
    return [step["notify"] for step in frozen["escalation"]]


def test_the_default_ladders_a_leaders_own_duty_goes_to_the_desk_then_the_main_leader():
    p = default_policy()
    assert notified(p.freeze(K.ACKNOWLEDGE, G.MAJOR)) == [["unit_head"], ["leader_in_charge"], ["desk"]]
    assert notified(p.freeze(K.MAIN_LEADER_ACKNOWLEDGE, G.ESPECIALLY_MAJOR)) == [["desk"]]
    assert notified(p.freeze(K.SUPERVISION_ANSWER, G.MAJOR, personal=True)) == [["desk"], ["main_leader"]]
    assert notified(p.freeze(K.SUPERVISION_ANSWER, G.MAJOR)) == [["unit_head"], ["leader_in_charge"], ["desk"]]
    assert p.to_dict()["escalation_by_duty"]["person_owned"][1] == {"after": 0.5, "notify": ["main_leader"]}
    assert "主要领导签收 (main_leader_acknowledge): +0% → desk" in p.as_text()


def test_a_file_gives_one_kind_its_own_ladder_and_keeps_the_other_defaults():
    p = parse_policy_text("escalation_by_duty:\n"
                          "  assessment_meeting:\n"
                          "    - {after: 0, notify: [desk]}\n"
                          "    - {after: 1, notify: [publicity_leader], especially_major: [main_leader]}\n")
    assert notified(p.freeze(K.ASSESSMENT_MEETING, G.MAJOR)) == [["desk"], ["publicity_leader"]]
    assert p.ladder(K.ASSESSMENT_MEETING)[1].targets(G.ESPECIALLY_MAJOR) == ["publicity_leader", "main_leader"]
    assert notified(p.freeze(K.MAIN_LEADER_ACKNOWLEDGE, G.ESPECIALLY_MAJOR)) == [["desk"]]   # default kept
    assert notified(p.freeze(K.INITIAL_REPORT, G.MAJOR))[0] == ["unit_head"]                # global kept


@pytest.mark.parametrize("text,line,words", [
    ("escalation_by_duty:\n  main_leader_acknowledge:\n    - {after: 0, notify: [unit_head]}\n", 2,
     "cannot escalate to unit_head"),
    ("escalation_by_duty:\n  person_owned:\n    - {after: 0, notify: [desk], especially_major: [leader_in_charge]}\n",
     2, "cannot escalate to leader_in_charge"),
    ("escalation_by_duty:\n  no_such_duty:\n    - {after: 0, notify: [desk]}\n", 2, "unknown duty 'no_such_duty'"),
    ("escalation_by_duty:\n  follow_up:\n    - {after: 1, notify: [desk]}\n    - {after: 0.5, notify: [desk]}\n",
     4, "increasing order"),
    ("escalation_by_duty:\n  follow_up: [desk]\n", 2, "an escalation step has the keys"),
    ("escalation_by_duty: [desk]\n", 1, "escalation_by_duty must be a mapping"),
])
def test_a_wrong_ladder_is_refused_with_its_line_and_what_to_do(text, line, words):
    with pytest.raises(PolicyFileError) as err:
        parse_policy_text(text)
    assert any(at == line and words in message for at, message in err.value.errors), err.value.errors


def _case(grade: G = G.MAJOR) -> Case:
    return Case("YQ-2026-0007", "某事", grade, CaseState.HANDLING, "u-desk", "p-li", NOW, NOW, id=7)


def test_a_person_owned_duty_climbs_its_own_ladder_to_the_desk_then_the_main_leader():
    org, cal = make_org(), WorkCalendar()
    duty = start_owned_duty(default_policy(), cal, _case(), K.SUPERVISION_ANSWER, NOW, person="p-zhou")
    assert duty.owner_person == "p-zhou" and duty.owner_unit is None and duty.due_at == NOW + timedelta(hours=4)
    duty.id = 3
    info = {"number": "YQ-2026-0007", "title": "某事", "owner_unit": "u-desk"}
    steps = []
    after = NOW
    while (alarm := next_alarm(duty, after)) is not None:
        messages, reached = step_messages(org, info, duty, alarm)
        steps.append((alarm.remind, alarm.notify, reached, {m.card["kind"] for m in messages}))
        after = alarm.at
    reminders = [s for s in steps if s[0]]
    assert reminders and all(s[2][0] == "p-zhou" for s in reminders)  # reminded 1:1, no group of his
    escalations = [s for s in steps if s[1]]
    assert [s[1] for s in escalations] == [("desk",), ("main_leader",)]
    desk = set(org.units["u-desk"].people)
    assert desk <= set(escalations[0][2]) and "p-zhao" in escalations[1][2]
    assert "p-zhou" not in resolve_roles(org, ("unit_head",), None, "u-desk", personal=True)
    assert resolve_roles(org, ("unit_head", "leader_in_charge"), None, "u-desk", personal=True) == []


def test_a_unit_owned_duty_started_by_an_act_climbs_the_global_ladder():
    duty = start_owned_duty(default_policy(), WorkCalendar(), _case(G.SENSITIVE), K.SUPERVISION_ANSWER, NOW,
                            unit="u-food")
    assert duty.owner_unit == "u-food" and duty.owner_person is None
    assert [who for _, who in duty.escalations] == [("unit_head",), ("leader_in_charge",), ("desk",)]
    with pytest.raises(ValueError):
        start_owned_duty(default_policy(), WorkCalendar(), _case(), K.SUPERVISION_ANSWER, NOW,
                         unit="u-food", person="p-zhou")


def test_the_main_leaders_signing_is_theirs_and_the_reports_up_start_with_especially_major():
    case = _case(G.ESPECIALLY_MAJOR)
    ack = start_duty(default_policy(), WorkCalendar(), case, K.MAIN_LEADER_ACKNOWLEDGE, NOW)
    assert ack.owner_unit is None and ack.owner_person is None and ack.personal
    assert [who for _, who in ack.escalations] == [("desk",)]
    started, _ = apply_grade(default_policy(), WorkCalendar(), case, [], [], NOW, "p-li")
    kinds = {d.kind: d for d in started}
    assert kinds[K.REPORT_UP_CITY].due_at == NOW + timedelta(hours=2) == kinds[K.REPORT_UP_PROVINCE].due_at
    assert kinds[K.REPORT_UP_CITY].owner_unit == "u-desk" and K.SUPERVISION_ANSWER not in kinds
