"""A county's case seen from the city (issue 22): report up, 关注 / 取消关注, 接管, 转县局, and the county desk
assigning only itself."""

from __future__ import annotations

import pytest

from bot.domain.case import commands as cases
from bot.domain.case import county
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K
from bot.domain.permissions import Role, case_roles
from bot.domain.records import Actor
from bot.domain.unit import commands as units

CITY_DESK, COUNTY_DESK = Actor("p-li", "wecom"), Actor("p-xie", "dingtalk")


def follows(store, case_id):
    return store.run(lambda repo: repo.follows(case_id))


def last(store, case_id):
    return store.run(lambda repo: repo.timeline(case_id))[-1]


@pytest.fixture
def county_case(store, rules, clock):
    return cases.open_case(store, rules, COUNTY_DESK, clock.now(), title="甲县某餐馆食物中毒传闻").case


def test_a_county_case_reaching_major_is_reported_up_once_per_raise_and_never_on_lowering(store, rules, clock,
                                                                                          county_case):
    assert last(store, county_case.id).payload["report_up"] is False and follows(store, county_case.id) == []
    cases.set_grade(store, rules, county_case.id, COUNTY_DESK, clock.now(), Grade.MAJOR, "多家媒体转载",
                    tell_unit="u-food")
    entry = last(store, county_case.id)
    assert (entry.payload["report_up"], entry.payload["tell_unit"]) == (True, "u-food")
    [followed] = follows(store, county_case.id)
    assert (followed.unit_id, followed.how, followed.active) == ("u-desk", "report_up", True)
    cases.set_grade(store, rules, county_case.id, COUNTY_DESK, clock.now(), Grade.ESPECIALLY_MAJOR, "再升级")
    assert last(store, county_case.id).payload["report_up"] is True and len(follows(store, county_case.id)) == 1
    cases.set_grade(store, rules, county_case.id, COUNTY_DESK, clock.now(), Grade.SENSITIVE, "已降温")
    assert last(store, county_case.id).payload["report_up"] is False


def test_a_city_case_is_never_reported_up(store, rules, clock):
    city = cases.open_case(store, rules, CITY_DESK, clock.now(), title="市里的事").case
    cases.set_grade(store, rules, city.id, CITY_DESK, clock.now(), Grade.MAJOR, "升级")
    assert last(store, city.id).payload["report_up"] is False and follows(store, city.id) == []


def test_a_county_opening_at_major_is_reported_up(store, rules, clock):
    case = cases.open_case(store, rules, COUNTY_DESK, clock.now(), title="县里的大事", grade=Grade.MAJOR).case
    assert last(store, case.id).payload["report_up"] is True and follows(store, case.id)[0].how == "report_up"


def test_only_a_city_unit_is_told_of_a_report_up(store, rules, clock, county_case):
    for bad in ("u-county-b", "u-desk", "u-nowhere"):
        with pytest.raises(InvalidInput, match="只能告知市局"):
            cases.set_grade(store, rules, county_case.id, COUNTY_DESK, clock.now(), Grade.MAJOR, "升级",
                            tell_unit=bad)
    assert last(store, county_case.id).action == "case.open"


def test_the_city_desk_follows_and_stops_following(store, rules, clock, county_case):
    county.follow(store, rules, county_case.id, CITY_DESK, clock.now())
    assert last(store, county_case.id).action == "case.follow" and follows(store, county_case.id)[0].how == "follow"
    with pytest.raises(InvalidInput, match="已在关注"):
        county.follow(store, rules, county_case.id, CITY_DESK, clock.now())
    county.unfollow(store, rules, county_case.id, CITY_DESK, clock.now())
    assert not follows(store, county_case.id)[0].active and last(store, county_case.id).action == "case.unfollow"
    with pytest.raises(InvalidInput, match="未关注"):
        county.unfollow(store, rules, county_case.id, CITY_DESK, clock.now())


def test_no_one_but_the_city_desk_follows_and_no_city_case_is_followed(store, rules, clock, county_case):
    for who in (COUNTY_DESK, Actor("p-feng"), Actor("p-zhao")):
        with pytest.raises(NotPermitted):
            county.follow(store, rules, county_case.id, who, clock.now())
    city = cases.open_case(store, rules, CITY_DESK, clock.now(), title="市里的事").case
    with pytest.raises(InvalidInput, match="不是县局办理的案件"):
        county.follow(store, rules, city.id, CITY_DESK, clock.now())


