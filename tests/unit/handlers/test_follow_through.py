"""评估 and 督办 as pure handlers on a real case store, the clock injected (handlers/evaluation.py,
evaluation_review.py, supervision.py, supervision_answer.py). The walks through the real callbacks are
tests/integration/unit_side/test_follow_through.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.case.commands import advance_case
from bot.domain.case.lifecycle import CaseState
from bot.domain.case.supervision import SupervisionCount, supervision_counts
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Actor, DutyState
from handlers.case_lookup import case_view_of
from tests.unit.handlers.unit_side import World, texts

PARTS = ["源于消费者投诉", "一般性质", "微博转发三千", "经营者主体责任", "加强抽检"]


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def subsided(world, grade=Grade.MAJOR, units=("u-food",)):
    """A case of ``grade`` acknowledged by ``units`` and subsided (平息 through the domain until its command
    lands: the states helper's ``平息``), so each unit's evaluation duty runs."""
    case = world.open(grade).case
    for unit in units:
        world.assign(case.id, unit)
    world.act("p-feng", f"签收 {case.number}")
    if "u-drug" in units:
        world.act("p-shen", f"签收 {case.number}")
    desk = Actor("p-li", "dingtalk")
    advance_case(world.store, world.rules, case.id, desk, world.now, CaseState.TRACKING)
    advance_case(world.store, world.rules, case.id, desk, world.now, CaseState.SUBSIDED)
    return case


def evaluate(world, person, number, parts=PARTS):
    replies = world.act(person, f"评估 {number}")
    for part in parts:
        replies = world.act(person, part)
    return replies + world.act(person, "确认")


def duties(world, case_id, kind):
    return [d for d in case_view_of(world.ctx("p-li"), case_id).duties if d.kind == kind]


def test_evaluation_walks_five_parts_is_returned_resubmitted_and_accepted(world):
    case = subsided(world)
    first = world.act("p-feng", f"评估 {case.number}")
    assert "请填写起因（1/5" in texts(first)[0]
    for i, part in enumerate(PARTS[:-1]):
        asked = world.act("p-feng", part)
        assert f"（{i + 2}/5" in texts(asked)[0]
    shown = world.act("p-feng", PARTS[-1])
    assert shown[0].card.data["body"].splitlines() == [f"{label}：{text}" for label, text in
                                                       zip(["起因", "性质", "影响", "责任", "经验教训"], PARTS)]
    assert [b.action for b in shown[0].card.buttons] == ["evaluation.confirm", "evaluation.redo"]
    done = world.act("p-feng", "确认")
    assert "已提交" in texts(done)[0] and "按时" in texts(done)[0]
    desk = [r for r in done if r.card.kind == "desk_card"]
    assert {r.to.id for r in desk} == {"p-li", "p-chen", "p-sun"} and "经验教训：加强抽检" in desk[0].card.data["body"]
    assert [d.state for d in duties(world, case.id, DutyKind.EVALUATION)] == [DutyState.DONE]

    world.now += timedelta(hours=1)
    back = world.act("p-li", f"退回修改 {case.number} 食品生产安全监督管理科 影响写得不具体")
    assert "已将" in texts(back)[0]
    to_unit = [r for r in back if r.to is not None and r.to.id == "p-feng"][0]
    assert "影响写得不具体" in to_unit.card.data["body"] and to_unit.card.buttons[0].action == "evaluation.start"
    again = duties(world, case.id, DutyKind.EVALUATION)
    assert [d.state for d in again] == [DutyState.DONE, DutyState.OPEN]
    assert again[1].policy["duration"] == "2wd"

    evaluate(world, "p-feng", case.number)
    accepted = world.act("p-li", f"通过 {case.number} 食品")
    assert "案件已评估" in texts(accepted)[0]
    assert case_view_of(world.ctx("p-li"), case.id).case.state == CaseState.EVALUATED
    assert "已评估" in texts(world.act("p-li", f"通过 {case.number} 食品"))[0]  # once: the case moved on


def test_the_case_is_evaluated_only_when_every_unit_is_accepted(world):
    case = subsided(world, units=("u-food", "u-drug"))
    evaluate(world, "p-feng", case.number)
    evaluate(world, "p-shen", case.number)
    assert "案件已评估" not in texts(world.act("p-li", f"通过 {case.number} 食品生产安全监督管理科"))[0]
    assert case_view_of(world.ctx("p-li"), case.id).case.state == CaseState.SUBSIDED
    assert "案件已评估" in texts(world.act("p-li", f"通过 {case.number} 药品"))[0]


def test_evaluation_refusals_change_nothing(world):
    case = subsided(world)
    assert "权限" in texts(world.act("p-li", f"评估 {case.number}"))[0]
    refused = world.act("p-qian", f"评估 {case.number}")
    assert "权限" in texts(refused)[0]
    assert "没有待审核" in texts(world.act("p-li", f"通过 {case.number} 食品"))[0]
    assert "权限" in texts(world.act("p-feng", f"通过 {case.number} 食品"))[0]
    assert [d.state for d in duties(world, case.id, DutyKind.EVALUATION)] == [DutyState.OPEN]


def test_supervision_from_a_leader_answered_late_is_counted_late(world):
    case = world.open(Grade.MAJOR).case
    world.assign(case.id, "u-food")
    asked = world.act("p-qian", "", action="supervision.start", params={"case": case.number, "u": "u-food"})
    assert "请发送对食品生产安全监督管理科的督办内容" in texts(asked)[0]
    sent = world.act("p-qian", "请今天内查明情况")
    card = next(r for r in sent if r.card.kind == "prompt_card")
    assert card.to.id == "p-feng" and "请今天内查明情况" in card.card.data["body"]
    assert card.card.buttons[0].action == "supervision.answer"
    duty = duties(world, case.id, DutyKind.SUPERVISION_ANSWER)[0]
    assert duty.due_at - world.now == timedelta(hours=4)

    world.now += timedelta(hours=5)
    world.act("p-feng", "", action="supervision.answer", params=dict(card.card.buttons[0].params))
    answered = world.act("p-feng", "已约谈经营者")
    assert "逾期回复" in texts(answered)[0]
    back = next(r for r in answered if r.to is not None and r.to.id == "p-qian")
    assert "已约谈经营者" in back.card.data["text"] and "逾期" in back.card.data["text"]
    assert supervision_counts(duties(world, case.id, DutyKind.SUPERVISION_ANSWER)) == {
        "u-food": SupervisionCount(total=1, on_time=0, late=1, open=0)}


def test_typed_supervision_by_the_desk_answered_on_time_and_refusals(world):
    case = world.open(Grade.SENSITIVE).case
    world.assign(case.id, "u-food")
    assert "权限" in texts(world.act("p-feng", f"督办 {case.number} 食品 快点"))[0]
    sent = world.act("p-li", f"督办 {case.number} 食品 请尽快报送初报")
    assert "已督办食品生产安全监督管理科" in texts(sent)[0]
    assert "权限" in texts(world.act("p-shen", f"回复督办 {case.number} 不是我们"))[0]
    answered = world.act("p-feng", f"回复督办 {case.number} 初报已在撰写")
    assert "按时" in texts(answered)[0]
    assert "没有待您单位回复的督办" in texts(world.act("p-feng", f"回复督办 {case.number} 再说一次"))[0]
    counts = supervision_counts(duties(world, case.id, DutyKind.SUPERVISION_ANSWER))
    assert counts == {"u-food": SupervisionCount(total=1, on_time=1, late=0, open=0)}


def test_bulletin_and_status_card_carry_one_supervise_button_per_live_unit(world):
    case = world.open(Grade.SENSITIVE).case
    _, told = world.assign(case.id, "u-food")
    bulletins = [r for r in told if r.card.kind == "bulletin"]
    assert bulletins and all([b.action for b in r.card.buttons] == ["supervision.start"] for r in bulletins)
    status = world.act("p-qian", f"案件 {case.number}")[0].card
    assert [(b.action, b.params["u"]) for b in status.buttons] == [("supervision.start", "u-food")]
    assert world.act("p-feng", f"案件 {case.number}")[0].card.buttons == ()


def test_an_escalation_to_a_leader_carries_supervise_and_one_to_the_unit_head_does_not(world):
    from bot.domain.clock.duties import Alarm
    from worker.escalation import step_card

    case = world.open(Grade.MAJOR).case
    world.assign(case.id, "u-food")
    duty = duties(world, case.id, DutyKind.ACKNOWLEDGE)[0]
    facts = {"number": case.number, "title": case.title, "owner_unit": "u-desk"}
    to_leader = step_card("escalation", facts, duty, Alarm(duty.due_at, False, ("leader_in_charge",)), world.org)
    to_head = step_card("escalation", facts, duty, Alarm(duty.due_at, False, ("unit_head",)), world.org)
    assert [(b.label, b.params) for b in to_leader.buttons if b.action == "supervision.start"] == [
        ("督办", {"case": case.number, "u": "u-food"})]
    assert not [b for b in to_head.buttons if b.action == "supervision.start"]
