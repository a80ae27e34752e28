"""County rules (issue 22, item 6; Art. 27): the policy file's ``counties: {<unit id>: {…}}`` lies over the
city's values for that county's cases. A county case starts its clocks under its county's merged policy
(``context.case_rules``), a city case under the city's; a county block is validated like the top level (the
statutory caps, each error with its line), may not set ``scale`` or ``counties``, and must name a county unit
of the org where the org is known (``load_rules``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.clock import SHANGHAI
from bot.domain.case import commands as cases
from bot.domain.clock.policy_file import PolicyFileError, default_policy, parse_policy_text
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules, case_rules, load_rules
from bot.domain.errors import InvalidInput
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K
from bot.domain.records import Actor
from bot.domain.unit import commands as units

CITY_DESK, COUNTY_DESK = Actor("p-li", "wecom"), Actor("p-xie", "dingtalk")

COUNTY_POLICY = """\
duties:
  acknowledge: {general: 4wh, sensitive: 1h, major: 20min, especially_major: 15min}
counties:
  u-county-a:
    duties:
      public_response: {major: 24h, especially_major: 12h}    # shorter than the city's 48 h / 24 h
      transfer_feedback: {default: 1wd}
      acknowledge: {general: 4wh, sensitive: 1h, major: 10min, especially_major: 5min}
    reminders: [0.5, 1.0]
