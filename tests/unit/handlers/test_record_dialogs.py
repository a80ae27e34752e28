"""What people notice of the dialogs around a case's duties (issue 19, leftovers): a duty's record half-filled
is kept while the duty may still be recorded, as a report is, and its expiry still names the case, the step
and how to resume; 我的待办's 反馈处置情况 goes straight to the 专项报告 (处置情况), as typed ``反馈`` does; a
dialog a click starts in a group asks its typed question 1:1 and leaves the group a pointer, as a typed start
does. Pure handlers on a real case store (``unit_side.World``), the clock injected."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.card import Target
from bot.core.conversation import expired_reply
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from tests.unit.handlers.unit_side import World, texts

DESK, LIAISON = "p-li", "p-feng"


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def duty(world, case, kind: DutyKind):
    return next(d for d in world.store.run(lambda repo: repo.duties(case.id)) if d.kind == kind)


# --- a record lives until its duty is due -----------------------------------------------------------------------

def test_a_half_filled_meeting_record_outlives_two_hours_while_its_duty_is_not_due_and_expires_after(world):
    case = world.open(Grade.MAJOR).case
    due = duty(world, case, DutyKind.ASSESSMENT_MEETING).due_at
    assert due > world.now + timedelta(hours=6), "the 重大 meeting's clock is a day: room to outlive 2 h"
    world.act(DESK, text=f"研判会议 {case.number}")
    world.act(DESK, text="现在")
    (asked,) = world.act(DESK, text="三楼会议室")
    assert "参会人员" in asked.card.data["text"]
    state = world.dialog[DESK]
    assert datetime.fromisoformat(state.expires_at) == due, "kept until the duty is due, not 2 h"

    world.now += timedelta(hours=3)  # a fixed 2 h would have dropped it by now
    (asked,) = world.act(DESK, text="赵局长、钱副局长、李干事")
    assert "会议结论" in asked.card.data["text"], "the half-filled record goes on where it stopped"
    assert world.dialog[DESK] is not None and not world.dialog[DESK].expired(due - timedelta(minutes=1))

    state = world.dialog[DESK]
    assert state.expired(due + timedelta(seconds=1)), "once the duty is due (and 2 h since the last answer) it ends"
    said = expired_reply(state).card.data["text"]
    assert said == f"{case.number} 的研判会议尚未提交，请重新发送“研判会议 {case.number}”。"
    assert duty(world, case, DutyKind.ASSESSMENT_MEETING).open, "nothing recorded"


def test_a_record_of_a_duty_already_due_is_kept_two_hours_like_a_report(world):
    case = world.open(Grade.MAJOR).case
    due = duty(world, case, DutyKind.ASSESSMENT_MEETING).due_at
    world.now = due + timedelta(hours=1)  # overdue: still to be recorded, late
    world.act(DESK, text=f"研判会议 {case.number}")
    assert datetime.fromisoformat(world.dialog[DESK].expires_at) == world.now + timedelta(hours=2)


# --- 我的待办's 反馈处置情况 -------------------------------------------------------------------------------------

def _feedback_button(world, case):
    world.assign(case.id, "u-food")
    world.act(LIAISON, text=f"签收 {case.number}")
    (card,) = world.act(LIAISON, text="我的待办")
    return next(b for b in card.card.buttons if b.label.endswith("反馈处置情况"))


def test_my_duties_feedback_button_goes_straight_to_the_special_report_as_typed_feedback_does(world):
    case = world.open(Grade.GENERAL).case
    button = _feedback_button(world, case)
    clicked = world.act(LIAISON, action=button.action, params=button.params)
    world.act(LIAISON, text="取消")
    typed = world.act(LIAISON, text=f"反馈 {case.number}")
    assert texts(clicked) == texts(typed) and "请发送专项报告内容" in texts(clicked)[0]
    assert all(r.card.kind != "prompt_card" for r in clicked), "no report-kind chooser"


def test_the_feedback_button_still_names_the_special_report_once_the_feedback_is_in(world):
    case = world.open(Grade.GENERAL).case
    button = _feedback_button(world, case)
    world.act(LIAISON, action=button.action, params=button.params)
    world.act(LIAISON, text="门店已下架全部过期食品。")
    world.act(LIAISON, text="确认")
    assert not duty(world, case, DutyKind.FEEDBACK).open
    again = world.act(LIAISON, action=button.action, params=button.params)  # the card kept its button
    assert texts(again) == texts(world.act(LIAISON, text=f"反馈 {case.number}"))
    assert "请发送专项报告内容" in texts(again)[0]


# --- a click in a group -------------------------------------------------------------------------------------------

def test_a_dialog_clicked_in_a_group_asks_one_to_one_and_points_there(world):
    """WeCom (the smart bot's group card, the app for 1:1): the question goes 1:1, the group gets a pointer."""
    case = world.open().case
    world.assign(case.id, "u-food")
    (acked, *_) = world.act("p-zhou", action="case.ack", params={"case": case.number}, chat_type="group",
                            card_id="c1")
    report = next(b for b in acked.card.buttons if b.action == "report.start")

    (kinds,) = world.act("p-zhou", action=report.action, params=report.params, chat_type="group", card_id="c1")
    assert kinds.to is None and kinds.card.buttons, "a question its buttons answer stays in the group"
    kind = next(b for b in kinds.card.buttons if b.label == "初报")
    settled, ask, pointer = world.act("p-zhou", action=kind.action, params=kind.params, chat_type="group",
                                      card_id="c2")
    assert settled.update and settled.to is None
    assert ask.to == Target("person", "p-zhou", "wecom") and "请发送初报内容" in ask.card.data["text"]
    assert pointer.to is None and pointer.card.data["text"] == "周科长，请在应用“舆情助手”的单聊中继续（已发送下一步）。"

    (confirm,) = world.act("p-zhou", text="门店已下架全部过期食品。")  # answered 1:1, the dialog goes on
    assert confirm.card.buttons and "确认提交" in [b.label for b in confirm.card.buttons]


def test_a_click_in_a_dingtalk_group_is_answered_one_to_one_without_a_pointer(world):
    """DingTalk answers every click 1:1 to whoever clicked (outbound.reply): the question is there already, and
    a pointer to the 1:1 chat, sent into that same chat, would only confuse."""
    case = world.open().case
    world.assign(case.id, "u-foodsale")
    (acked, *_) = world.act("p-wei", action="case.ack", params={"case": case.number}, chat_type="group", card_id="c1")
    report = next(b for b in acked.card.buttons if b.action == "report.start")
    (kinds,) = world.act("p-wei", action=report.action, params=report.params, chat_type="group", card_id="c1")
    kind = next(b for b in kinds.card.buttons if b.label == "初报")
    settled, ask = world.act("p-wei", action=kind.action, params=kind.params, chat_type="group", card_id="c2")
    assert settled.update and ask.to is None and "请发送初报内容" in ask.card.data["text"]
    (confirm,) = world.act("p-wei", text="门店已下架全部过期食品。")
    assert confirm.card.buttons and "确认提交" in [b.label for b in confirm.card.buttons]


def test_a_duty_button_clicked_in_a_group_starts_its_record_one_to_one(world):
    case = world.open(Grade.MAJOR).case
    meeting = duty(world, case, DutyKind.ASSESSMENT_MEETING)
    ask, pointer = world.act("p-chen", action="duty.meeting", params={"case": case.number, "d": meeting.id},
                             chat_type="group", card_id="c1")
    assert ask.to == Target("person", "p-chen", "wecom") and "会议时间" in ask.card.data["text"]
    assert pointer.to is None and pointer.card.data["text"] == "陈干事，请在应用“舆情助手”的单聊中继续（已发送下一步）。"
