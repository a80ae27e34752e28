"""What people are told around the case's cards (review ux-2026-12-07): a report being written lives until its
deadline and its expiry names what was lost (5); a dialog typed in a group asks 1:1 and points there (7); the
person who signs gets one message, not two (17); leaders who already have the 舆情通报 are brought up to date
rather than left at 待分派 (2). Pure handlers on a real case store (``unit_side.World``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.card import Target
from bot.core.card_copies import CardCopy
from bot.core.conversation import expired_reply
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from handlers.case_lookup import case_view_of
from handlers.leaders import UNITS_FOLLOW_UP
from handlers.registry import Context
from tests.unit.handlers.unit_side import World, texts


class Copies:
    """The copies the worker's outbox would hold: ``rows`` of each card kind."""

    def __init__(self, rows: dict[str, list[CardCopy]]) -> None:
        self.rows = rows

    def of_case(self, case_id, kind="case_card", assignment_id=None):
        return [r for r in self.rows.get(kind, [])
                if assignment_id is None or (r.card.get("data") or {}).get("assignment") == assignment_id]


class Desk(World):
    """The world with the copies the outbox holds and a chat the event comes from."""

    copies = Copies({})

    def ctx(self, person_id: str) -> Context:
        ctx = super().ctx(person_id)
        return Context(org=ctx.org, person=ctx.person, now=ctx.now, store=ctx.store, rules=ctx.rules,
                       extra=ctx.extra, capabilities=ctx.capabilities, card_copies=self.copies)


@pytest.fixture
def world(sqlite_database):
    return Desk(sqlite_database)


def copy(row_id: int, platform: str, user_id: str, card: dict, plugin: bool = False) -> CardCopy:
    return CardCopy(row_id, platform, "person", {"user_id": user_id, "wechat_plugin": plugin}, card, None)


# --- 5: a report being written ------------------------------------------------------------------------------

def signed(world, grade=Grade.GENERAL):
    case = world.open(grade).case
    outcome, _ = world.assign(case.id, "u-foodsale")
    world.act("p-wei", text=f"签收 {case.number}")
    return case, outcome.assignment


def test_a_report_being_written_lives_until_its_deadline_and_its_expiry_names_it(world):
    case, a = signed(world, Grade.SENSITIVE)
    world.act("p-wei", text=f"报告 {case.number} 初报")
    state = world.dialog["p-wei"]
    due = next(d.due_at for d in case_view_of(world.ctx("p-li"), case.id).duties
               if d.kind == DutyKind.INITIAL_REPORT and d.assignment_id == a.id)
    expires = datetime.fromisoformat(state.expires_at)
    assert expires >= min(due, world.now + timedelta(hours=24)) and expires > world.now + timedelta(minutes=30)
    assert expires <= world.now + timedelta(hours=24), "capped: a dialog is not kept for days"
    said = expired_reply(state).card.data["text"]
    assert said == f"{case.number} 的初报尚未提交，请重新发送“报告 {case.number}”。"


def test_a_report_due_soon_is_still_kept_two_hours_and_a_generic_dialog_says_the_generic_words(world):
    case, _ = signed(world, Grade.MAJOR)
    world.now += timedelta(hours=3)  # the 初报 is overdue
    world.act("p-wei", text=f"报告 {case.number}")
    assert datetime.fromisoformat(world.dialog["p-wei"].expires_at) == world.now + timedelta(hours=2)
    assert world.dialog["p-wei"].notice == f"{case.number} 的报告尚未提交，请重新发送“报告 {case.number}”。"
    assert "等待太久" in expired_reply().card.data["text"]


def test_a_report_pasted_with_a_link_after_the_dialog_ended_gets_a_helpful_answer(world):
    signed(world)
    (said,) = world.act("p-wei", text="经核实，该超市已下架涉事商品。https://weibo.com/1/abc")
    text = said.card.data["text"]
    assert text.startswith("这条消息没有作为报告提交。报送情况请先发送“报告 案件编号”") and "只有舆情工作台" in text
    (other,) = world.act("p-zhao", text="看看这个 https://weibo.com/9/xyz")  # not of a unit: the plain refusal
    assert other.card.data["text"].startswith("只有舆情工作台")


# --- 7: a dialog typed in a group ------------------------------------------------------------------------------

def test_a_dialog_typed_in_a_group_asks_one_to_one_and_points_there(world):
    case = world.open().case
    world.assign(case.id, "u-foodsale")
    replies = world.act("p-wei", text=f"退回 {case.number}", chat_type="group")
    ask, pointer = replies  # the question is in the 1:1 chat before the group is told to look there
    assert pointer.to is None and pointer.card.data["text"] == "卫干事，请在与“舆情助手”的单聊中继续（已发送下一步）。"
    assert ask.to == Target("person", "p-wei", "dingtalk") and "理由" in ask.card.data["text"]
    assert "单聊中回复" not in ask.card.data["text"]


def test_a_one_step_command_in_a_group_is_answered_in_the_group(world):
    case, _ = signed(world)
    (answer,) = world.act("p-wei", text=f"案件 {case.number}", chat_type="group")
    assert answer.to is None and answer.card.kind == "intake_card"


