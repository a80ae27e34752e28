"""Leaders decide on a unit's script (口径审定: two leaders, any order) and plan (方案审批: in order) by button or
typed (handlers/approvals.py, handlers/approval_return.py): every decision goes through the engine; the
submissions are set up through the domain."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.card_copies import CardCopy
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.response.plans import submit_plan
from bot.domain.response.scripts import submit_script
from bot.domain.response.state import response_state
from tests.unit.handlers.unit_side import World, texts


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def _case(world, unit="u-food", grade=Grade.MAJOR):
    case = world.open(grade=grade).case
    world.assign(case.id, unit)
    return case


def _script(world, case, unit="u-food", by="p-feng", text="经核查，涉事超市已下架过期食品。"):
    return submit_script(world.store, world.rules, case.id, unit, Actor(by, "wecom"), world.now, text)


def _plan(world, case, unit="u-food"):
    return submit_plan(world.store, world.rules, case.id, unit, Actor("p-li", "dingtalk"), world.now, "新闻通稿",
                       "发布核查通报", "今天 18:00")


def _state(world, case):
    return world.store.run(lambda repo: response_state(repo.timeline(case.id)))


def _params(case, v, unit="u-food"):
    return {"case": case.number, "u": unit, "v": str(v)}


def _to(replies, person):
    return [r for r in replies if r.to is not None and r.to.kind == "person" and r.to.id == person]


def test_returned_with_a_reason_then_v2_approved_by_both_in_either_order(world):
    case = _case(world)
    _script(world, case)
    asked = world.act("p-wu", action="script.return", params=_params(case, 1))
    assert "理由" in texts(asked)[0] and world.dialog["p-wu"] is not None
    back = world.act("p-wu", "涉事门店名称有误")
    assert any("已退回修改" in t for t in texts(back))
    notices = _to(back, "p-feng")
    assert notices and notices[0].card.kind == "response_notice" and "涉事门店名称有误" in notices[0].card.data["body"]
    assert _state(world, case).script("u-food", 1).returned.reason == "涉事门店名称有误"

    _script(world, case, text="v2 全文")
    first = world.act("p-wu", action="script.approve", params=_params(case, 2), card_id="c1")
    assert first[0].update and first[0].card.kind == "script_approval" and not first[0].card.buttons
    assert not _state(world, case).script("u-food", 2).approved
    second = world.act("p-qian", action="script.approve", params=_params(case, 2), card_id="c2")
    assert _state(world, case).script("u-food", 2).approved
    assert [r.card.kind for r in _to(second, "p-feng")] == ["response_notice"]
    assert [r.card.kind for r in _to(second, "p-qian")] == ["onward_consent"]


def test_publicity_leader_first_then_leader_in_charge_by_typed_form(world):
    case = _case(world)
    _script(world, case)
    world.act("p-qian", action="script.approve", params=_params(case, 1), card_id="c1")
    typed = world.act("p-wu", f"审定 {case.number} v1")
    assert "已审定同意" in texts(typed)[0] and "已通过" in texts(typed)[0]
    assert _state(world, case).script("u-food", 1).approved


def test_one_person_with_both_roles_approves_once(world):
    case = _case(world, unit="u-consumer")
    _script(world, case, unit="u-consumer", by="p-lv")
    out = world.act("p-qian", action="script.approve", params=_params(case, 1, "u-consumer"), card_id="c1")
    v = _state(world, case).script("u-consumer", 1)
    assert v.approved and set(v.decisions[0].roles) == {"publicity_leader", "leader_in_charge"}
    assert _to(out, "p-qian")[0].card.kind == "onward_consent"


def test_an_old_versions_card_says_a_newer_one_exists_and_settles(world):
    case = _case(world)
    _script(world, case)
    _script(world, case)
    out = world.act("p-wu", action="script.approve", params=_params(case, 1), card_id="c1")
    assert out[0].update and "已有新版本 v2" in out[0].card.data["status"]
    assert "已有新版本 v2" in texts(out)[1]
    assert _state(world, case).script("u-food", 2).decisions == []


def test_the_same_leader_twice_counts_once(world):
    case = _case(world)
    _script(world, case)
    world.act("p-wu", action="script.approve", params=_params(case, 1), card_id="c1")
    again = world.act("p-wu", action="script.approve", params=_params(case, 1), card_id="c1")
    assert "无需重复操作" in texts(again)[0]
    assert len(_state(world, case).script("u-food", 1).decisions) == 1


@pytest.mark.parametrize("person", ["p-zheng", "p-feng"])
def test_another_units_leader_in_charge_and_a_liaison_are_refused(world, person):
    case = _case(world)
    world.assign(case.id, "u-drug")  # p-zheng leads it: a leader in charge on the case, not of u-food
    _script(world, case)
    out = world.act(person, action="script.approve", params=_params(case, 1))
    assert "可以审定该口径" in texts(out)[0]
    assert _state(world, case).script("u-food", 1).decisions == []


def test_the_main_leader_is_asked_in_whose_place(world):
    case = _case(world)
    _script(world, case)
    asked = world.act("p-zhao", action="script.approve", params=_params(case, 1))
    labels = [b.label for b in asked[0].card.buttons]
    assert labels == ["代宣传分管领导审定", "代分管领导审定"] and all(len(x) <= 10 for x in labels)
    world.act("p-zhao", action="script.approve", params=asked[0].card.buttons[1].params)
    d = _state(world, case).script("u-food", 1).decisions[0]
    assert d.on_behalf and d.roles == ("leader_in_charge",)


def test_bare_agree_with_one_pending_and_with_two(world):
    case = _case(world)
    _script(world, case)
    assert "已审定同意" in texts(world.act("p-wu", "同意"))[0]
    other = _case(world, unit="u-foodsale")
    _script(world, other, unit="u-foodsale", by="p-wei")
    _script(world, case)  # v2 for u-food: p-wu has two pending now
    listed = texts(world.act("p-wu", "同意"))[0]
    assert f"审定 {case.number} v2" in listed and f"审定 {other.number} v1" in listed
    assert _state(world, case).script("u-food", 2).decisions == []
    assert "已审定同意" in texts(world.act("p-wu", f"同意 {other.number}"))[0]


def test_typed_return_with_reason_and_evaluation_form_still_reaches_the_review(world):
    case = _case(world)
    _script(world, case)
    out = world.act("p-wu", f"退回修改 {case.number} v1 数据需核实")
    assert any("已退回修改" in t for t in texts(out))
    assert _state(world, case).script("u-food", 1).returned.reason == "数据需核实"
    review = world.act("p-li", f"退回修改 {case.number} 食品生产 写得太简单")
    assert not any("已退回修改：" in t for t in texts(review))


def test_a_typed_old_version_and_a_bare_return_with_nothing_named(world):
    case = _case(world)
    _script(world, case)
    _script(world, case)
    assert "已有新版本 v2" in texts(world.act("p-wu", f"审定 {case.number} v1"))[0]
    listed = texts(world.act("p-wu", "退回修改"))[0]
    assert f"退回修改 {case.number} v2 理由" in listed
    assert _state(world, case).script("u-food", 2).decisions == []


def test_a_wrong_person_clicking_return_is_refused_before_any_reason_is_asked(world):
    case = _case(world)
    _script(world, case)
    out = world.act("p-feng", action="script.return", params=_params(case, 1))
    assert "可以审定该口径" in texts(out)[0] and world.dialog.get("p-feng") is None


def test_not_ours_from_an_approver_answers_with_the_return_form(world):
    case = _case(world)
    _script(world, case)
    out = world.act("p-wu", f"退回 {case.number}")
    assert f"退回修改 {case.number} v1 理由" in texts(out)[0]
    assert world.dialog.get("p-wu") is None


def test_plan_in_order_main_leader_refused_first(world):
    case = _case(world)
    _plan(world, case)
    early = world.act("p-zhao", action="plan.approve", params=_params(case, 1))
    assert "须先由分管局领导" in texts(early)[0]
    assert _state(world, case).plan("u-food", 1).decisions == []
    first = world.act("p-wu", f"审批 {case.number} v1")
    assert [r.card.kind for r in _to(first, "p-zhao")] == ["plan_approval"]
    assert _to(first, "p-zhao")[0].card.buttons
    done = world.act("p-zhao", action="plan.approve", params=_params(case, 1), card_id="c9")
    assert _state(world, case).plan("u-food", 1).approved
    assert done[0].update and "已审批" in done[0].card.data["status"]
    assert [r.card.kind for r in _to(done, "p-feng")] == ["response_notice"]


def test_a_plan_returned_by_the_leader_in_charge_goes_back_with_the_reason(world):
    case = _case(world)
    _plan(world, case)
    world.act("p-wu", action="plan.return", params=_params(case, 1))
    out = world.act("p-wu", "发布时间太晚")
    assert "发布时间太晚" in _to(out, "p-feng")[0].card.data["body"]
    assert _state(world, case).plan("u-food", 1).returned.reason == "发布时间太晚"


def test_a_reminders_button_carries_the_duty(world):
    case = _case(world)
    outcome = _script(world, case)
    duty = next(d for d in outcome.started if d.owner_person == "p-wu")
    world.act("p-wu", action="script.approve", params={"case": case.number, "d": str(duty.id)})
    assert _state(world, case).script("u-food", 1).decided_by("p-wu") is not None


def test_the_other_approvers_copy_shows_the_decision_and_stays_live(world, monkeypatch):
    case = _case(world)
    _script(world, case)
    qian = world.org.person("p-qian")
    row = CardCopy(7, "wecom", "person", {"user_id": qian.user_id("wecom")},
                   {"kind": "script_approval", "data": {"unit": "u-food", "version": 1},
                    "buttons": [{"label": "同意"}]}, {"card_id": "t7"}, True)

    class Copies:
        def of_case(self, case_id, kind="case_card", assignment_id=None):
            return [row] if kind == "script_approval" else []

    real = world.ctx
    monkeypatch.setattr(world, "ctx", lambda pid: replace(real(pid), card_copies=Copies()))
    out = world.act("p-wu", action="script.approve", params=_params(case, 1), card_id="c1")
    update = [r for r in out if r.to is not None and r.to.kind == "card"]
    assert update and update[0].card.buttons and "吴副局长" in str(update[0].card.data["facts"])
