"""A county case's leaders (issue 22): its bulletins go to the county's own main and publicity leaders (org file
``leaders:``, each defaulting to the county's head) and the leaders in charge of its units, not to the city's main
and publicity leaders; the county's main leader's bulletin carries 签收 and only he may sign. A city case is
unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace

import pytest

from bot.core.clock import SHANGHAI, FixedClock
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.core.org import Organisation, Person
from bot.domain.case import commands as cases
from bot.domain.errors import NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Actor
from bot.domain.unit import commands as units
from handlers import leaders as module
from handlers.leaders import acknowledge_as_main_leader, bulletins, leaders
from tests.unit.domain.memory_store import MemoryStore
from tests.unit.domain.sample_org import make_org

COUNTY = "u-county-a"
XIE, DESK = Actor("p-xie", "dingtalk"), Actor("p-li", "wecom")


def named(org: Organisation) -> Organisation:
    """甲县局 names 陆副局长 (p-lu, added) its publicity leader; its main leader stays its head 戚局长 (p-qi)."""
    people = {**org.people, "p-lu": Person("p-lu", "陆副局长", dingtalk="0803")}
    return Organisation(org.bureau_name, org.bureau_short, people,
                        {**org.units, COUNTY: replace(org.units[COUNTY], leaders={"publicity": "p-lu"})})


def view_of(store, case_id):
    return SimpleNamespace(case=store.repo.get_case(case_id), assignments=store.repo.assignments(case_id),
                           duties=store.repo.duties(case_id))


def opened(store, rules, clock, actor, unit):
    case = cases.open_case(store, rules, actor, clock.now(), title="某超市销售过期食品",
                           grade=Grade.ESPECIALLY_MAJOR).case
    units.assign_unit(store, rules, case.id, actor, clock.now(), unit)
    return view_of(store, case.id)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def county_rules() -> Rules:
    return Rules(named(make_org()), default_policy(), WorkCalendar())


def test_a_county_cases_leaders_are_the_countys_and_its_units_leaders_in_charge(store, county_rules, clock):
    view = opened(store, county_rules, clock, XIE, COUNTY)
    assert view.case.county == COUNTY
    ctx = SimpleNamespace(org=county_rules.org, now=clock.now())
    # 戚局长 (main, its head), 陆副局长 (publicity, named), 吴副局长 (the city deputy in charge of the county unit)
    assert leaders(ctx, view) == ["p-qi", "p-lu", "p-wu"]
    sent = {r.to.id: r.card for r in bulletins(ctx, view)}
    assert set(sent) == {"p-qi", "p-lu", "p-wu"}
    signing = {pid for pid, card in sent.items() if any(b.action == "leader.ack" for b in card.buttons)}
    assert signing == {"p-qi"}


def test_a_city_case_keeps_the_citys_leaders(store, county_rules, clock):
    view = opened(store, county_rules, clock, DESK, "u-food")
    ctx = SimpleNamespace(org=county_rules.org, now=clock.now())
    assert leaders(ctx, view) == ["p-zhao", "p-qian", "p-wu"]
    signing = {r.to.id for r in bulletins(ctx, view) if any(b.action == "leader.ack" for b in r.card.buttons)}
    assert signing == {"p-zhao"}


def test_the_city_main_leader_may_not_sign_a_county_cases_bulletin(store, county_rules, clock, monkeypatch):
    view = opened(store, county_rules, clock, XIE, COUNTY)
    duty = next(d for d in view.duties if d.kind == DutyKind.MAIN_LEADER_ACKNOWLEDGE)
    ctx = SimpleNamespace(org=county_rules.org, now=clock.now(), person=county_rules.org.person("p-zhao"),
                          store=store)
    event = SimpleNamespace(params={"case": view.case.number, "d": str(duty.id)}, kind="click")
    monkeypatch.setattr(module, "case_view", lambda _ctx, _number: view)
    with pytest.raises(NotPermitted, match="只有甲县市场监督管理局的主要领导可以签收"):
        acknowledge_as_main_leader(event, ctx)