"""


def sh(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def county_rules(org) -> Rules:
    return Rules(org, parse_policy_text(COUNTY_POLICY, "policy.yaml", counties={"u-county-a"}), WorkCalendar())


def due(store, case_id, kind):
    duty = next(d for d in store.repo.duties(case_id) if d.kind == kind and d.open)
    return duty.due_at.astimezone(SHANGHAI), duty.policy


def test_a_county_override_shortens_a_county_cases_clock_and_not_a_city_cases(store, county_rules, clock):
    city = cases.open_case(store, county_rules, CITY_DESK, clock.now(), title="市里的事").case
    county = cases.open_case(store, county_rules, COUNTY_DESK, clock.now(), title="县里的事").case
    assert (city.county, county.county) == (None, "u-county-a")
    for case, actor in ((city, CITY_DESK), (county, COUNTY_DESK)):
        cases.set_grade(store, county_rules, case.id, actor, clock.now(), Grade.MAJOR, "升级")
    city_due, city_frozen = due(store, city.id, K.PUBLIC_RESPONSE)
    county_due, county_frozen = due(store, county.id, K.PUBLIC_RESPONSE)
    assert city_due == sh(2026, 11, 26, 10) and city_frozen["duration"] == "48h"        # the city's (the default)
    assert county_due == sh(2026, 11, 25, 10) and county_frozen["duration"] == "24h"    # the county's block
    assert county_frozen["reminders"] == [0.5, 1.0] and city_frozen["reminders"] == [0.5, 0.8, 1.0]
    # the county warns itself (a county desk may not assign city units) and signs on the county's 10 min; the
    # city's unit on the city file's 20 min
    with pytest.raises(InvalidInput, match="不能分派市局单位"):
        units.assign_unit(store, county_rules, county.id, COUNTY_DESK, clock.now(), "u-food")
    units.assign_unit(store, county_rules, county.id, COUNTY_DESK, clock.now(), "u-county-a")
    units.assign_unit(store, county_rules, city.id, CITY_DESK, clock.now(), "u-food")
    assert due(store, county.id, K.ACKNOWLEDGE)[0] == sh(2026, 11, 24, 10, 10)
    assert due(store, city.id, K.ACKNOWLEDGE)[0] == sh(2026, 11, 24, 10, 20)
    # the city's own values the county block leaves alone still hold for the county's case
    assert due(store, county.id, K.ASSESSMENT_MEETING)[1]["duration"] == "24h"


def test_a_case_handed_down_to_the_county_gets_the_countys_feedback_clock(store, county_rules, clock):
    case = cases.open_case(store, county_rules, CITY_DESK, clock.now(), title="转县局").case
    out = cases.transfer_down(store, county_rules, case.id, CITY_DESK, clock.now(), "u-county-a")
    assert out.started[0].policy["duration"] == "1wd"              # the county's, not the city's 3wd
    assert out.started[0].due_at.astimezone(SHANGHAI) == sh(2026, 11, 25, 10)
    city = cases.open_case(store, county_rules, CITY_DESK, clock.now(), title="市局转办", transfer_ref="网信办转办").case
    assert due(store, city.id, K.TRANSFER_FEEDBACK)[1]["duration"] == "3wd"


def test_a_county_drill_runs_the_countys_clocks_at_the_drills_scale(store, county_rules, clock):
    drill = cases.open_case(store, county_rules, COUNTY_DESK, clock.now(), title="县局演练", drill=True,
                            drill_scale=60).case
    cases.set_grade(store, county_rules, drill.id, COUNTY_DESK, clock.now(), Grade.MAJOR, "演练升级")
    at, frozen = due(store, drill.id, K.PUBLIC_RESPONSE)
    assert (frozen["duration"], frozen["scale"]) == ("24h", 60.0) and at == clock.now() + timedelta(minutes=24)


def test_case_rules_chooses_the_county_policy_and_a_county_without_a_block_runs_by_the_citys(county_rules, store,
                                                                                              clock):
    county = cases.open_case(store, county_rules, COUNTY_DESK, clock.now(), title="县里的事").case
    city = cases.open_case(store, county_rules, CITY_DESK, clock.now(), title="市里的事").case
    assert case_rules(county_rules, city) is county_rules
    own = case_rules(county_rules, county).policy
    assert own.county == "u-county-a" and own.duration(K.PUBLIC_RESPONSE, Grade.MAJOR).hours == 24
    plain = Rules(county_rules.org, default_policy(), WorkCalendar())
    assert case_rules(plain, county).policy.duration(K.PUBLIC_RESPONSE, Grade.MAJOR).hours == 48


def test_a_county_case_opened_major_starts_the_countys_clocks(store, county_rules, clock):
    county = cases.open_case(store, county_rules, COUNTY_DESK, clock.now(), title="县里的大事", grade=Grade.MAJOR).case
    assert due(store, county.id, K.PUBLIC_RESPONSE)[1]["duration"] == "24h"


def refused(text: str, **kw) -> list[tuple[int, str]]:
    with pytest.raises(PolicyFileError) as exc:
        parse_policy_text(text, "policy.yaml", **kw)
    return exc.value.errors


def test_a_value_over_a_statutory_cap_in_a_county_block_is_refused_with_its_line():
    errors = refused("counties:\n"
                     "  u-county-a:\n"
                     "    duties:\n"
                     "      public_response: {major: 72h, especially_major: 24h}\n"
                     "      authoritative_release: {especially_major: 1wd}\n")
    assert errors == [
        (4, "counties.u-county-a: duty public_response for major: the statutory clock is 48 h; set it in h or min, "
            "at most 48h"),
        (5, "counties.u-county-a: duty authoritative_release for especially_major: the statutory clock is 4 h; "
            "set it in h or min, at most 4h")]
    # left out is refused too, at the county's duty line (a duty named replaces all its grades, as at the top)
    assert refused("counties:\n  u-county-a:\n    duties:\n      public_response: {major: 24h}\n") == [
        (3, "counties.u-county-a: duty public_response: the statutory clock for especially_major cannot be left out")]


def test_a_county_block_is_validated_like_the_top_level_and_may_not_set_scale_or_counties():
    errors = refused("reminders: [0.9, 0.5]\n"
                     "counties:\n"
                     "  u-county-a:\n"
                     "    scale: 60\n"
                     "    counties: {}\n"
                     "    working_hours: [\"09:00-08:00\"]\n"
                     "    holidays: []\n"
                     "  u-county-b: [1h]\n")
    assert errors == [
        (1, "reminders must be in increasing order"),  # the city's error once, not again for each county
        (4, "counties.u-county-a: a county block may not set scale (the city's scale holds)"),
        (5, "counties.u-county-a: a county block may not set counties (the city's counties holds)"),
        (6, "counties.u-county-a: working_hours: '09:00-08:00' is not an HH:MM-HH:MM period after the previous one"),
        (7, "counties.u-county-a: unknown key 'holidays' (allowed: digests, duties, escalation, escalation_by_duty, "
            "reminders, wait_for_working_hours, working_hours)"),
        (8, "counties.u-county-b: give a mapping of the values that differ from the city's")]
    assert refused("counties: [u-county-a]\n") == [
        (1, "counties must be a mapping of county unit id → the values that differ for its cases")]


def test_an_unknown_county_is_refused_where_the_org_is_known(org, tmp_path):
    text = "counties:\n  u-county-a: {reminders: [1.0]}\n  u-county-z: {reminders: [1.0]}\n  u-food: {}\n"
    accepted = parse_policy_text(text)                      # no org: only the blocks themselves are checked
    assert sorted(accepted.counties) == ["u-county-a", "u-county-z", "u-food"]
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyFileError) as exc:
        load_rules(org, str(path), None)                    # the org is known: its county units only
    assert exc.value.errors == [
        (3, "counties: 'u-county-z' is not a county unit of the org (its counties: u-county-a)"),
        (4, "counties: 'u-food' is not a county unit of the org (its counties: u-county-a)")]
    assert str(path) + ":3:" in str(exc.value)
    good = tmp_path / "good.yaml"
    good.write_text("counties:\n  u-county-a: {reminders: [1.0]}\n", encoding="utf-8")
    assert load_rules(org, str(good), None).policy.for_county("u-county-a").reminders == (1.0,)


def test_the_merged_policy_as_data_and_text():
    policy = parse_policy_text(COUNTY_POLICY, "policy.yaml")
    merged = policy.for_county("u-county-a")
    data = merged.to_dict()
    assert data["county"] == "u-county-a" and "counties" not in data
    assert data["duties"]["public_response"] == {"major": "24h", "especially_major": "12h"}
    assert data["duties"]["acknowledge"]["major"] == "10min" and data["duties"]["initial_report"]["major"] == "2h"
    assert policy.to_dict()["counties"] == ["u-county-a"] and "county" not in policy.to_dict()
    assert "县局 (county): u-county-a" in merged.as_text()
    assert "公开回应 (public_response): 重大舆情 24h, 特别重大舆情 12h" in merged.as_text()
    assert "县局规则 (counties): u-county-a" in policy.as_text()
    assert "counties" not in default_policy().to_dict()
    assert policy.with_scale(60).for_county("u-county-a").scale == 60
