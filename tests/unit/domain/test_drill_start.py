"""Opening a drill (issue 23): the city desk's head (or the command line) opens one case marked a drill at its
scale, warns the scenario's units and records the scenario; anyone else, a scale below 1, an unknown grade or
unit is refused before anything is written."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import ANY

import pytest

from bot.domain.drill.people import drill_people, drill_steps
from bot.domain.drill.scenario import parse_scenario
from bot.domain.drill.start import (DEFAULT_SCALE, check_units, drill_title, grade_of, recipients, shipped_names,
                                    shipped_scenario, start_drill)
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Actor

HEAD = Actor("p-sun", "dingtalk")  # the city desk's head (科长) in the sample org
CLI = Actor("cli:ops", "cli")

TEXT = """\
title: 某超市销售过期食品致多人不适
link: https://news.example.com/drill/major
grade: 重大
units: [u-food]
facts: 3名消费者就医
people: [p-zhao, p-wu]
steps:
  - {after: 10min, raise: 特别重大, reason: 热度持续上升}
"""


@pytest.fixture
def scenario(org):
    return parse_scenario(TEXT, "major.yaml", org, name="major.yaml")


def nothing_written(store):
    return store.run(lambda repo: repo.case_by_number("YQ-2026-0001")) is None


def test_the_desk_head_opens_a_drill_at_its_scale_warns_its_units_and_records_the_scenario(store, rules, clock,
                                                                                           scenario):
    started = start_drill(store, rules, HEAD, clock.now(), scenario)
    case = started.case
    assert (case.drill, case.drill_scale, case.grade) == (True, DEFAULT_SCALE, Grade.MAJOR)
    assert case.title == "演练：某超市销售过期食品致多人不适" and case.link == "https://news.example.com/drill/major"
    assert [o.assignment.unit_id for o in started.assigned] == ["u-food"]
    timeline = store.run(lambda repo: repo.timeline(case.id))
    assert [e.action for e in timeline] == ["case.open", "drill.scenario", "case.assign"]
    assert timeline[0].payload["drill"] is True and timeline[0].actor == "p-sun"
    noted = timeline[1]
    assert (noted.actor, noted.role, noted.platform) == ("p-sun", "desk_head", "dingtalk")
    assert noted.payload == {"people": ["p-zhao", "p-wu"], "steps": [{"after": 600, "raise": 4, "reason": "热度持续上升"}],
                             "scale": 60.0, "source": "major.yaml", "units": ["u-food"], "started_by": "p-sun",
                             "row": ANY}
    assert drill_people(timeline) == ("p-zhao", "p-wu")                       # as the other drill modules read it
    assert drill_steps(timeline)[0].after == timedelta(minutes=10)
    intake = store.run(lambda repo: repo.intake(case.id))
    assert (intake.title_from, intake.summary) == ("drill", "3名消费者就医")
    ack = next(d for d in store.repo.duties(case.id) if d.kind == DutyKind.ACKNOWLEDGE)
    assert ack.policy["scale"] == 60 and ack.due_at - clock.now() < timedelta(minutes=5)  # scaled clocks


def test_the_command_line_opens_as_the_desk_head_and_is_named_on_the_scenario_entry(store, rules, clock, scenario):
    started = start_drill(store, rules, CLI, clock.now(), scenario, scale=30, grade="特别重大", units=["u-drug"])
    case = started.case
    assert (case.grade, case.drill_scale, case.opened_by) == (Grade.ESPECIALLY_MAJOR, 30, "p-sun")
    timeline = store.run(lambda repo: repo.timeline(case.id))
    assert [(e.action, e.actor, e.role, e.platform) for e in timeline] == [
        ("case.open", "p-sun", "desk", "cli"), ("drill.scenario", "cli:ops", "cli", "cli"),
        ("case.assign", "p-sun", "desk", "cli")]
    assert timeline[1].payload["started_by"] == "cli:ops" and timeline[1].payload["units"] == ["u-drug"]
    assert timeline[2].payload["unit"] == "u-drug"


def test_a_title_already_marked_is_kept_and_no_units_is_allowed(store, rules, clock, org):
    plain = parse_scenario("title: 演练：无单位的演练\ngrade: 一般\n", "", org)
    started = start_drill(store, rules, HEAD, clock.now(), plain, scale=1)
    assert started.case.title == "演练：无单位的演练" and started.assigned == [] and started.case.drill
    assert drill_title("某事") == "演练：某事" and drill_title(" 演练：某事 ") == "演练：某事"


@pytest.mark.parametrize("actor", [Actor("p-li", "wecom"),     # on the desk, but not its head
                                   Actor("p-zhao", "wecom"),   # the main leader
                                   Actor("p-qi", "dingtalk")])  # a county bureau's head
def test_only_the_city_desk_head_may_start_a_drill(store, rules, clock, scenario, actor):
    with pytest.raises(NotPermitted) as refused:
        start_drill(store, rules, actor, clock.now(), scenario)
    assert "科长可以开始演练" in refused.value.message
    assert nothing_written(store)


@pytest.mark.parametrize("kw, key", [({"scale": 0.5}, "drill.scale"), ({"scale": 0}, "drill.scale"),
                                     ({"scale": "fast"}, "drill.scale"), ({"grade": "紧急"}, "drill.grade"),
                                     ({"units": ["u-nowhere"]}, "drill.unknown_unit"),
                                     ({"units": ["u-desk"]}, "drill.desk_unit")])
def test_bad_input_is_refused_before_anything_is_written(store, rules, clock, scenario, kw, key):
    with pytest.raises(InvalidInput) as refused:
        start_drill(store, rules, HEAD, clock.now(), scenario, **kw)
    assert refused.value.key == key
    assert nothing_written(store)


def test_grades_units_and_shipped_scenarios_are_read_loosely(org):
    assert [grade_of(g) for g in ("重大", "major", 3, "特别重大舆情", Grade.GENERAL)] == [
        Grade.MAJOR, Grade.MAJOR, Grade.MAJOR, Grade.ESPECIALLY_MAJOR, Grade.GENERAL]
    assert check_units(org, ["u-food", " u-food", "u-drug"]) == ("u-food", "u-drug")
    assert {"general", "major", "especially_major"} <= set(shipped_names())
    assert shipped_scenario().name == "major.yaml" and shipped_scenario("General").name == "general.yaml"
    for bad in ("../org", "nothing", "major/../general"):
        with pytest.raises(InvalidInput):
            shipped_scenario(bad)


def test_the_recipients_name_the_desk_the_units_with_their_liaisons_and_the_named_leaders(org):
    who = recipients(org, ["u-food"], ["p-zhao", "p-wu", "p-zheng"], Grade.MAJOR)
    assert who.lines() == ["舆情工作台：综合应急和新闻宣传科（立案卡片）", "承办单位：食品生产安全监督管理科（预警，联络员冯干事）",
                           "领导：赵局长、吴副局长（信息通报）"]     # 郑副局长 leads no unit of this drill
    quiet = recipients(org, [], ["p-qian"], Grade.GENERAL).lines()
    assert quiet[1:] == ["承办单位：无（演练中可再分派）", "领导：一般舆情不发信息通报（升级后通报钱副局长）"]
