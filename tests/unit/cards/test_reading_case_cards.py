"""The case's own cards read as a person reads them, line by line (review ux-2026-12-07): the unit's warning
(case_card), the leaders' 舆情通报 (bulletin), the desk's cards (desk_card, intake_card) and a dialog's
question (prompt_card) — in their text form (a WeChat-plugin reader, a WeCom group, DingTalk markdown), and
where it matters as WeCom's template card. Built by the product's own builders on a real case store, shown
through the one rendering rule as the worker adds them to the outbox (``worker.presenting``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import ROOT
from bot.core.card import Card
from bot.domain.case.commands import open_case
from bot.domain.cards.bulletin import bulletin_card
from bot.domain.cards.case_card import case_view_by_id, unit_card
from bot.domain.cards.desk_card import report_card, returned_card
from bot.domain.cards.intake_card import intake_card
from bot.domain.cards.prompt_card import grade_prompt, report_kind_prompt
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Actor
from bot.platforms.render import render_json, render_text
from bot.store import outbox
from tests.unit.cards.reading import forms
from tests.unit.handlers.unit_side import World
from worker.presenting import Presenter

TEMPLATES = ROOT / "templates"
TITLE = "某超市销售过期食品"
LINK = "https://weibo.com/1/abc"


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def read(card: Card) -> list[str]:
    """The card's text form, line by line, as a person reads it."""
    return render_text(TEMPLATES, card).splitlines()


def wecom(card: Card) -> dict:
    """The card as WeCom's template card (or markdown) body."""
    return render_json(TEMPLATES, "wecom", card, keys=[f"k{i}" for i in range(len(card.buttons))], task_id="t1")


def view_of(world, case_id):
    return world.store.run(lambda repo: case_view_by_id(repo, case_id))


def warned(world, grade=Grade.MAJOR, unit="u-foodsale", **kw):
    """A case of ``grade`` assigned to ``unit``: its view and the assignment."""
    case = open_case(world.store, world.rules, Actor("p-li", "dingtalk"), world.now, title=TITLE, grade=grade,
                     source="weibo", link=LINK, **kw).case
    outcome, _ = world.assign(case.id, unit)
    return view_of(world, case.id), outcome.assignment


# --- the unit's warning -------------------------------------------------------------------------------------

def test_the_liaison_reads_the_grade_then_the_deadlines_then_the_story_and_what_to_type(world):
    view, a = warned(world)
    assert read(unit_card(world.org, view, a, world.now)) == [
        "【舆情预警 YQ-2026-0001】",
        "等级：重大舆情",
        "签收时限：今天 10:30",
        "初报时限：今天 12:00",
        TITLE,
        "工作要求：请立即核实并初报；配合召开研判会议，48小时内公开回应。",
        f"原文链接：{LINK}",
        "签收：发送“签收 YQ-2026-0001”；不属于本单位职责：发送“退回 YQ-2026-0001”（群聊中请先 @舆情助手）。",
    ]


def test_the_card_says_its_deadlines_and_never_a_countdown_that_goes_stale(world):
    view, a = warned(world)
    later = world.now + timedelta(hours=3)  # read three hours after it was sent: still true, no 剩余
    text = "\n".join(read(unit_card(world.org, view, a, world.now)))
    assert "剩余" not in text and "还剩" not in text
    assert read(unit_card(world.org, view, a, later))[2:4] == ["签收时限：今天 10:30", "初报时限：今天 12:00"]


def test_after_signing_the_status_comes_first_and_the_next_step_is_to_report(world):
    view, a = warned(world)
    world.act("p-wei", action="case.ack", params={"case": view.case.number, "a": str(a.id)}, card_id="c1")
    after = view_of(world, view.case.id)
    card = unit_card(world.org, after, after.assignment(a.id), world.now)
    lines = read(card)
    assert lines[:3] == ["【舆情预警 YQ-2026-0001】", "已由卫干事于今天 10:00签收", "等级：重大舆情"]
    assert lines[3] == "初报时限：今天 12:00" and "签收时限" not in "\n".join(lines)
    assert lines[-1] == "报告：发送“报告 YQ-2026-0001”（群聊中请先 @舆情助手）。"


def in_order(lines: list[str], *starts: str) -> bool:
    """Whether a line starting with each of ``starts`` is there, in this order."""
    at = [next((i for i, line in enumerate(lines) if line.lstrip("• ").startswith(s)), -1) for s in starts]
    return -1 not in at and at == sorted(at)


