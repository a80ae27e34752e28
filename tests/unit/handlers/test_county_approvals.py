"""A county case's script by button (issue 22, handlers/approvals.py): the county's own leaders decide it, the
city's leaders are refused (the city's main leader is not asked in whose place he decides), and the approved
script's 同意报送 goes to the county's publicity leader. The submission is set up through the domain."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.case.commands import open_case
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.response.scripts import submit_script
from bot.domain.response.state import response_state
from bot.domain.unit import commands as unit_commands
from tests.unit.handlers.response_world import ResponseWorld
from tests.unit.handlers.unit_side import texts

COUNTY = "u-county-a"
XIE = Actor("p-xie", "dingtalk")


@pytest.fixture
def world(sqlite_database):
    """The sample org, 甲县局 naming 邹局长 (p-zou) its publicity leader; its main leader its head 戚局长 (p-qi)."""
    w = ResponseWorld(sqlite_database)
    county = replace(w.org.units[COUNTY], leaders={"main": "p-qi", "publicity": "p-zou"})
    w.org = replace(w.org, units={**w.org.units, COUNTY: county})
    w.rules = replace(w.rules, org=w.org)
    return w


def county_script(world):
    case = open_case(world.store, world.rules, XIE, world.now, title="县城某超市销售过期食品", grade=Grade.MAJOR).case
    assert case.county == COUNTY
    unit_commands.assign_unit(world.store, world.rules, case.id, XIE, world.now, COUNTY)
    out = submit_script(world.store, world.rules, case.id, COUNTY, XIE, world.now, "经核查，涉事超市已下架过期食品。")
    assert sorted(d.owner_person for d in out.started) == ["p-qi", "p-zou"]
    return case


def params(case):
    return {"case": case.number, "u": COUNTY, "v": "1"}


def script(world, case):
    return world.store.run(lambda repo: response_state(repo.timeline(case.id))).script(COUNTY, 1)


@pytest.mark.parametrize("person", ["p-qian", "p-wu", "p-zhao"])
def test_the_citys_leaders_are_refused_on_a_county_case(world, person):
    case = county_script(world)
    out = world.act(person, action="script.approve", params=params(case))
    assert "只有该县局的领导可以审定该口径" in texts(out)[0]     # the city's main leader: no 代为审定 choice
    assert script(world, case).decisions == []


def test_the_countys_leaders_approve_and_its_publicity_leader_is_asked_for_onward_consent(world):
    case = county_script(world)
    first = world.act("p-zou", action="script.approve", params=params(case), card_id="c1")
    assert not script(world, case).approved
    second = world.act("p-qi", action="script.approve", params=params(case), card_id="c2")
    v = script(world, case)
    assert v.approved and {d.person for d in v.decisions} == {"p-zou", "p-qi"}
    consent = [r.to.id for r in [*first, *second] if r.card.kind == "onward_consent"]
    assert consent == ["p-zou"]
