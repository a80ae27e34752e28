"""The unit's side as pure handlers on a real case store: warning, 签收, 退回 and 改派, 定级, 报告, stale clicks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.presentation import Audience, CaseTraits, present
from bot.domain.case.lifecycle import AssignmentState
from bot.domain.grade import Grade
from handlers.case_lookup import case_view_of
from tests.unit.handlers.unit_side import World, texts


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def test_the_warning_goes_to_the_group_and_each_liaison_with_its_deadlines(world):
    case = world.open(Grade.MAJOR).case
    outcome, told = world.assign(case.id, "u-food")
    replies = [r for r in told if r.card.kind != "bulletin"]  # the leaders' bulletins: test_leaders.py
    targets = [(r.to.kind, r.to.id, r.to.platform) for r in replies]
    assert targets == [("group", "u-food", "wecom"), ("person", "p-feng", "")]
    group, person = (r.card for r in replies)
    assert group.data["mentions"] == ["fenggs"] and person.data["mentions"] == []
    assert [b.action for b in person.buttons] == ["case.ack", "case.reject"]
    assert person.buttons[0].params == {"case": case.number, "a": str(outcome.assignment.id)}
    # what the liaison acts on first: the grade, then the deadlines as times (a card stays; a countdown would not)
    assert person.data["facts"] == [{"label": "等级", "value": "重大舆情"}, {"label": "签收时限", "value": "今天 10:30"},
                                    {"label": "初报时限", "value": "今天 12:00"}]
    assert "剩余" not in str(person.data) and "还剩" not in str(person.data)
    assert person.data["body"].startswith(case.title) and person.data["link"] == "https://weibo.com/1/abc"
    assert all(r.case_id == case.id for r in replies)


def test_a_confidential_case_shows_only_a_notice_in_groups(world):
    case = world.open(Grade.GENERAL, confidential=True).case
    _, replies = world.assign(case.id, "u-foodsale")
    group = replies[0]
    assert group.to == group.to.__class__("group", "u-foodsale", "dingtalk")
    shown = present(group.card, Audience.GROUP, CaseTraits(confidential=True, title=case.title, link=case.link or "",
                                                           number=case.number, grade="一般"))
    assert "某超市" not in str(shown.data) and shown.data["secret_notice"] == {"number": case.number, "grade": "一般"}
    assert [r.to.id for r in replies[1:]] == ["p-wei", "p-chu"]
    assert "某超市" in replies[1].card.data["body"]


def test_acknowledge_by_click_updates_the_card_tells_the_head_and_refuses_twice(world):
    case = world.open(Grade.GENERAL).case
    outcome, _ = world.assign(case.id, "u-foodsale")
    params = {"case": case.number, "a": str(outcome.assignment.id)}
    replies = world.act("p-wei", action="case.ack", params=params, card_id="yqX")
    assert replies[0].update and "已由卫干事于今天 10:00签收" == replies[0].card.data["status"]
    assert [b.action for b in replies[0].card.buttons] == ["report.start"]
    head = replies[-1]
    assert head.to.id == "p-chu" and "卫干事已于今天 10:00签收" in head.card.data["text"]
    world.now += timedelta(minutes=5)
    again = world.act("p-chu", action="case.ack", params=params)
    assert texts(again) == [f"{case.number} 已由卫干事于今天 10:00签收，无需重复操作。"]
    view = case_view_of(world.ctx("p-li"), case.id)
    assert view.assignments[0].state == AssignmentState.ACKNOWLEDGED and view.case.state == "handling"


def test_acknowledge_refused_for_another_units_liaison_and_changes_nothing(world):
    case = world.open().case
    outcome, _ = world.assign(case.id, "u-foodsale")
    params = {"case": case.number, "a": str(outcome.assignment.id)}
    (refusal,) = world.act("p-feng", action="case.ack", params=params)
    assert "只有承办单位的联络员或负责人可以签收" in refusal.card.data["text"]
    (typed,) = world.act("p-feng", text=f"签收 {case.number}")
    assert "不是" in typed.card.data["text"]
    assert case_view_of(world.ctx("p-li"), case.id).assignments[0].state == AssignmentState.WARNED


def test_typed_acknowledge_in_the_group_and_a_missing_number(world):
    case = world.open().case
    world.assign(case.id, "u-foodsale")
    replies = world.act("p-wei", text=f"@舆情助手 签收 {case.number}", chat_type="group")
    assert texts(replies)[0].startswith(f"已签收 {case.number}")
    (hint,) = world.act("p-wei", text="签收")
    assert "例如：签收 YQ-2026-0001" in hint.card.data["text"]


def test_not_ours_asks_for_a_reason_then_returns_and_asks_the_desk_to_reassign(world):
    case = world.open().case
    outcome, _ = world.assign(case.id, "u-foodsale")
    world.assign(case.id, "u-food")
    params = {"case": case.number, "a": str(outcome.assignment.id)}
    (prompt,) = world.act("p-wei", action="case.reject", params=params)
    assert "请说明" in prompt.card.data["text"]
    replies = world.act("p-wei", text="本案系生产环节，不属于经营科")
    assert texts(replies)[0] == f"已退回 {case.number}，已通知舆情工作台改派。"
    desk = [r for r in replies if r.card.kind == "desk_card"]
    assert {r.to.id for r in desk} == {"p-li", "p-chen", "p-sun"}
    units = [b.params["u"] for b in desk[0].card.buttons]
    assert "u-food" not in units and "u-foodsale" not in units and units
    view = case_view_of(world.ctx("p-li"), case.id)
    assert [a.state for a in view.assignments] == [AssignmentState.RETURNED, AssignmentState.WARNED]
    new = world.act("p-li", action="case.reassign", params=desk[0].card.buttons[0].params)
    assert new[0].update and "改派给" in new[0].card.data["status"]
    assert any(r.to and r.to.kind == "person" and r.card.kind == "case_card" for r in new)
    (stale,) = world.act("p-li", action="case.reassign", params=desk[0].card.buttons[0].params)
    assert "已改派" in stale.card.data["text"]
    (late,) = world.act("p-wei", action="case.ack", params=params)
    assert "已改派其他单位" in late.card.data["text"] and "已失效" in late.card.data["text"]


def test_grading_is_for_the_desk_with_a_reason_and_tells_leaders(world):
    case = world.open().case
    world.assign(case.id, "u-foodsale")
    (refusal,) = world.act("p-wei", text=f"定级 {case.number}")
    assert "没有“" in refusal.card.data["text"] and world.dialog.get("p-wei") is None
    (card,) = world.act("p-li", text=f"定级 {case.number}")
    assert [b.params["g"] for b in card.card.buttons] == ["1", "2", "3", "4"]
    (ask,) = world.act("p-li", action="grade.pick", params={"case": case.number, "g": "4"})
    assert "性质、严重程度、可控性、影响范围、关注度、热度" in ask.card.data["text"]
    replies = world.act("p-li", text="涉及群体性食物中毒，媒体广泛关注，热度高")
    assert texts(replies)[0] == f"{case.number} 已由一般舆情调整为特别重大舆情。"
    cards = [r for r in replies if r.card.kind == "bulletin"]
    assert {r.to.id for r in cards} == {"p-zhao", "p-qian", "p-wu"}
    main = next(r for r in cards if r.to.id == "p-zhao")
    assert [b.action for b in main.card.buttons] == ["leader.ack", "supervision.start"]  # 签收, 督办 the one unit
    (no,) = world.act("p-qian", action="leader.ack", params=main.card.buttons[0].params)
    assert "只有主要领导可以签收" in no.card.data["text"]
    (done,) = world.act("p-zhao", action="leader.ack", params=main.card.buttons[0].params)
    assert done.update and done.card.data["status"].startswith("已由赵局长")
    (again,) = world.act("p-zhao", action="leader.ack", params=main.card.buttons[0].params)
    assert "已由赵局长" in again.card.data["text"]


def test_a_report_walks_kind_text_confirm_and_is_forwarded_versioned(world):
    case = world.open(Grade.MAJOR).case
    outcome, _ = world.assign(case.id, "u-foodsale")
    (first,) = world.act("p-wei", text=f"报告 {case.number}")
    assert "请先签收" in first.card.data["text"]
    world.act("p-wei", text=f"签收 {case.number}")
    world.now += timedelta(hours=3)
    (kinds,) = world.act("p-wei", action="report.start", params={"case": case.number, "a": str(outcome.assignment.id)})
    assert [b.label for b in kinds.card.buttons] == ["初报", "核报", "续报", "专项报告"]
    world.act("p-wei", action="report.kind", params={"case": case.number, "k": "initial"})
    (confirm,) = world.act("p-wei", text="已派员现场核查，涉事批次已下架")
    assert confirm.card.data["body"] == "已派员现场核查，涉事批次已下架"
    replies = world.act("p-wei", action="report.confirm", params={"case": case.number})
    assert texts(replies)[0].startswith(f"已提交 {case.number} 初报（第1版），提交时间 今天 13:00（迟报")
    assert {r.to.id for r in replies[1:]} == {"p-li", "p-chen", "p-sun"}
    world.act("p-wei", text=f"报告 {case.number} 初报")
    world.act("p-wei", text="补充：抽检结果待出")
    second = world.act("p-wei", text="确认")
    assert "初报（第2版）" in texts(second)[0]
    (stale,) = world.act("p-wei", action="report.confirm", params={"case": case.number})
    assert "已失效" in stale.card.data["text"]
    (other,) = world.act("p-feng", text=f"报告 {case.number}")
    assert "不是" in other.card.data["text"]


def test_grading_typed_with_the_grade_asks_the_reason_or_sets_it_at_once(world):
    case = world.open().case
    (ask,) = world.act("p-li", text=f"定级 {case.number} 敏感")
    assert "定为敏感舆情" in ask.card.data["text"]
    world.act("p-li", text="取消")
    replies = world.act("p-li", text=f"定级 {case.number} 重大 多家媒体转载，关注度高")
    assert texts(replies)[0] == f"{case.number} 已由一般舆情调整为重大舆情。" and world.dialog.get("p-li") is None
    (same,) = world.act("p-li", text=f"定级 {case.number} 重大 再次确认")
    assert same.card.data["text"] == "案件已是重大舆情。"


def test_the_desk_is_offered_likely_units_first_and_can_type_a_loose_name(world):
    case = world.open(title="某食品生产企业使用过期原料").case
    outcome, _ = world.assign(case.id, "u-foodsale")
    world.act("p-wei", action="case.reject", params={"case": case.number, "a": str(outcome.assignment.id)})
    replies = world.act("p-wei", text="属于生产环节")
    desk = next(r for r in replies if r.card.kind == "desk_card")
    assert desk.card.buttons[0].params["u"] == "u-food" and len(desk.card.buttons) == 5
    (unclear,) = world.act("p-li", text=f"改派 {case.number} 监督管理科")
    assert "找不到唯一的单位" in unclear.card.data["text"]
    replies = world.act("p-li", text=f"改派 {case.number} 食品生产")
    assert texts(replies)[0] == f"{case.number} 已由李干事改派给食品生产安全监督管理科。"
