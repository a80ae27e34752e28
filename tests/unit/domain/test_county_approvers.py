"""County approvers (issue 22): on a county case the county's own leaders (org file ``leaders:``, each defaulting to
the county's head) approve its scripts and plans; the city's leaders do not; a city case is unchanged. A county head
holding both posts settles a script and a plan with one decision.

The sample org (sample_org.py): 甲县局 (u-county-a) is headed by 戚局长 (p-qi), liaison 谢干事 (p-xie); 吴副局长
(p-wu) is the city deputy in charge of it and of 食品科; 钱副局长 (p-qian) the city's publicity leader; 赵局长 (p-zhao)
the city's main leader.
"""

from dataclasses import replace

import pytest

from bot.core.org import Organisation, Person
from bot.domain.case import commands as cases
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K
from bot.domain.permissions import Role
from bot.domain.records import Actor
from bot.domain.response import approvers as who
from bot.domain.secrecy import Sight, may_export, named_people, sight
from bot.domain.response import (consent_onward, decide_plan, decide_script, response_state, submit_plan,
                                 submit_script)
from bot.domain.unit import commands as units
from tests.unit.domain.response_setup import FOOD, QIAN, WU, ZHAO, live_case

COUNTY = "u-county-a"
XIE, QI, LU = Actor("p-xie", "dingtalk"), Actor("p-qi", "dingtalk"), Actor("p-lu", "dingtalk")
PUB, LIC, MAIN = Role.PUBLICITY_LEADER, Role.LEADER_IN_CHARGE, Role.MAIN_LEADER


def with_county_leaders(org: Organisation, **leaders: str) -> Organisation:
    """The org with 陆副局长 (p-lu, a county deputy) added and 甲县局's ``leaders`` set to ``leaders``."""
    people = {**org.people, "p-lu": Person("p-lu", "陆副局长", dingtalk="0803")}
    units_ = {**org.units, COUNTY: replace(org.units[COUNTY], leaders=leaders)}
    return Organisation(org.bureau_name, org.bureau_short, people, units_)


@pytest.fixture
def named(org) -> Rules:
    """甲县局 names 戚局长 its main leader and 陆副局长 its publicity leader."""
    return Rules(with_county_leaders(org, main="p-qi", publicity="p-lu"), default_policy(), WorkCalendar())


def county_case(store, rules, now, grade: Grade = Grade.MAJOR):
    """A case the county desk opened at ``grade``, its own bureau assigned and acknowledged by its liaison."""
    case = cases.open_case(store, rules, XIE, now, title="县城某超市销售过期食品", grade=grade).case
    assert case.county == COUNTY
    a = units.assign_unit(store, rules, case.id, XIE, now, COUNTY).assignment
    units.acknowledge(store, rules, case.id, a.id, XIE, now)
    return case


def owners(store, case_id, kind):
    return sorted((d.owner_person, str(d.state)) for d in store.repo.duties(case_id) if d.kind == kind)


# --- who approves, as data ---------------------------------------------------------------------------------------

def test_a_city_case_keeps_the_citys_approvers(org):
    assert who.script_approvers(org, "u-food") == {PUB: ["p-qian"], LIC: ["p-wu"]}
    assert who.script_approvers(org, "u-food", county=None) == {PUB: ["p-qian"], LIC: ["p-wu"]}
    assert [who.plan_approver(org, "u-food", s) for s in who.PLAN_STEPS] == ["p-wu", "p-zhao"]
    assert who.is_main_leader(org, "p-zhao") and not who.is_main_leader(org, "p-qi")
    assert who.plan_steps(org, "p-zhao", "u-food") == [MAIN] and who.plan_steps(org, "p-qi", "u-food") == []
    assert who.publicity_approvers(org) == ["p-qian"]


def test_a_county_case_is_approved_by_the_countys_head_by_default(org):
    assert who.script_approvers(org, COUNTY, county=COUNTY) == {PUB: ["p-qi"], LIC: ["p-qi"]}
    # whatever the unit: the case is the county's
    assert who.script_approvers(org, "u-food", county=COUNTY) == {PUB: ["p-qi"], LIC: ["p-qi"]}
    assert who.script_roles(org, "p-qi", COUNTY, county=COUNTY) == [PUB, LIC]
    assert who.script_roles(org, "p-qian", COUNTY, county=COUNTY) == []
    assert who.script_roles(org, "p-wu", COUNTY, county=COUNTY) == []   # the city deputy in charge of the county
    assert [who.plan_approver(org, COUNTY, s, county=COUNTY) for s in who.PLAN_STEPS] == ["p-qi", "p-qi"]
    assert who.plan_steps(org, "p-qi", COUNTY, county=COUNTY) == [LIC, MAIN]
    assert who.plan_steps(org, "p-zhao", COUNTY, county=COUNTY) == []
    assert who.is_main_leader(org, "p-qi", county=COUNTY) and not who.is_main_leader(org, "p-zhao", county=COUNTY)
    assert who.publicity_approvers(org, county=COUNTY) == ["p-qi"]