@pytest.mark.parametrize("build", ["warning", "bulletin", "intake"])
def test_every_form_reads_grade_deadlines_then_the_story_and_dingtalk_reads_alike_either_way(world, build):
    view, a = warned(world)
    card = {"warning": lambda: unit_card(world.org, view, a, world.now),
            "bulletin": lambda: bulletin_card(view.case, "食品经营安全监督管理科", view.duties, world.now),
            "intake": lambda: intake_card(view.case, world.now)}[build]()
    seen = forms(card)
    assert seen["dingtalk markdown"] == seen["dingtalk markdown (CommonMark)"]
    first = {"warning": "签收时限：", "bulletin": "承办单位：", "intake": "来源："}[build]
    for form in ("text", "wecom group", "dingtalk markdown", "dingtalk card"):
        assert in_order(seen[form], "等级：", first, TITLE, f"原文链接：{LINK}"), (form, seen[form])
    # a card with buttons has the tappable row; a bulletin without them is markdown with the link as text
    assert ("链接：原文链接" if card.buttons else f"原文链接：{LINK}") in seen["wecom 1:1"]


def test_on_wecom_the_storys_link_is_a_row_one_can_tap(world):
    view, a = warned(world)
    body = wecom(unit_card(world.org, view, a, world.now))["template_card"]
    rows = body["horizontal_content_list"]
    assert [r["keyname"] for r in rows] == ["等级", "签收时限", "初报时限", "链接"]
    assert rows[-1] == {"keyname": "链接", "value": "原文链接", "type": 1, "url": LINK}
    assert LINK not in body["sub_title_text"] and body["sub_title_text"].startswith(TITLE)


def test_a_confidential_cases_group_copy_has_no_link_row_nor_link_line(world):
    view, a = warned(world, Grade.GENERAL, confidential=True)
    card = unit_card(world.org, view, a, world.now)
    with world.store.database.session() as session:
        shown = Presenter(session).message(outbox.Message("x", "wecom", "group", {}, card.to_dict(), view.case.id))
    card = Card.from_dict(shown.card)
    assert LINK not in render_text(TEMPLATES, card) and TITLE not in render_text(TEMPLATES, card)
    rows = wecom(card)["template_card"]["horizontal_content_list"]
    assert all(r.get("type") != 1 for r in rows)


# --- the leaders' 舆情通报 ----------------------------------------------------------------------------------

def test_the_leader_reads_the_grade_the_units_and_the_cases_own_deadlines(world):
    view, _ = warned(world, Grade.ESPECIALLY_MAJOR)
    ack = next(d for d in view.duties if d.kind == DutyKind.MAIN_LEADER_ACKNOWLEDGE)
    lines = read(bulletin_card(view.case, "食品经营安全监督管理科", view.duties, world.now, ack))
    assert lines[:3] == ["【舆情通报 YQ-2026-0001】", "等级：特别重大舆情", "承办单位：食品经营安全监督管理科"]
    assert lines[3].startswith("主要领导签收时限：今天 ") and "剩余" not in "\n".join(lines)
    assert lines[-3:] == [TITLE, f"原文链接：{LINK}", "签收：发送“领导签收 YQ-2026-0001”。"]


# --- the desk's cards -------------------------------------------------------------------------------------

def test_the_desks_report_card_names_the_case_by_its_title(world):
    view, _ = warned(world)
    card = report_card(view.case, "食品经营安全监督管理科", "初报（第1版）", "卫干事", world.now, "已核实，涉事门店已下架。",
                       "（按时，截止 今天 12:00）", [])
    assert read(card) == [
        "【初报（第1版） YQ-2026-0001】",
        "等级：重大舆情",
        "承办单位：食品经营安全监督管理科",
        TITLE,
        "卫干事于今天 10:00提交（按时，截止 今天 12:00）：",
        "已核实，涉事门店已下架。",
    ]


def test_the_desks_return_card_says_the_case_then_who_returned_it_and_why(world):
    view, a = warned(world)
    lines = read(returned_card(view.case, a, "食品经营安全监督管理科", "不属于本科职责", [("u-food", "食品生产安全监督管理科")]))
    assert lines == ["【退回待改派 YQ-2026-0001】", "等级：重大舆情", TITLE, "食品经营安全监督管理科退回：不属于本科职责",
                     "改派其他单位：发送“改派 YQ-2026-0001 单位名称”。", f"原文链接：{LINK}"]
    # on WeCom's card too, where a unit beyond the buttons has no 其他单位… button
    card = returned_card(view.case, a, "食品经营安全监督管理科", "不属于本科职责", [("u-food", "食品生产安全监督管理科")])
    assert "改派其他单位：发送“改派 YQ-2026-0001 单位名称”。" in wecom(card)["template_card"]["sub_title_text"]


