"""涉密 (issue 21): who may see a confidential case, who may export it, and marking and lifting it."""

from dataclasses import replace
from unittest.mock import ANY

import pytest

from bot.core.org import Organisation
from bot.domain.case import commands as cases
from bot.domain.case import secrecy as marks
from bot.domain.case.timeline import first_broken
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.records import Actor
from bot.domain.secrecy import REFUSED_VIEW, Sight, may_export, named_people, running_desk, sight

CITY = {"county": None, "units": ["u-food"]}
COUNTY = {"county": "u-county-a", "units": ["u-food"]}

# The visibility table of a confidential case assigned to u-food, person by person.
#            person        role                                   city case      county case (甲县)
TABLE = [("p-sun",    "city desk head",                        Sight.FULL,    Sight.NONE),
         ("p-li",     "city desk liaison",                     Sight.FULL,    Sight.NONE),
         ("p-qi",     "county bureau head",                    Sight.NONE,    Sight.FULL),
         ("p-xie",    "county bureau liaison",                 Sight.NONE,    Sight.FULL),
         ("p-zhou",   "assigned unit's head",                  Sight.FULL,    Sight.FULL),
         ("p-feng",   "assigned unit's liaison",               Sight.FULL,    Sight.FULL),
         ("p-wu",     "assigned unit's leader in charge",      Sight.FULL,    Sight.FULL),
         ("p-zhao",   "main leader",                           Sight.FULL,    Sight.NONE),   # a county case's leaders
         ("p-qian",   "publicity leader",                      Sight.FULL,    Sight.NONE),   # are the county's (22)
         ("p-chu",    "head of a unit not assigned",           Sight.NONE,    Sight.NONE),
         ("p-wei",    "liaison of a unit not assigned",        Sight.NONE,    Sight.NONE),
         ("p-zheng",  "leader in charge of a unit not assigned", Sight.NONE,  Sight.NONE),
         ("p-ops",    "admin",                                 Sight.SUMMARY, Sight.SUMMARY),
         ("p-nobody", "a stranger in the org",                 Sight.NONE,    Sight.NONE),
         ("p-ghost",  "not in the org",                        Sight.NONE,    Sight.NONE)]


@pytest.mark.parametrize("person,who,city,county", TABLE, ids=[f"{p}-{w}" for p, w, _, _ in TABLE])
def test_the_visibility_table_of_a_confidential_case(org, person, who, city, county):
    assert sight(org, person, confidential=True, **CITY) == city
    assert sight(org, person, confidential=True, **COUNTY) == county


@pytest.mark.parametrize("person", [p for p, *_ in TABLE])
def test_a_case_that_is_not_confidential_is_seen_in_full_by_everyone_the_org_knows(org, person):
    expected = Sight.NONE if person == "p-ghost" else Sight.FULL
    assert sight(org, person, confidential=False, **CITY) == expected


def test_named_people_in_order_each_once(org):
    assert named_people(org, **CITY) == ["p-sun", "p-li", "p-zhou", "p-feng", "p-zhao", "p-qian", "p-wu"]
    assert named_people(org, county="u-county-a", units=[]) == ["p-qi", "p-xie"]  # 戚局长: head and both leaders
    both = named_people(org, county=None, units=["u-food", "u-drug", "u-food"])
    assert both == ["p-sun", "p-li", "p-zhou", "p-feng", "p-chu", "p-wei", "p-zhao", "p-qian", "p-wu", "p-zheng"]


def test_inactive_people_and_units_are_never_named(org):
    people = {**org.people, "p-feng": replace(org.people["p-feng"], active=False)}
    units = {**org.units, "u-drug": replace(org.units["u-drug"], active=False)}
    changed = Organisation(org.bureau_name, org.bureau_short, people, units)
    assert named_people(changed, county=None, units=["u-food", "u-drug"]) == [
        "p-sun", "p-li", "p-zhou", "p-zhao", "p-qian", "p-wu"]
    assert sight(changed, "p-feng", confidential=True, **CITY) == Sight.NONE
    assert sight(changed, "p-feng", confidential=False, **CITY) == Sight.NONE


