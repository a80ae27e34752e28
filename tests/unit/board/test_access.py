"""Who sees what on the board (bot/board/access.py): the chat's permission table (Action.VIEW over every role on
the case) and the secrecy table (sight over the live units) — here on a county's cases and a city case."""

from __future__ import annotations

import pytest

from bot.board.access import NO_VIEW, case_access, export_allowed, person_units, unit_page_allowed
from bot.board.stats import may_see_stats
from bot.domain.secrecy import Sight
from tests.unit.domain.sample_org import make_org

ORG = make_org()
NUMBER = "YQ-2026-0009"


def access(person: str, *, confidential: bool, county: str | None = None, units=(), live=None):
    return case_access(ORG, person, number=NUMBER, confidential=confidential, county=county, units=list(units),
                       live_units=list(units if live is None else live))


@pytest.mark.parametrize("person, seen", [
    ("p-qi", Sight.FULL),  # the county bureau's head: its desk and its own leaders
    ("p-xie", Sight.FULL),  # the county's liaison: county desk
    ("p-li", Sight.FULL),  # the city desk on a county's case (city_desk: view, 督办, follow)
    ("p-zhao", Sight.FULL),  # the city's main leader: his person role holds on every case
    ("p-wei", Sight.NONE),  # a section's liaison with no role on it
])
def test_a_county_case(person, seen):
    assert access(person, confidential=False, county="u-county-a").sight == seen


@pytest.mark.parametrize("person, seen, recorded", [
    ("p-qi", Sight.FULL, False),  # the county's desk head and its own main leader
    ("p-xie", Sight.FULL, False),  # the county desk's liaison is named
    ("p-li", Sight.NONE, True),  # the city desk is not named on a county's confidential case
    ("p-zhao", Sight.NONE, True),  # nor is the city's main leader: the county's own leaders are
    ("p-ops", Sight.SUMMARY, False),  # an admin: number, grade and state
    ("p-nobody", Sight.NONE, True),
])
def test_a_confidential_county_case(person, seen, recorded):
    found = access(person, confidential=True, county="u-county-a")
    assert (found.sight, found.record) == (seen, recorded)
    if seen == Sight.NONE:
        assert found.reason == f"{NUMBER} 为涉密案件，您不在知悉范围内，无法查看。"


def test_a_unit_that_returned_a_confidential_case_no_longer_sees_it():
    assert access("p-feng", confidential=True, units=["u-food"]).full
    assert not access("p-feng", confidential=True, units=["u-food"], live=[]).listed


def test_no_role_on_a_plain_case_is_refused_without_a_record():
    found = access("p-nobody", confidential=False, units=["u-food"])
    assert (found.sight, found.reason, found.record) == (Sight.NONE, NO_VIEW, False)
    assert access("p-zheng", confidential=False, units=["u-food"]).sight == Sight.NONE  # leads another unit
    assert access("p-zheng", confidential=False, units=["u-drug"]).full


def test_export_follows_may_export():
    assert export_allowed(ORG, "p-li", confidential=False, county=None, live_units=["u-food"])
    assert not export_allowed(ORG, "p-feng", confidential=False, county=None, live_units=["u-food"])
    assert not export_allowed(ORG, "p-li", confidential=True, county=None, live_units=["u-food"])
    assert export_allowed(ORG, "p-sun", confidential=True, county=None, live_units=["u-food"])  # the desk head


@pytest.mark.parametrize("person, unit, allowed", [
    ("p-zhou", "u-food", True), ("p-feng", "u-food", True), ("p-wu", "u-food", True),
    ("p-wei", "u-food", False), ("p-zheng", "u-food", False), ("p-nobody", "u-food", False),
    ("p-li", "u-drug", True), ("p-zhao", "u-drug", True), ("p-ops", "u-drug", True),
    ("p-qi", "u-county-a", True), ("p-xie", "u-county-a", True), ("p-xie", "u-food", False),
    ("p-li", "u-none", False),
])
def test_unit_pages(person, unit, allowed):
    assert unit_page_allowed(ORG, person, unit) is allowed


def test_offered_units_start_with_ones_own():
    assert person_units(ORG, "p-feng") == [("u-food", "食品生产安全监督管理科")]
    assert person_units(ORG, "p-li")[0] == ("u-desk", "综合应急和新闻宣传科") and len(person_units(ORG, "p-li")) == 4
    assert person_units(ORG, "p-nobody") == []


def test_statistics_are_for_the_desk_and_the_leaders():
    assert [p for p in ("p-li", "p-sun", "p-zhao", "p-qian", "p-wu", "p-ops") if not may_see_stats(ORG, p)] == []
    assert [p for p in ("p-feng", "p-zhou", "p-xie", "p-nobody") if may_see_stats(ORG, p)] == []