def test_the_desks_intake_card_reads_status_facts_title_link_and_what_to_type(world):
    case = open_case(world.store, world.rules, Actor("p-li", "dingtalk"), world.now, title=TITLE, source="weibo",
                     link=LINK, first_seen_at=world.now).case
    lines = read(intake_card(case, world.now, status="李干事已定为一般舆情"))
    assert lines == [
        "【已立案 YQ-2026-0001】",
        "李干事已定为一般舆情",
        "等级：一般舆情",
        "来源：微博",
        "发现时间：今天 10:00",
        TITLE,
        "请确认定级（默认一般舆情）并分派承办单位，可分派多个单位。",
        f"原文链接：{LINK}",
        "可回复（群聊中请先 @舆情助手）：",
        "· 定级 YQ-2026-0001 敏感",
        "· 分派 YQ-2026-0001 单位名称",
    ]


def test_on_wecom_the_intake_cards_title_is_whole_and_its_status_lines_stand_apart(world):
    title = "网传某奶茶店使用过期食品原料，多名消费者反映饮用后腹泻，涉事门店位于中山路步行街"  # longer than a row
    case = open_case(world.store, world.rules, Actor("p-li", "dingtalk"), world.now, title=title, source="weibo",
                     link=LINK, transfer_ref="2026第118号").case
    status = "转办反馈期限：12月3日 17:00"
    card = intake_card(case, world.now, status=status, transfer="省局 2026第118号")
    body = wecom(card)["template_card"]
    assert body["sub_title_text"].splitlines()[:2] == [status, title]
    assert all(title not in str(r["value"]) for r in body["horizontal_content_list"])
    assert body["horizontal_content_list"][-1] == {"keyname": "链接", "value": "原文链接", "type": 1, "url": LINK}
    assert [r["keyname"] for r in body["horizontal_content_list"]][:1] == ["等级"]


def test_once_a_unit_is_assigned_the_intake_card_stops_asking_for_it(world):
    view, _ = warned(world)
    lines = read(intake_card(view.case, world.now, [world.org.units["u-foodsale"]]))
    assert "请确认定级（默认一般舆情）并分派承办单位，可分派多个单位。" not in lines
    assert "如需调整定级或增派单位，可点击下方按钮。" in lines and "承办单位：食品经营安全监督管理科" in lines


# --- a dialog's question ------------------------------------------------------------------------------------

def test_a_dialogs_question_names_the_case_by_its_title(world):
    view, _ = warned(world)
    assert read(grade_prompt(view.case, ()))[:3] == ["【定级 YQ-2026-0001】", "等级：重大舆情", TITLE]
    lines = read(report_kind_prompt(view.case, "食品经营安全监督管理科", ()))
    assert lines[:4] == ["【报告 YQ-2026-0001】", "等级：重大舆情", "承办单位：食品经营安全监督管理科", TITLE]


# --- a drill, wherever its cards go -------------------------------------------------------------------------

AUDIENCES = {"the unit's group": ("group", {}), "a liaison": ("person", {"user_id": "0602"}),
             "a leader": ("person", {"user_id": "zhaojz"}), "the desk": ("person", {"user_id": "0524"})}


def drill_cards(world) -> dict[str, tuple[str, Card]]:
    """Every case card kind of a drill case, with who reads it."""
    view, a = warned(world, drill=True)
    case = view.case
    return {
        "case_card": ("the unit's group", unit_card(world.org, view, a, world.now)),
        "case_card 1:1": ("a liaison", unit_card(world.org, view, a, world.now)),
        "bulletin": ("a leader", bulletin_card(case, "食品经营安全监督管理科", view.duties, world.now)),
        "desk_card": ("the desk", report_card(case, "食品经营安全监督管理科", "初报（第1版）", "卫干事", world.now, "已核实",
                                              "", [])),
        "intake_card": ("the desk", intake_card(case, world.now)),
        "prompt_card": ("a liaison", report_kind_prompt(case, "食品经营安全监督管理科", ())),
    }


@pytest.mark.parametrize("which", ["case_card", "case_card 1:1", "bulletin", "desk_card", "intake_card",
                                   "prompt_card"])
def test_a_drills_card_is_marked_for_whoever_reads_it(world, which):
    audience, card = drill_cards(world)[which]
    method, address = AUDIENCES[audience]
    case_id = world.store.run(lambda repo: repo.case_by_number("YQ-2026-0001")).id
    with world.store.database.session() as session:
        shown = Card.from_dict(Presenter(session).message(
            outbox.Message("x", "wecom", method, address, card.to_dict(), case_id)).card)
    assert read(shown)[0].startswith("【演练】【")
    assert render_json(TEMPLATES, "dingtalk", shown)["markdown"]["title"].startswith("【演练】")
    if shown.buttons:
        assert wecom(shown)["template_card"]["main_title"]["title"].startswith("【演练】")
