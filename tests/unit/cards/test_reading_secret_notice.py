"""A confidential case's cards read in a group (issue 21): every kind the product builds for a case — the unit's
warning, the leaders' 舆情通报, the desk's cards, a dialog's question, a reminder and an escalation, the script and
plan approvals, a notice, a picture — shown to a group as the worker adds it (``worker.presenting``) reads, on
WeCom (the 1:1 card, the group's markdown, the WeChat-plugin text), DingTalk (the card and its markdown) and in
text, as 「涉密舆情 YQ-…（重大）需要您处理，详情已私信发送」 and nothing else: no title, link, facts, body, report or
script text, no unit and no person's name. A person's copy of the same card is whole. 我的待办, which may be asked
for in a group, names the case by its number and grade."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.card import Button, Card
from bot.core.media import Media, media_card
from bot.domain.case.commands import open_case
from bot.domain.cards import notice
from bot.domain.cards.bulletin import bulletin_card
from bot.domain.cards.case_card import case_view_by_id, unit_card
from bot.domain.cards.county_card import county_card, grading_entry
from bot.domain.cards.desk_card import report_card, returned_card
from bot.domain.cards.duties_card import my_duties_card
from bot.domain.cards.intake_card import intake_card
from bot.domain.cards.prompt_card import grade_prompt, report_kind_prompt
from bot.domain.cards.response_cards import (onward_consent_card, plan_approval_card, script_approval_card,
                                             version_returned_notice)
from bot.domain.cards.shapes import Approver
from bot.domain.clock.duties import Alarm
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.platforms.render import render_text
from bot.store import outbox
from bot.store.cases import CaseRow
from tests.unit.cards.reading import TEMPLATES, forms
from tests.unit.handlers.unit_side import World
from worker.escalation import step_card
from worker.presenting import Presenter

TITLE = "某超市销售过期食品"
LINK = "https://weibo.com/1/abc"
REPORT = "经核查，涉事门店已停业整改"
SCRIPT = "涉事门店已下架全部过期商品，执法人员已立案调查"
PLAN = "今天下午召开新闻发布会通报调查进展"
REASON = "不属于本科室监管范围"
UNIT = ("u-foodsale", "食品经营安全监督管理科")


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def cards(world) -> tuple[int, str, dict[str, Card]]:
    """A confidential 重大 case warned to 食品经营安全监督管理科: its id, number, and each card kind built for it."""
    case = open_case(world.store, world.rules, Actor("p-li", "dingtalk"), world.now, title=TITLE, grade=Grade.MAJOR,
                     source="weibo", link=LINK, confidential=True).case
    outcome, _ = world.assign(case.id, UNIT[0])
    view = world.store.run(lambda repo: case_view_by_id(repo, case.id))
    case, a, now = view.case, outcome.assignment, world.now
    duty = next(d for d in view.duties if d.assignment_id == a.id)
    info = {"number": case.number, "title": TITLE, "owner_unit": case.owner_unit}
    approvers = (Approver("宣传分管领导", "approved", "钱副局长", now), Approver("分管领导"))
    picture = Media("image", f"{TITLE}.png", "image/png", 7, 1234, "ab" * 32, caption=f"{TITLE} 现场照片")
    built = {
        "case_card": unit_card(world.org, view, a, now, mentions=("0602",)),
        "bulletin": bulletin_card(case, UNIT[1], view.duties, now),
        "desk_card (report)": report_card(case, UNIT[1], "初报（第1版）", "卫干事", now, REPORT, "", []),
        "desk_card (returned)": returned_card(case, a, UNIT[1], REASON, [("u-food", "食品生产安全监督管理科")]),
        "intake_card": intake_card(case, now),
        "prompt_card (grade)": grade_prompt(case, (Button("重大", "case.grade", {"case": case.number}),)),
        "prompt_card (report)": report_kind_prompt(case, UNIT[1], ()),
        "reminder": step_card("reminder", info, duty, Alarm(duty.due_at - timedelta(minutes=10), True, ()),
                              world.org, one_to_one=False),
        "escalation": step_card("escalation", info, duty, Alarm(duty.due_at, False, ("unit_head",)), world.org),
        "script_approval": script_approval_card(case, *UNIT, 2, SCRIPT, "卫干事", now, approvers, now),
        "plan_approval": plan_approval_card(case, *UNIT, 1, "新闻发布会", PLAN, now + timedelta(hours=5), "卫干事",
                                            now, (Approver("分管领导"), Approver("主要领导", "waiting")), now),
        "onward_consent": onward_consent_card(case, *UNIT, 2, SCRIPT, now, now),
        "response_notice": version_returned_notice(case, *UNIT, "口径", 2, "钱副局长", now, REASON, now),
        "notice": notice(f"卫干事 已于 11-30 10:00 签收 {case.number}：{TITLE}"),
        "image": media_card(picture),
        "county_case": county_card(world.org, case, grading_entry(world.store.run(lambda repo: repo.timeline(case.id))),
                                   now, progress=[f"今天 10:05 卫干事报送初报：{REPORT}"]),  # issue 22
    }
    return case.id, case.number, built


def shown(world, card: Card, case_id: int, method: str = "group", address: dict | None = None) -> Card:
    """``card`` as the worker adds it to the outbox for ``method`` (a group, unless said)."""
    with world.store.database.session() as session:
        message = outbox.Message("x", "dingtalk", method, address or {}, card.to_dict(), case_id)
        return Card.from_dict(Presenter(session, world.org).message(message).card)


def secrets(world) -> list[str]:
    """What no group may read of the case: its content, and every unit's and person's name."""
    names = [p.name for p in world.org.people.values()] + [u.name for u in world.org.units.values()]
    return [TITLE, LINK, "weibo", REPORT, SCRIPT, PLAN, REASON, "签收时限", "初报时限", "工作要求", *names]


KINDS = ["case_card", "bulletin", "desk_card (report)", "desk_card (returned)", "intake_card", "prompt_card (grade)",
         "prompt_card (report)", "reminder", "escalation", "script_approval", "plan_approval", "onward_consent",
         "response_notice", "notice", "image", "county_case"]


@pytest.mark.parametrize("which", KINDS)
def test_a_group_reads_the_number_and_the_grade_and_nothing_else_on_every_platform(world, which):
    case_id, number, built = cards(world)
    card = shown(world, built[which], case_id)
    sentence = f"涉密舆情 {number}（重大）需要您处理，详情已私信发送"
    for form, lines in forms(card).items():
        text = "\n".join(lines)
        assert sentence in lines, (which, form, lines)
        leaks = [s for s in secrets(world) if s in text]
        assert leaks == [], (which, form, leaks)
        assert "<@" not in text, (which, form, "no mention: an @ shows a name")
    assert [b.action for b in card.buttons] == [b.action for b in built[which].buttons
                                                if b.action in ("case.ack", "case.reject")]


def test_the_units_group_may_still_acknowledge_by_button_or_by_typing(world):
    case_id, number, built = cards(world)
    card = shown(world, built["case_card"], case_id)
    assert render_text(TEMPLATES, card).splitlines() == [
        "【涉密舆情】", f"涉密舆情 {number}（重大）需要您处理，详情已私信发送",
        f"签收：发送“签收 {number}”；不属于本单位职责：发送“退回 {number}”（群聊中请先 @舆情助手）。"]
    assert forms(card)["wecom 1:1"] == ["涉密舆情", f"涉密舆情 {number}（重大）需要您处理，详情已私信发送", "签收", "非本单位职责"]
    assert card.kind == "case_card" and card.data["unit"] == UNIT[0], "its copies are filed as the unit's warning"


def test_a_drills_notice_carries_the_mark(world):
    case_id, number, built = cards(world)
    with world.store.database.session() as session:
        session.get(CaseRow, case_id).drill = True
    card = shown(world, built["notice"], case_id)
    assert render_text(TEMPLATES, card).splitlines()[0] == "【演练】【涉密舆情】"


@pytest.mark.parametrize("which", ["case_card", "script_approval", "notice"])
def test_a_persons_copy_is_whole(world, which):
    case_id, _, built = cards(world)
    card = shown(world, built[which], case_id, "person", {"user_id": "0602"})
    assert card == built[which]
    assert TITLE in render_text(TEMPLATES, card)


def test_my_duties_names_a_confidential_case_by_its_number_and_grade_only(world):
    case_id, number, _ = cards(world)
    view = world.store.run(lambda repo: case_view_by_id(repo, case_id))
    duty = next(d for d in view.duties if d.owner_unit == UNIT[0])
    card = my_duties_card("卫干事", [(duty, view.case)], world.org, world.now)
    for form, lines in forms(card).items():
        assert any(f"{number} 涉密舆情（重大）" in line for line in lines), (form, lines)
        assert TITLE not in "\n".join(lines), form