# --- 17: one message to the person who signs ------------------------------------------------------------------

def test_a_plugin_reader_who_signs_by_typing_gets_one_message(world):
    case = world.open(Grade.MAJOR).case
    outcome, told = world.assign(case.id, "u-food")
    mine = next(r.card for r in told if r.to == Target("person", "p-feng", ""))
    assert "点击" not in (mine.data.get("hint") or ""), "a text-only reader is not told to click"
    world.copies = Copies({"case_card": [copy(1, "wecom", "fenggs", mine.to_dict(), plugin=True)]})
    replies = world.act("p-feng", text=f"签收 {case.number}")
    to_him = [r for r in replies if r.to is None or r.to.id == "p-feng"]
    assert texts(to_him) == [f"已签收 {case.number}。报送情况请发送“报告 {case.number}”。"]


# --- 2: leaders told of the unit ---------------------------------------------------------------------------------

def test_leaders_who_have_the_bulletin_are_told_the_unit_and_the_new_leader_gets_it(world):
    case = world.open(Grade.MAJOR).case  # graded first: the bulletins went out with 待分派
    sent = {"data": {"title": f"舆情通报 {case.number}"}, "kind": "bulletin", "buttons": []}
    world.copies = Copies({"bulletin": [copy(7, "wecom", "zhaojz", sent), copy(8, "wecom", "qianfjz", sent)]})
    _, told = world.assign(case.id, "u-food")
    about = {r.to.id: r for r in told if r.to.kind == "person" and r.to.id in ("p-zhao", "p-qian", "p-wu")}
    assert about["p-wu"].card.kind == "bulletin"  # the new unit's leader in charge: the whole bulletin
    for leader in ("p-zhao", "p-qian"):
        assert about[leader].card.kind == "notice"
        assert about[leader].card.data["text"] == f"{case.number} {UNITS_FOLLOW_UP}食品生产安全监督管理科"


# --- 15: buttons settle after their step --------------------------------------------------------------------------

def test_a_report_question_clicked_through_settles_and_one_answered_by_typing_stays(world):
    case, a = signed(world, Grade.MAJOR)
    (kinds,) = world.act("p-wei", text=f"报告 {case.number}")
    kind = next(b for b in kinds.card.buttons if b.label == "初报")
    settled, ask = world.act("p-wei", action="report.kind", params=kind.params, card_id="kinds-card")
    assert settled.update and settled.card.buttons == () and settled.card.data["status"] == "已选择初报"
    assert settled.case_id == case.id and "请发送初报内容" in ask.card.data["text"]
    (confirm,) = world.act("p-wei", text="已核实，涉事批次已下架。")
    go = next(b for b in confirm.card.buttons if b.action == "report.confirm")
    replies = world.act("p-wei", action="report.confirm", params=go.params, card_id="confirm-card")
    assert replies[0].update and replies[0].card.data["status"] == "已提交初报（第1版）" and not replies[0].card.buttons
    assert texts(replies)[1].startswith(f"已提交 {case.number} 初报（第1版）")
    world.act("p-wei", text=f"报告 {case.number} 续报")
    world.act("p-wei", text="续报内容")
    typed = world.act("p-wei", text="确认")
    assert not any(r.update for r in typed), "typed: nothing was clicked, nothing to settle"


def test_units_assigned_by_name_bring_the_desks_intake_card_up_to_date_in_place(world):
    case = world.open().case
    sent = {"kind": "intake_card", "data": {"title": f"已立案 {case.number}"},
            "buttons": [{"label": "其他单位…", "action": "intake.units", "params": {"case": case.id}, "style": "default"}]}
    duplicate = {"kind": "intake_card", "data": {}, "buttons": [{"label": "记为再次发现", "action": "intake.sighting",
                                                                  "params": {}, "style": "primary"}]}
    world.copies = Copies({"intake_card": [copy(3, "dingtalk", "0524", sent), copy(4, "dingtalk", "0524", duplicate)]})
    replies = world.act("p-li", text=f"分派 {case.number} 食品经营安全监督管理科")
    assert texts(replies)[0] == "已分派食品经营安全监督管理科。"
    [card] = [r for r in replies if r.card.kind == "intake_card"]
    assert card.to == Target("card", "3", "dingtalk") and card.update  # the intake card, not the duplicate's
    assert {"label": "承办单位", "value": "食品经营安全监督管理科"} in card.card.data["facts"]


def test_a_report_pasted_without_a_link_after_the_dialog_ended_says_how_to_report(world):
    signed(world)
    (said,) = world.act("p-wei", text="经核实，该超市已于今日下架全部涉事商品并配合调查。")
    assert said.card.data["text"].startswith("这条消息没有作为报告提交。报送情况请先发送“报告 案件编号”")
    (short,) = world.act("p-wei", text="你好")
    assert short.card.data["text"].startswith("抱歉，没有看懂您的意思")
    (desk,) = world.act("p-li", text="经核实，该超市已于今日下架全部涉事商品并配合调查。")
    assert desk.card.data["text"].startswith("抱歉，没有看懂您的意思")