def test_without_a_main_leader_nobody_is_named_in_his_place(org):
    people = {**org.people, "p-zhao": replace(org.people["p-zhao"], roles=())}
    changed = Organisation(org.bureau_name, org.bureau_short, people, org.units)
    assert "p-zhao" not in named_people(changed, **CITY)


def test_running_desk_is_the_county_bureau_else_the_city_desk(org):
    assert running_desk(org, None).id == "u-desk"
    assert running_desk(org, "u-county-a").id == "u-county-a"
    assert running_desk(org, "u-unknown") is None


@pytest.mark.parametrize("person,city,county", [
    ("p-sun", True, False), ("p-qi", False, True), ("p-zhao", True, False), ("p-li", False, False),
    ("p-xie", False, False), ("p-qian", False, False), ("p-wu", False, False), ("p-zhou", False, False),
    ("p-ops", False, False), ("p-ghost", False, False)])
def test_a_confidential_case_is_exported_by_its_desk_head_and_the_main_leader_only(org, person, city, county):
    """The main leader of the case: the city's, or on a county case the county's (its head unless it names one)."""
    assert may_export(org, person, confidential=True, **CITY) is city
    assert may_export(org, person, confidential=True, **COUNTY) is county


@pytest.mark.parametrize("person,ok", [
    ("p-sun", True), ("p-li", True), ("p-zhao", True), ("p-qian", True), ("p-wu", True), ("p-zheng", False),
    ("p-zhou", False), ("p-feng", False), ("p-ops", False), ("p-qi", False), ("p-nobody", False)])
def test_other_cases_are_exported_by_desks_and_leaders(org, person, ok):
    assert may_export(org, person, confidential=False, **CITY) is ok


def test_the_refusal_names_the_case():
    assert REFUSED_VIEW.format(number="YQ-2026-0003") == "YQ-2026-0003 为涉密案件，您不在知悉范围内，无法查看。"


# --- the commands ------------------------------------------------------------------------------------------------

DESK, HEAD, FOOD = Actor("p-li", "wecom"), Actor("p-sun", "dingtalk"), Actor("p-feng", "wecom")


def opened(store, rules, clock, actor=DESK):
    return cases.open_case(store, rules, actor, clock.now(), title="某涉密事项").case


def test_the_desk_marks_a_case_and_the_timeline_says_why(store, rules, clock):
    case = opened(store, rules, clock)
    done = marks.mark_confidential(store, rules, case.id, DESK, clock.now(), "  涉及未公开案件  ")
    assert done.case.confidential and store.repo.get_case(case.id).confidential
    entry = store.repo.timeline(case.id)[-1]
    assert (entry.action, entry.actor, entry.role, entry.platform, entry.payload) == (
        "case.confidential", "p-li", "desk", "wecom", {"reason": "涉及未公开案件", "row": ANY})


@pytest.mark.parametrize("actor", [FOOD, Actor("p-zhao"), Actor("p-qian"), Actor("p-ops"), Actor("p-nobody"),
                                   Actor("p-xie")])
def test_marking_is_refused_to_anyone_but_a_desk(store, rules, clock, actor):
    case = opened(store, rules, clock)
    with pytest.raises(NotPermitted, match="标记涉密"):
        marks.mark_confidential(store, rules, case.id, actor, clock.now(), "理由")
    assert not store.repo.get_case(case.id).confidential and len(store.repo.timeline(case.id)) == 1


def test_marking_needs_a_reason_and_happens_once(store, rules, clock):
    case = opened(store, rules, clock)
    with pytest.raises(InvalidInput, match="标记涉密须说明理由"):
        marks.mark_confidential(store, rules, case.id, DESK, clock.now(), " ")
    marks.mark_confidential(store, rules, case.id, DESK, clock.now(), "理由")
    with pytest.raises(InvalidInput, match="YQ-2026-0001 已是涉密案件") as refused:
        marks.mark_confidential(store, rules, case.id, HEAD, clock.now(), "理由")
    assert refused.value.key == "confidential.already"
    assert len(store.repo.timeline(case.id)) == 2


