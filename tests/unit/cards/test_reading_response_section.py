"""The 回应 section as the desk and the leaders read it on the ``案件`` status card and the desk's card (issue 20,
item 8): each unit's script and plan state, then what was published — and nothing at all until there is one."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import ROOT
from bot.core.clock import SHANGHAI
from bot.domain.cards.intake_card import intake_card, status_card
from bot.domain.cards.response_section import response_lines
from bot.domain.cards.shapes import Publication, ResponseLine, ResponseSection
from bot.domain.case.commands import open_case
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.platforms.render import render_text
from tests.unit.cards.reading import forms
from tests.unit.handlers.unit_side import World

TEMPLATES = ROOT / "templates"
TITLE = "某超市销售过期食品"
NOW = datetime(2026, 12, 7, 16, 0, tzinfo=SHANGHAI)
SECTION = ResponseSection(
    lines=[ResponseLine("食品经营安全监督管理科", "已审定 v2", "待审批 v1"),
           ResponseLine("价格监督检查和反不正当竞争科", "退回修改 v1"),
           ResponseLine("消费者权益保护科")],                                     # nothing yet: no line
    publications=[Publication("新闻发布会", datetime(2026, 12, 7, 15, 0, tzinfo=SHANGHAI)),
                  Publication("微信公众号", "12月6日 20:00")])


def test_each_unit_reads_its_script_and_plan_then_the_publications():
    assert response_lines(SECTION, NOW) == [
        "回应情况：",
        "食品经营安全监督管理科 口径：已审定 v2；方案：待审批 v1",
        "价格监督检查和反不正当竞争科 口径：退回修改 v1",
        "已发布：新闻发布会 今天 15:00；微信公众号 12月6日 20:00",
    ]


@pytest.mark.parametrize("section", [None, ResponseSection(), ResponseSection([ResponseLine("消费者权益保护科")])])
def test_no_script_plan_or_publication_means_no_section(section):
    assert response_lines(section, NOW) == []


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def assigned(world):
    case = open_case(world.store, world.rules, Actor("p-li", "dingtalk"), world.now, title=TITLE, grade=Grade.MAJOR,
                     source="weibo", link="https://weibo.com/1/abc").case
    outcome, _ = world.assign(case.id, "u-foodsale")
    view = world.store.run(lambda repo: (repo.assignments(case.id), repo.duties(case.id)))
    return case, *view


def test_the_status_card_shows_the_section_after_the_units_parts_and_is_unchanged_without_it(world):
    case, assignments, duties = assigned(world)
    before = render_text(TEMPLATES, status_card(case, assignments, duties, world.org, world.now))
    lines = render_text(TEMPLATES, status_card(case, assignments, duties, world.org, world.now,
                                               response=SECTION)).splitlines()
    unit_part = lines.index("食品经营安全监督管理科：待签收")
    assert lines[unit_part + 1:unit_part + 5] == response_lines(SECTION, world.now)
    assert [line for line in lines if line not in response_lines(SECTION, world.now)] == before.splitlines()
    seen = forms(status_card(case, assignments, duties, world.org, world.now, response=SECTION))
    assert seen["dingtalk markdown"] == seen["dingtalk markdown (CommonMark)"]
    for form in ("text", "wecom group", "dingtalk markdown", "dingtalk card"):
        assert "食品经营安全监督管理科 口径：已审定 v2；方案：待审批 v1" in seen[form], form
    assert lines[unit_part - 1:unit_part + 3] == [TITLE, "食品经营安全监督管理科：待签收", "回应情况：",
                                                  "食品经营安全监督管理科 口径：已审定 v2；方案：待审批 v1"]


def test_the_desks_card_shows_the_section_after_what_is_asked(world):
    case, _, _ = assigned(world)
    unit = world.org.units["u-foodsale"]
    before = render_text(TEMPLATES, intake_card(case, world.now, [unit]))
    lines = render_text(TEMPLATES, intake_card(case, world.now, [unit], response=SECTION)).splitlines()
    asked = lines.index("如需调整定级或增派单位，可点击下方按钮。")
    assert lines[asked + 1:asked + 5] == response_lines(SECTION, world.now)
    assert [line for line in lines if line not in response_lines(SECTION, world.now)] == before.splitlines()