def test_a_county_naming_its_leaders_splits_the_roles(org):
    org = with_county_leaders(org, main="p-qi", publicity="p-lu")
    assert who.script_approvers(org, COUNTY, county=COUNTY) == {PUB: ["p-lu"], LIC: ["p-qi"]}
    assert who.script_roles(org, "p-lu", COUNTY, county=COUNTY) == [PUB]
    assert who.script_roles(org, "p-qi", COUNTY, county=COUNTY) == [LIC]
    assert who.plan_steps(org, "p-lu", COUNTY, county=COUNTY) == []
    assert [who.plan_approver(org, COUNTY, s, county=COUNTY) for s in who.PLAN_STEPS] == ["p-qi", "p-qi"]
    # the city's case of the same unit is the city's
    assert who.script_approvers(org, COUNTY) == {PUB: ["p-qian"], LIC: ["p-wu"]}


def test_a_county_with_nobody_active_cannot_be_asked(org):
    gone = {**org.people, "p-qi": replace(org.people["p-qi"], active=False)}
    org = Organisation(org.bureau_name, org.bureau_short, gone, org.units)
    with pytest.raises(InvalidInput, match="甲县市场监督管理局没有在职的分管宣传的局领导、分管局领导"):
        who.script_approvers(org, COUNTY, county=COUNTY)
    with pytest.raises(InvalidInput, match="甲县市场监督管理局没有在职的主要领导"):
        who.plan_approver(org, COUNTY, MAIN, county=COUNTY)
    assert not who.is_main_leader(org, "p-qi", county=COUNTY)


# --- the domain asks the county's leaders ------------------------------------------------------------------------

def test_a_county_cases_script_goes_to_the_countys_leaders_and_not_the_citys(store, named, clock):
    case = county_case(store, named, clock.now())
    out = submit_script(store, named, case.id, COUNTY, XIE, clock.now(), "县局口径")
    assert out.entry.payload["approvers"] == {"publicity_leader": ["p-lu"], "leader_in_charge": ["p-qi"]}
    assert owners(store, case.id, K.SCRIPT_APPROVAL) == [("p-lu", "open"), ("p-qi", "open")]
    for city in (QIAN, WU, ZHAO):
        with pytest.raises(NotPermitted, match="只有该县局的领导可以审定"):
            decide_script(store, named, case.id, COUNTY, 1, city, clock.now(), approve=True)
    one = decide_script(store, named, case.id, COUNTY, 1, LU, clock.now(), approve=True)
    assert one.entry.payload["roles"] == ["publicity_leader"] and one.entry.payload["approved"] is False
    two = decide_script(store, named, case.id, COUNTY, 1, QI, clock.now(), approve=True)
    assert two.entry.payload["roles"] == ["leader_in_charge"] and two.entry.payload["approved"] is True
    assert owners(store, case.id, K.SCRIPT_APPROVAL) == [("p-lu", "done"), ("p-qi", "done")]
    # the county's publicity leader consents to the onward report (case_roles: publicity_leader on its cases)
    consent = consent_onward(store, named, case.id, COUNTY, 1, LU, clock.now())
    assert (consent.entry.actor, consent.entry.role) == ("p-lu", "publicity_leader")


def test_the_county_main_leader_may_decide_in_the_publicity_leaders_place(store, named, clock):
    case = county_case(store, named, clock.now())
    submit_script(store, named, case.id, COUNTY, XIE, clock.now(), "县局口径")
    mine = decide_script(store, named, case.id, COUNTY, 1, QI, clock.now(), approve=True)
    assert mine.entry.payload["roles"] == ["leader_in_charge"] and mine.entry.payload["on_behalf"] is False
    behalf = decide_script(store, named, case.id, COUNTY, 1, QI, clock.now(), approve=True, on_behalf=PUB)
    assert behalf.entry.payload["on_behalf"] is True and behalf.entry.payload["approved"] is True


