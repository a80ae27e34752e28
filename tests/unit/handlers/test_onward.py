"""同意报送 and 报送 (issue 20, Art. 19(1)): the publicity leader consents on an approved script (button or typed), the
card settles in place and the desk is told; the desk records the report; before consent it is refused."""

from __future__ import annotations

import pytest

from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.response import decide_script, submit_script
from bot.domain.unit import commands as unit_commands
from tests.unit.handlers.unit_side import World, texts

FOOD, QIAN, WU = Actor("p-feng", "wecom"), Actor("p-qian", "wecom"), Actor("p-wu", "dingtalk")
FOOD_NAME = "食品生产安全监督管理科"


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def approved(world: World):
    case = world.open(Grade.MAJOR).case
    outcome, _ = world.assign(case.id, "u-food")
    unit_commands.acknowledge(world.store, world.rules, case.id, outcome.assignment.id, FOOD, world.now)
    for n in (1, 2):
        submit_script(world.store, world.rules, case.id, "u-food", FOOD, world.now, f"口径第{n}稿")
    decide_script(world.store, world.rules, case.id, "u-food", 2, QIAN, world.now, approve=True)
    decide_script(world.store, world.rules, case.id, "u-food", 2, WU, world.now, approve=True)
    return case


def test_the_publicity_leader_consents_by_the_button_and_the_desk_reports(world):
    case = approved(world)
    params = {"case": case.number, "u": "u-food", "v": "2"}
    replies = world.act("p-qian", action="script.onward_consent", params=params, card_id="card-1")
    mine, *told = replies
    assert mine.update and mine.card.kind == "onward_consent" and mine.card.buttons == ()
    assert mine.card.data["status"] == "已由钱副局长于今天 10:00同意报送，由舆情工作台报送"
    assert {r.to.id for r in told} == {"p-li", "p-chen", "p-sun"}
    assert texts(told)[0] == (f"钱副局长已同意报送 {case.number} {FOOD_NAME}口径 v2，"
                              f"请发送“报送 {case.number} 宣传部|网信办|市委市政府”登记")
    [again] = texts(world.act("p-qian", action="script.onward_consent", params=params, card_id="card-1"))
    assert again == f"{case.number} {FOOD_NAME}的口径 v2已由钱副局长同意报送，无需重复操作。"
    [said] = texts(world.act("p-li", f"报送 {case.number} 宣传部"))
    assert said == f"已登记 {case.number} 报送市委宣传部（{FOOD_NAME}口径 v2，今天 10:00，李干事登记）"
    entries = world.store.run(lambda repo: repo.timeline(case.id))
    assert [e.payload["to"] for e in entries if e.action == "script.onward_report"] == ["宣传部"]


def test_consent_typed_and_an_old_or_unapproved_version_refused(world):
    case = approved(world)
    [refused] = texts(world.act("p-qian", f"同意报送 {case.number} v1"))
    assert refused == f"{case.number} {FOOD_NAME}的口径 v1尚未审定通过，不能同意报送。"
    [said, *_] = texts(world.act("p-qian", f"同意报送 {case.number} v2"))
    assert said == f"已同意报送 {case.number} {FOOD_NAME}口径 v2，由舆情工作台报送。"


def test_only_the_publicity_leader_consents(world):
    case = approved(world)
    [refused] = texts(world.act("p-wu", action="script.onward_consent",
                                params={"case": case.number, "u": "u-food", "v": "2"}))
    assert refused == "您在此案件中没有“同意报送口径”的权限。"
    entries = world.store.run(lambda repo: repo.timeline(case.id))
    assert not any(e.action == "script.onward_consent" for e in entries)


def test_the_report_before_consent_is_refused_and_an_unknown_target_too(world):
    case = approved(world)
    [refused] = texts(world.act("p-li", f"报送 {case.number} 网信办"))
    assert refused == f"{case.number} 没有经分管宣传的局领导同意报送的口径，须先经其同意报送。"
    [unknown] = texts(world.act("p-li", f"报送 {case.number} 省政府"))
    assert unknown == "报送对象请选择：宣传部、网信办、市委市政府。"