def test_only_the_desk_head_lifts_it(store, rules, clock):
    case = opened(store, rules, clock)
    marks.mark_confidential(store, rules, case.id, DESK, clock.now(), "理由")
    for actor in (DESK, FOOD, Actor("p-zhao"), Actor("p-ops"), Actor("p-qi")):
        with pytest.raises(NotPermitted, match="解除涉密"):
            marks.clear_confidential(store, rules, case.id, actor, clock.now(), "已公开")
    done = marks.clear_confidential(store, rules, case.id, HEAD, clock.now(), "已公开")
    assert not done.case.confidential and not store.repo.get_case(case.id).confidential
    entry = store.repo.timeline(case.id)[-1]
    assert (entry.action, entry.actor, entry.role, entry.payload) == (
        "case.unconfidential", "p-sun", "desk_head", {"reason": "已公开", "row": ANY})
    with pytest.raises(InvalidInput, match="不是涉密案件") as refused:
        marks.clear_confidential(store, rules, case.id, HEAD, clock.now(), "再解除")
    assert refused.value.key == "confidential.not"


def test_lifting_needs_a_reason(store, rules, clock):
    case = opened(store, rules, clock)
    marks.mark_confidential(store, rules, case.id, DESK, clock.now(), "理由")
    with pytest.raises(InvalidInput, match="解除涉密须说明理由"):
        marks.clear_confidential(store, rules, case.id, HEAD, clock.now(), "")


def test_a_county_case_is_marked_by_the_county_desk_and_lifted_by_the_bureau_head(store, rules, clock):
    case = opened(store, rules, clock, Actor("p-xie"))
    done = marks.mark_confidential(store, rules, case.id, Actor("p-xie"), clock.now(), "县里的事")
    assert done.entry.role == "county_desk"
    with pytest.raises(NotPermitted):
        marks.clear_confidential(store, rules, case.id, HEAD, clock.now(), "市局科长不是本案的科长")
    done = marks.clear_confidential(store, rules, case.id, Actor("p-qi"), clock.now(), "已公开")
    assert done.entry.role == "desk_head"


def test_a_case_may_be_confidential_from_its_first_message(store, rules, clock):
    case = cases.open_case(store, rules, DESK, clock.now(), title="x", confidential=True).case
    assert store.repo.get_case(case.id).confidential
    with pytest.raises(InvalidInput):
        marks.mark_confidential(store, rules, case.id, DESK, clock.now(), "理由")


def test_refusals_exposures_and_reveals_are_on_the_timeline_and_the_chain_holds(store, rules, clock):
    case = opened(store, rules, clock)
    marks.mark_confidential(store, rules, case.id, DESK, clock.now(), "理由")
    marks.record_refused(store, rules, case.id, Actor("p-chu", "dingtalk"), clock.now(), "view")
    marks.record_refused(store, rules, case.id, Actor("p-ops", "wecom"), clock.now(), "export")
    sent = {"outbox": 7, "platform": "wecom", "group": "u-food", "kind": "warning", "sent_at": "2026-11-24T02:00:00+00:00"}
    marks.record_exposed(store, rules, case.id, Actor("system"), clock.now(), [{**sent, "text": "不应记下"}])
    marks.record_reveal(store, rules, case.id, "operator", clock.now())
    entries = store.repo.timeline(case.id)
    got = [(e.action, e.actor, e.role, e.platform) for e in entries[2:]]
    assert got == [("case.view_refused", "p-chu", "none", "dingtalk"),
                   ("case.export_refused", "p-ops", "admin", "wecom"),
                   ("case.confidential_exposed", "system", "system", "system"),
                   ("case.revealed", "cli:operator", "cli", "cli")]
    assert entries[4].payload == {"messages": [sent], "row": ANY}
    assert first_broken(entries) is None
    with pytest.raises(ValueError):
        marks.record_refused(store, rules, case.id, DESK, clock.now(), "print")


def test_a_long_os_user_name_is_cut_to_the_timeline_column(store, rules, clock):
    case = opened(store, rules, clock)
    done = marks.record_reveal(store, rules, case.id, "x" * 100, clock.now())
    assert done.entry.actor == "cli:" + "x" * 60