def test_a_county_head_holding_both_posts_settles_a_script_with_one_decision(store, rules, clock):
    case = county_case(store, rules, clock.now())
    out = submit_script(store, rules, case.id, COUNTY, XIE, clock.now(), "县局口径")
    assert [d.owner_person for d in out.started] == ["p-qi"]
    done = decide_script(store, rules, case.id, COUNTY, 1, QI, clock.now(), approve=True)
    assert done.entry.payload["roles"] == ["publicity_leader", "leader_in_charge"]
    assert done.entry.payload["approved"] is True
    assert response_state(store.repo.timeline(case.id)).latest_script(COUNTY).status == "approved"


def test_a_county_head_holding_both_plan_steps_approves_the_plan_with_one_decision(store, rules, clock):
    case = county_case(store, rules, clock.now())
    out = submit_plan(store, rules, case.id, COUNTY, XIE, clock.now(), "新闻通稿", "县局发布通稿", "今天 18:00")
    assert [d.owner_person for d in out.started] == ["p-qi"]
    with pytest.raises(NotPermitted, match="只有该县局的主要领导可以审批"):
        decide_plan(store, rules, case.id, COUNTY, 1, ZHAO, clock.now(), approve=True)
    with pytest.raises(NotPermitted):
        decide_plan(store, rules, case.id, COUNTY, 1, WU, clock.now(), approve=True)
    done = decide_plan(store, rules, case.id, COUNTY, 1, QI, clock.now(), approve=True)
    assert done.entry.payload["roles"] == ["leader_in_charge", "main_leader"]
    assert done.entry.payload["approved"] is True and done.entry.payload["next"] is None and done.started == []
    assert owners(store, case.id, K.PLAN_APPROVAL) == [("p-qi", "done")]


def test_a_county_plan_with_a_named_main_leader_goes_to_him_for_both_steps(store, named, clock):
    case = county_case(store, named, clock.now())
    submit_plan(store, named, case.id, COUNTY, XIE, clock.now(), "新闻通稿", "县局发布通稿", "今天 18:00")
    assert owners(store, case.id, K.PLAN_APPROVAL) == [("p-qi", "open")]
    with pytest.raises(NotPermitted):
        decide_plan(store, named, case.id, COUNTY, 1, LU, clock.now(), approve=True)
    done = decide_plan(store, named, case.id, COUNTY, 1, QI, clock.now(), approve=True)
    assert done.entry.payload["approved"] is True


def test_a_city_case_still_goes_to_the_city_leaders(store, named, clock):
    case = live_case(store, named, clock.now())
    assert case.county is None
    submit_script(store, named, case.id, "u-food", FOOD, clock.now(), "口径")
    assert owners(store, case.id, K.SCRIPT_APPROVAL) == [("p-qian", "open"), ("p-wu", "open")]
    with pytest.raises(NotPermitted):
        decide_script(store, named, case.id, "u-food", 1, QI, clock.now(), approve=True)
    submit_plan(store, named, case.id, "u-food", FOOD, clock.now(), "新闻通稿", "发布通稿", "今天 18:00")
    assert owners(store, case.id, K.PLAN_APPROVAL) == [("p-wu", "open")]


# --- 涉密: a confidential county case names the county's leaders ---------------------------------------------------

def test_a_confidential_county_case_names_the_countys_leaders_instead_of_the_citys(org):
    org = with_county_leaders(org, main="p-zheng", publicity="p-lu")   # a county may name anyone the org knows
    assert named_people(org, county=COUNTY, units=[COUNTY]) == ["p-qi", "p-xie", "p-zheng", "p-lu", "p-wu"]
    assert sight(org, "p-lu", confidential=True, county=COUNTY, units=[]) == Sight.FULL
    assert sight(org, "p-zhao", confidential=True, county=COUNTY, units=[]) == Sight.NONE
    assert sight(org, "p-zhao", confidential=True, county=None, units=[]) == Sight.FULL
    assert [p for p in ("p-qi", "p-zheng", "p-lu", "p-zhao")
            if may_export(org, p, confidential=True, county=COUNTY, units=[])] == ["p-qi", "p-zheng"]


def test_the_cases_main_leaders_are_the_citys_or_the_countys(org):
    assert who.main_leaders(org) == ["p-zhao"] and who.main_leaders(org, county=COUNTY) == ["p-qi"]
    named_org = with_county_leaders(org, main="p-lu", publicity="p-qi")
    assert who.main_leaders(named_org, county=COUNTY) == ["p-lu"]
    assert who.publicity_approvers(named_org, county=COUNTY) == ["p-qi"]