def test_before_take_over_the_city_desk_cannot_run_the_county_case(store, rules, clock, county_case):
    with pytest.raises(NotPermitted):
        cases.set_grade(store, rules, county_case.id, CITY_DESK, clock.now(), Grade.MAJOR, "市局定级")
    with pytest.raises(NotPermitted):
        units.assign_unit(store, rules, county_case.id, CITY_DESK, clock.now(), "u-food")


def test_take_over_makes_the_case_the_citys(store, rules, clock, org, county_case):
    units.assign_unit(store, rules, county_case.id, COUNTY_DESK, clock.now(), "u-county-a")
    county.follow(store, rules, county_case.id, CITY_DESK, clock.now())
    with pytest.raises(InvalidInput, match="理由"):
        county.take_over(store, rules, county_case.id, CITY_DESK, clock.now(), " ")
    county.take_over(store, rules, county_case.id, CITY_DESK, clock.now(), "舆情升温，市局统一回应")
    case = store.run(lambda repo: repo.get_case(county_case.id))
    assert (case.county, case.taken_from, case.owner_unit) == (None, "u-county-a", "u-desk")
    entry = last(store, case.id)
    assert (entry.action, entry.role, entry.payload["county"]) == ("case.take_over", "city_desk", "u-county-a")
    assert not any(f.active for f in follows(store, case.id))
    # the city desk runs it now; the county's people keep their unit roles, not the desk's
    assert Role.DESK in case_roles(org, "p-li", None, ["u-county-a"])
    assert case_roles(org, "p-xie", None, ["u-county-a"]) == {Role.LIAISON}
    cases.set_grade(store, rules, case.id, CITY_DESK, clock.now(), Grade.MAJOR, "市局定级")
    assert last(store, case.id).payload["report_up"] is False  # the city's own case
    with pytest.raises(InvalidInput, match="不是县局办理的案件（已由市局接管）"):
        county.take_over(store, rules, case.id, CITY_DESK, clock.now(), "again")


def test_a_county_desk_assigns_only_its_own_bureau(store, rules, clock, county_case):
    with pytest.raises(InvalidInput, match="不能分派市局单位"):
        units.assign_unit(store, rules, county_case.id, COUNTY_DESK, clock.now(), "u-food")
    units.assign_unit(store, rules, county_case.id, COUNTY_DESK, clock.now(), "u-county-a")


def test_a_case_handed_down_is_the_countys_with_its_feedback_clock_and_the_city_follows(store, rules, clock):
    city = cases.open_case(store, rules, CITY_DESK, clock.now(), title="市里交办的事").case
    cases.transfer_down(store, rules, city.id, CITY_DESK, clock.now(), "u-county-a")
    case = store.run(lambda repo: repo.get_case(city.id))
    assert (case.county, case.owner_unit) == ("u-county-a", "u-county-a")
    [feedback] = [d for d in store.run(lambda repo: repo.duties(city.id)) if d.kind == K.TRANSFER_FEEDBACK]
    assert feedback.owner_unit == "u-county-a"
    [followed] = follows(store, city.id)
    assert (followed.how, followed.unit_id) == ("transfer_down", "u-desk")
    # the county ends its feedback clock (转办反馈); the city desk no longer can
    cases.end_duty_by_hand(store, rules, city.id, feedback.id, COUNTY_DESK, clock.now(), done=True)
    assert store.run(lambda repo: repo.duties(city.id))[-1].state == "done"


def test_the_citys_own_feedback_upward_stays_the_city_desks_after_handing_the_case_down(store, rules, clock):
    city = cases.open_case(store, rules, CITY_DESK, clock.now(), title="省局转办：某超市销售过期食品",
                           transfer_ref="2026第118号").case
    upward = next(d for d in store.run(lambda repo: repo.duties(city.id)) if d.kind == K.TRANSFER_FEEDBACK)
    cases.transfer_down(store, rules, city.id, CITY_DESK, clock.now(), "u-county-a")
    with pytest.raises(NotPermitted, match="综合应急和新闻宣传科"):
        cases.end_duty_by_hand(store, rules, city.id, upward.id, COUNTY_DESK, clock.now(), done=True)
    cases.end_duty_by_hand(store, rules, city.id, upward.id, CITY_DESK, clock.now(), done=True)
    assert next(d for d in store.run(lambda repo: repo.duties(city.id)) if d.id == upward.id).state == "done"
