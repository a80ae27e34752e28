"""A county's own leaders in the org file (issue 22): ``leaders: {main, publicity}`` on a county unit only, each
naming a known person, each defaulting to the county's head; stored and read back; shown by ``org show``."""

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bot.core.org import CountyLeaders
from bot.org.file import OrgFileError, parse_org_text
from bot.org.show import org_as_dict, org_as_text
from bot.store.org_repo import apply_organisation, read_organisation

HEAD = """\
bureau: {name: 示例市市场监督管理局, short: 示例市局}
people:
  - {id: p-zhao, name: 赵局长, wecom: zhao, roles: [main_leader, publicity_leader]}
  - {id: p-sun, name: 孙科长, wecom: sun}
  - {id: p-qi, name: 戚局长, dingtalk: "0801"}
  - {id: p-xie, name: 谢干事, dingtalk: "0802"}
  - {id: p-lu, name: 陆副局长, dingtalk: "0803"}
units:
  - {id: u-desk, name: 办公室, kind: section, desk: true, head: p-sun, leader_in_charge: p-zhao, liaisons: [p-sun]}
"""

COUNTIES = HEAD + """\
  - id: u-county-a
    name: 甲县市场监督管理局
    kind: county
    head: p-qi
    liaisons: [p-xie]
    leaders: {main: p-qi, publicity: p-lu}
  - id: u-county-b
    name: 乙县市场监督管理局
    kind: county
    head: p-xie
    liaisons: [p-xie]
  - id: u-county-c
    name: 丙区市场监督管理局
    kind: county
    head: p-qi
    liaisons: [p-xie]
    leaders:
      publicity: p-lu
"""


def errors_of(text):
    with pytest.raises(OrgFileError) as err:
        parse_org_text(text)
    return err.value.errors


def test_a_county_names_its_leaders_and_each_defaults_to_its_head():
    org = parse_org_text(COUNTIES)
    assert org.units["u-county-a"].leaders == {"main": "p-qi", "publicity": "p-lu"}
    assert org.units["u-county-b"].leaders == {} and org.units["u-desk"].leaders == {}
    assert org.county_leaders("u-county-a") == CountyLeaders(main="p-qi", publicity="p-lu")
    assert org.county_leaders("u-county-b") == CountyLeaders(main="p-xie", publicity="p-xie")
    assert org.county_leaders("u-county-c") == CountyLeaders(main="p-qi", publicity="p-lu")
    assert org.county_leaders("u-county-b").ids() == ("p-xie",)
    # not a county, or unknown: nobody
    assert org.county_leaders("u-desk") == CountyLeaders(None, None) == org.county_leaders("u-nowhere")


def test_an_inactive_leader_falls_back_to_the_head_and_nobody_active_gives_none():
    org = parse_org_text(COUNTIES)
    gone = {**org.people, "p-lu": replace(org.people["p-lu"], active=False)}
    org = replace(org, people=gone)
    assert org.county_leaders("u-county-a") == CountyLeaders(main="p-qi", publicity="p-qi")
    org = replace(org, people={**gone, "p-qi": replace(gone["p-qi"], active=False)})
    assert org.county_leaders("u-county-a") == CountyLeaders(None, None)


def test_leaders_are_refused_off_a_county_and_with_a_bad_key_or_person_each_with_its_line():
    text = HEAD + """\
  - id: u-food
    name: 食品科
    kind: section
    head: p-sun
    liaisons: [p-sun]
    leader_in_charge: p-zhao
    leaders: {main: p-sun}
  - id: u-county-a
    name: 甲县市场监督管理局
    kind: county
    head: p-qi
    liaisons: [p-xie]
    leaders:
      main: p-nobody
      deputy: p-lu
  - id: u-county-b
    name: 乙县市场监督管理局
    kind: county
    head: p-qi
    liaisons: [p-xie]
    leaders: [p-qi]
  - id: u-county-c
    name: 丙区市场监督管理局
    kind: county
    head: p-qi
    liaisons: [p-xie]
    leaders: {publicity: [p-lu]}
"""
    errors = errors_of(text)
    messages = {line: msg for line, msg in errors}
    assert "unit u-food: leaders is for a county bureau (kind: county), not a section" in messages[16]
    assert "unit u-county-a: leaders.main names unknown person 'p-nobody'" in messages[23]
    assert "unit u-county-a leaders: unknown field 'deputy' (allowed: main, publicity)" in messages[24]
    assert "unit u-county-b: leaders must be a mapping" in messages[30]
    assert "unit u-county-c leaders: publicity must be text" in messages[36]
    assert len(errors) == 5


def test_the_county_leaders_are_stored_and_read_back_and_a_second_load_changes_nothing(sqlite_database):
    org = parse_org_text(COUNTIES)
    now = datetime(2026, 11, 24, 2, tzinfo=timezone.utc)
    with sqlite_database.session() as session:
        apply_organisation(session, org, now)
    with sqlite_database.session() as session:
        stored = read_organisation(session)
        assert not apply_organisation(session, org, now).changed
    assert stored.units == org.units
    assert stored.county_leaders("u-county-a") == CountyLeaders(main="p-qi", publicity="p-lu")
    # a county that drops its leaders: the rows go, the head approves again
    bare = replace(org, units={**org.units, "u-county-a": replace(org.units["u-county-a"], leaders={})})
    with sqlite_database.session() as session:
        assert apply_organisation(session, bare, now).updated == ["unit:u-county-a"]
    with sqlite_database.session() as session:
        assert read_organisation(session).county_leaders("u-county-a") == CountyLeaders(main="p-qi", publicity="p-qi")


def test_org_show_lists_each_countys_leaders():
    org = parse_org_text(COUNTIES)
    text = org_as_text(org)
    assert "县局领导：主要领导 戚局长；分管宣传领导 陆副局长" in text
    assert "县局领导：主要领导 谢干事（负责人）；分管宣传领导 谢干事（负责人）" in text
    assert "县局领导：主要领导 戚局长（负责人）；分管宣传领导 陆副局长" in text
    data = {u["id"]: u for u in org_as_dict(org)["units"]}
    assert data["u-county-a"]["leaders"] == {"main": "p-qi", "publicity": "p-lu"} and data["u-desk"]["leaders"] == {}
