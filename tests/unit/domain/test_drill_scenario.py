"""Drill scenario files (issue 23): the shipped ones load against the sample org; a wrong file is refused with
every error on its line; durations, grades and titles read as the schema says."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.domain.drill.scenario import Scenario, ScenarioError, Step, load_scenario
from bot.domain.grade import Grade
from bot.org.file import parse_org_file

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "examples" / "drills"


@pytest.fixture(scope="module")
def sample_org():
    return parse_org_file(ROOT / "examples" / "org.yaml")


@pytest.mark.parametrize("name", ["general", "major", "especially_major"])
def test_every_shipped_scenario_loads_against_the_sample_org(sample_org, name):
    scenario = load_scenario(SHIPPED / f"{name}.yaml", sample_org)
    assert scenario.title.startswith("演练：") and scenario.source == f"{name}.yaml"
    assert scenario.units and all(u in sample_org.units for u in scenario.units)
    assert scenario.people and all(p in sample_org.people for p in scenario.people)
    assert scenario.link.startswith("https://") and scenario.facts


def test_the_shipped_scenarios_are_a_complaint_a_food_story_and_a_raise_to_especially_major(sample_org):
    assert {p.stem for p in SHIPPED.glob("*.yaml")} == {"general", "major", "especially_major"}
    assert load_scenario(SHIPPED / "general.yaml", sample_org).grade == Grade.GENERAL
    major = load_scenario(str(SHIPPED / "major.yaml"), sample_org)  # a str naming the file works too
    assert major.grade == Grade.MAJOR and major.units == ("u-foodsale",) and major.steps == ()
    food = sample_org.units["u-foodsale"]
    main = sample_org.main_leader().id
    publicity = sample_org.publicity_leaders()[0].id
    assert major.people == (main, publicity, food.leader_in_charge) == ("p-zhao", "p-qian", "p-wu")
    especially = load_scenario(SHIPPED / "especially_major.yaml", sample_org)
    assert especially.steps == (Step(timedelta(hours=1), Grade.ESPECIALLY_MAJOR, "事故视频全网传播，多家中央媒体跟进报道"),)
    assert especially.grade < Grade.ESPECIALLY_MAJOR  # it is raised by its script


def test_a_scenario_from_text_with_defaults_and_the_drill_mark_added():
    scenario = load_scenario("title: 某景区停车场乱收费\n")
    assert scenario == Scenario(title="演练：某景区停车场乱收费")
    assert scenario.grade == Grade.GENERAL and scenario.units == () and scenario.people == () and scenario.steps == ()
    assert load_scenario("title: 演练：已有标记\n").title == "演练：已有标记"


def test_grades_and_durations_in_every_spelling():
    text = """\
title: 演练：测试
grade: sensitive
steps:
  - {after: 10min, raise: 重大, reason: 转载增多}
  - {after: 1.5h, raise: especially_major, reason: 央媒报道}
"""
    scenario = load_scenario(text)
    assert scenario.grade == Grade.SENSITIVE
    assert scenario.steps == (Step(timedelta(minutes=10), Grade.MAJOR, "转载增多"),
                              Step(timedelta(minutes=90), Grade.ESPECIALLY_MAJOR, "央媒报道"))


BAD = """\
title: 演练：错误示例
grade: 超大
units: [u-desk, u-nowhere, u-foodsale]
people: [p-zhao, p-li, p-ghost]
link: ftp://example.com/x
colour: red
steps:
  - {after: 1wd, raise: 重大, reason: 工作日}
  - after: 5min
    raise: 一般
    reason: 降级
    extra: 1
  - {after: 30min, raise: 特别重大}
  - 3
"""


def test_a_wrong_file_is_refused_with_every_error_on_its_line(tmp_path, sample_org):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, sample_org)
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, ConfigError)
    lines = {line for line, _ in error.errors}
    text = str(error)
    assert f"{path}:2: grade: unknown grade '超大'" in text
    assert f"{path}:3: units: 'u-desk' is the desk" in text
    assert f"{path}:3: units: 'u-nowhere' is not an active unit of the org" in text
    assert f"{path}:4: people: 'p-li' (李干事) is not a leader" in text
    assert f"{path}:4: people: 'p-ghost' is not an active person of the org" in text
    assert f"{path}:5: link must be an http(s) address" in text
    assert f"{path}:6: unknown key 'colour'" in text
    assert f"{path}:8: step 1: after '1wd' must be drill time in min or h" in text
    assert f"{path}:12: step 2: unknown key 'extra'" in text
    assert f"{path}:13: step 3: reason is required" in text
    assert f"{path}:7: step 4 must be a mapping" in text  # a scalar item: the line of steps
    assert f"{path}:10: step 2: raise must be above 一般舆情" in text
    assert lines == {2, 3, 4, 5, 6, 7, 8, 10, 12, 13}
    assert "u-foodsale" not in text and "p-zhao" not in text  # what is right is not reported


def test_steps_must_come_in_order_and_raise_the_grade():
    text = """\
title: 演练：顺序
grade: 重大
steps:
  - {after: 1h, raise: 特别重大, reason: 上升}
  - {after: 30min, raise: 特别重大, reason: 再次上升}
"""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(text)
    assert str(caught.value) == ("line 5: step 2: raise must be above 特别重大舆情 (the grade before this step)\n"
                                 "line 5: step 2: steps must be in increasing order of after")
    with pytest.raises(ScenarioError, match="line 4: step 1: raise must be above 重大舆情"):
        load_scenario("title: 演练\ngrade: 重大\nsteps:\n  - {after: 1h, raise: 敏感, reason: 下降}\n")


def test_without_the_org_ids_are_not_checked_but_their_shape_is():
    assert load_scenario("title: t\nunits: [u-anything]\npeople: [p-anyone]\n").units == ("u-anything",)
    with pytest.raises(ScenarioError, match="line 2: units must be a list of ids"):
        load_scenario("title: t\nunits: u-food\n")
    with pytest.raises(ScenarioError, match="line 2: people: an id is named twice"):
        load_scenario("title: t\npeople: [p-zhao, p-zhao]\n")


def test_a_title_is_required_and_the_file_must_be_a_mapping_of_valid_yaml(tmp_path):
    with pytest.raises(ScenarioError, match="line 1: title must be a non-empty text .it is required."):
        load_scenario("grade: 重大\n")
    with pytest.raises(ScenarioError, match="line 1: a scenario must be a mapping"):
        load_scenario("- title: x\n- y\n")
    with pytest.raises(ScenarioError, match="line 2: not valid YAML"):
        load_scenario("title: x\ntitle: y\n")
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ScenarioError, match="cannot read the drill scenario"):
        load_scenario(missing)
