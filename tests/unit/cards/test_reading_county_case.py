"""A county's case at the city desk (kind ``county_case``, issue 22) read as the city desk reads it, line by line, in
every form (WeCom's card and group markdown, the plain text, DingTalk's card and markdown): the heading by mode, the
facts (县局, 等级, 定级人, 定级时间), the case's title and 研判依据, its link, 最新进展 (latest first), what to type
instead of 接管 / 取消关注. Built by the product's builder on a real case store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.card import Card
from bot.domain.case.commands import open_case, set_grade
from bot.domain.cards.county_card import PROGRESS_LINES, county_card, grading_entry, with_progress
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.platforms.render import render_json, render_text
from bot.platforms.wecom.bodies import Bodies
from tests.unit.cards.reading import TEMPLATES, forms, preview
from tests.unit.handlers.unit_side import World

TITLE = "某县超市销售过期食品"
LINK = "https://weibo.com/1/xyz"
REASON = "涉及多人就医，话题热度上升"
PROGRESS = ["今天 10:40 谢干事（甲县市场监督管理局）报送初报", "今天 10:20 谢干事（甲县市场监督管理局）签收"]


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def raised(world):
    """甲县市场监督管理局's case, opened 一般 and raised to 重大 twenty minutes later by its liaison."""
    case = open_case(world.store, world.rules, Actor("p-xie", "dingtalk"), world.now, title=TITLE, grade=Grade.GENERAL,
                     source="微博", link=LINK).case
    later = world.now + timedelta(minutes=20)
    outcome = set_grade(world.store, world.rules, case.id, Actor("p-xie", "dingtalk"), later, Grade.MAJOR, REASON)
    return outcome.case, world.store.run(lambda repo: repo.timeline(case.id))


def read(card: Card) -> list[str]:
    return render_text(TEMPLATES, card).splitlines()


def test_the_city_desk_reads_who_graded_it_when_why_and_what_to_type(world):
    case, timeline = raised(world)
    card = county_card(world.org, case, grading_entry(timeline), world.now, progress=PROGRESS)
    assert read(card) == [
        f"【县局上报：甲县市场监督管理局 {case.number} 重大】",
        "县局：甲县市场监督管理局",
        "等级：重大舆情",
        "定级人：谢干事",
        "定级时间：今天 10:20",
        TITLE,
        f"研判依据：{REASON}",
        f"原文链接：{LINK}",
        "最新进展：",
        f"· {PROGRESS[0]}",
        f"· {PROGRESS[1]}",
        f"接管：发送“接管 {case.number} 理由”；取消关注：发送“取消关注 {case.number}”（群聊中请先 @舆情助手）。",
    ]
    assert preview(card) == f"县局上报：甲县市场监督管理局 {case.number} 重大"


def test_each_mode_has_its_heading_and_no_progress_no_section(world):
    case, timeline = raised(world)
    graded = grading_entry(timeline)
    assert read(county_card(world.org, case, graded, world.now, mode="follow"))[0] == f"【关注县局舆情 {case.number}】"
    lines = read(county_card(world.org, case, graded, world.now, mode="transfer_down"))
    assert lines[0] == f"【转县局办理 {case.number}】" and "最新进展：" not in lines


def test_a_city_unit_told_reads_it_without_buttons_or_what_to_type(world):
    case, timeline = raised(world)
    card = county_card(world.org, case, grading_entry(timeline), world.now, unit="u-food", buttons=False)
    assert card.buttons == () and card.data["unit"] == "u-food"
    assert not any("接管" in line for line in read(card))


def test_every_form_reads_the_same_and_fits_the_platforms(world):
    case, timeline = raised(world)
    card = county_card(world.org, case, grading_entry(timeline), world.now, progress=PROGRESS * 3)
    assert len(card.data["progress"]) == PROGRESS_LINES
    seen = forms(card)
    assert seen["dingtalk markdown"] == seen["dingtalk markdown (CommonMark)"]
    for form, lines in seen.items():
        assert f"研判依据：{REASON}" in lines and any(PROGRESS[0] in line for line in lines), form
    wecom = Bodies(TEMPLATES).rich(card, "yq_t1")["template_card"]
    assert wecom["main_title"]["title"] == f"县局上报：甲县市场监督管理局 {case.number} 重大"  # within 36 characters
    assert [r["keyname"] for r in wecom["horizontal_content_list"]] == ["县局", "等级", "定级人", "定级时间", "链接"]
    assert [b["text"] for b in wecom["button_list"]] == ["接管", "取消关注"]
    params = render_json(TEMPLATES, "dingtalk", card)["card"]
    assert all(len(v.encode()) <= 1024 for v in params.values()), "DingTalk: 1 KB a value"


def test_the_worker_redraws_a_copy_with_new_progress(world):
    case, timeline = raised(world)
    sent = county_card(world.org, case, grading_entry(timeline), world.now, progress=PROGRESS[1:])
    again = with_progress(Card.from_dict(sent.to_dict()), PROGRESS)
    assert again.data["progress"] == PROGRESS and again.buttons == sent.buttons
    assert {k: v for k, v in again.data.items() if k != "progress"} == {k: v for k, v in sent.data.items()
                                                                         if k != "progress"}
    settled = with_progress(again, PROGRESS, status="已由李干事接管")
    assert settled.data["status"] == "已由李干事接管"
