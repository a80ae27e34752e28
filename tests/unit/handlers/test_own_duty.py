"""A duty a person owns (``Duty.owner_person``: a leader's or an approver's own) is ended by that person's act,
and by no one else's (issue 19): the 1:1 reminder's button reaches the act's handler, which ends the duty through
``end_duty_by_hand`` (its owner alone may); another person's click is refused politely and changes nothing. No
act of the product starts such a duty yet (the approvals issue will), so it is started here as
tests/integration/clock/test_person_ladder.py starts it: ``start_owned_duty``, added in a transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.clock.duties import Alarm, start_owned_duty
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import DutyState
from handlers.case_lookup import case_view_of
from tests.unit.handlers.unit_side import World, texts
from worker.escalation import step_card


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def owned(world, grade=Grade.MAJOR, person="p-zhou"):
    """A case and 周科长's own 回复督办 on it, with the button of his 1:1 reminder."""
    case = world.open(grade).case
    duty = start_owned_duty(world.rules.policy, world.rules.calendar, case, DutyKind.SUPERVISION_ANSWER, world.now,
                            person=person)
    duty = world.store.run(lambda repo: repo.add_duty(duty))
    reminder = step_card("reminder", {"number": case.number, "title": case.title, "owner_unit": case.owner_unit},
                         duty, Alarm(duty.due_at - timedelta(hours=1), True, ()), world.org)
    [button] = reminder.buttons
    return case, duty, button


def state(world, case_id, duty_id):
    duty = next(d for d in case_view_of(world.ctx("p-li"), case_id).duties if d.id == duty_id)
    return duty.state, duty.ended_by


def test_the_owner_ends_his_own_duty_by_the_reminders_button(world):
    case, duty, button = owned(world)
    assert (button.label, button.action) == ("回复督办", "supervision.answer")
    asked = world.act("p-zhou", action=button.action, params=dict(button.params))
    assert f"请发送对 {case.number} 督办的回复内容" in texts(asked)[0]
    answered = world.act("p-zhou", "已责成食品科今日内核查")
    assert texts(answered) == [f"已回复 {case.number} 的督办（按时）。"]
    assert state(world, case.id, duty.id) == (DutyState.DONE, "p-zhou")
    entry = world.store.run(lambda repo: repo.timeline(case.id))[-1]
    assert (entry.action, entry.role, entry.payload["details"]) == ("duty.fulfil", "owner",
                                                                   {"text": "已责成食品科今日内核查"})
    again = world.act("p-zhou", action=button.action, params=dict(button.params))
    assert texts(again) == [f"{case.number} 的这项督办已回复，无需重复操作。"]


@pytest.mark.parametrize("other", ["p-feng", "p-li", "p-zhao"])  # his unit's liaison, the desk, the main leader
def test_anyone_else_clicking_it_is_refused_and_nothing_changes(world, other):
    case, duty, button = owned(world)
    world.assign(case.id, "u-food")  # so 冯干事 is a liaison on the case
    before = len(world.store.run(lambda repo: repo.timeline(case.id)))
    refused = world.act(other, action=button.action, params=dict(button.params))
    assert texts(refused) == ["“回复督办”由周科长本人办理，您的点击或指令未作处理。"]
    assert world.dialog.get(other) is None
    assert state(world, case.id, duty.id) == (DutyState.OPEN, None)
    assert len(world.store.run(lambda repo: repo.timeline(case.id))) == before


def test_the_owner_may_type_the_command_with_his_answer(world):
    case, duty, _ = owned(world)
    world.now += timedelta(hours=5)  # past the 重大 4 h
    answered = world.act("p-zhou", f"回复督办 {case.number} 已核查完毕")
    assert texts(answered)[0].startswith(f"已回复 {case.number} 的督办（逾期回复")
    assert state(world, case.id, duty.id) == (DutyState.DONE, "p-zhou")


def test_a_record_duty_a_person_owns_is_recorded_by_him_through_its_dialog_and_by_no_one_else(world):
    """The record dialogs (会议, 处置意见, 转办反馈: handlers/duty_record.py) find and authorise a person's own duty
    by its owner, not by the roles that record the case's or unit's duties of that kind."""
    case = world.open(Grade.MAJOR).case
    mine = start_owned_duty(world.rules.policy, world.rules.calendar, case, DutyKind.ASSESSMENT_MEETING, world.now,
                            person="p-wu")
    mine = world.store.run(lambda repo: repo.add_duty(mine))
    refused = texts(world.act("p-li", action="duty.meeting", params={"case": case.number, "d": mine.id}))
    assert refused == ["“研判会议”由吴副局长本人办理，您的点击或指令未作处理。"], "the desk may not record his"
    assert state(world, case.id, mine.id)[0] == DutyState.OPEN
    world.act("p-wu", text=f"研判会议 {case.number}")
    for answer in ("现在", "三楼会议室", "赵局长、李干事", "按计划发布通稿", "确认"):
        last = world.act("p-wu", text=answer)
    assert state(world, case.id, mine.id) == (DutyState.DONE, "p-wu"), texts(last)
    entry = next(e for e in reversed(world.store.run(lambda repo: repo.timeline(case.id)))
                 if e.action == "duty.fulfil" and e.payload["duty"] == mine.id)
    assert entry.role == "owner"
