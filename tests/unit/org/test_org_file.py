"""The org file: the sample is valid; a broken file is refused whole, every error with its line."""

from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.org.file import OrgFileError, env_references, parse_org_file, parse_org_text, resolve

SAMPLE = Path(__file__).resolve().parents[3] / "examples" / "org.yaml"

GOOD = """\
bureau: {name: 示例市市场监督管理局, short: 示例市局}
people:
  - {id: p-a, name: 甲, wecom: a}
  - {id: p-b, name: 乙, dingtalk: "01"}
  - {id: p-l, name: 丙局长, wecom: l, roles: [main_leader, publicity_leader]}
units:
  - {id: u-desk, name: 办公室, kind: section, desk: true, head: p-a, leader_in_charge: p-l, liaisons: [p-b]}
"""


def test_sample_is_a_realistic_bureau():
    org = parse_org_file(SAMPLE)
    kinds = [u.kind for u in org.units.values()]
    assert kinds.count("section") >= 10 and kinds.count("affiliate") == 2 and kinds.count("county") == 3
    assert org.desk_unit().name == "综合应急和新闻宣传科"
    people = org.people.values()
    assert any(p.wecom and not p.dingtalk for p in people)
    assert any(p.dingtalk and not p.wecom for p in people)
    assert any(p.wecom and p.dingtalk for p in people)
    roles = {r for p in people for r in p.roles}
    assert {"main_leader", "publicity_leader", "admin"} <= roles


def test_minimal_file_parses():
    org = parse_org_text(GOOD)
    assert org.units["u-desk"].liaisons == ("p-b",)
    assert org.by_platform_id("dingtalk", "01").name == "乙"


def test_the_desk_is_named_as_the_file_names_it():
    org = parse_org_text(GOOD)
    assert org.desk_name() == "办公室"
    closed = replace(org, units={"u-desk": replace(org.units["u-desk"], active=False)})
    assert closed.desk_unit() is None and closed.desk_name() == "舆情工作台"


def errors_of(text):
    with pytest.raises(OrgFileError) as err:
        parse_org_text(text)
    return err.value.errors


def test_every_error_is_reported_with_its_line():
    text = """\
bureau: {name: 局, short: 局}
people:
  - {id: p-a, name: 甲, wecom: a, roles: [emperor]}
  - {id: p-a, name: 甲二, wecom: a2}
  - {id: p-c, name: 丙}
units:
  - id: u-x
    name: 某科
    kind: section
    head: p-zz
    liaisons: []
  - {id: u-y, name: 某科, kind: bureau, head: p-a, liaisons: [p-a]}
"""
    errors = errors_of(text)
    messages = {line: msg for line, msg in errors}
    assert "unknown role 'emperor'" in messages[3]
    assert "duplicate person id 'p-a'" in messages[4]
    assert "neither a wecom nor a dingtalk id" in messages[5]
    assert "unknown person 'p-zz'" in messages[10]
    assert any(line == 7 and "no liaison" in msg for line, msg in errors)
    assert any(line == 12 and "duplicate unit name" in msg for line, msg in errors)
    assert any(line == 12 and "kind must be one of" in msg for line, msg in errors)
    assert any("no desk unit" in msg for _, msg in errors)


def test_unit_without_head_and_unknown_field():
    text = GOOD + "  - {id: u-b, name: 乙科, kind: section, liaisons: [p-a], colour: red}\n"
    messages = [msg for _, msg in errors_of(text)]
    assert any("has no head" in m for m in messages)
    assert any("unknown field 'colour'" in m for m in messages)


def test_invalid_yaml_and_duplicate_keys_name_the_line():
    assert errors_of("bureau: [unclosed\n")[0][1].startswith("not valid YAML")
    line, msg = errors_of("bureau: {name: a}\nbureau: {name: b}\n")[0]
    assert line == 2 and "duplicate key 'bureau'" in msg


def test_prefer_must_name_a_platform_the_person_has():
    text = GOOD.replace("{id: p-a, name: 甲, wecom: a}", "{id: p-a, name: 甲, wecom: a, prefer: dingtalk}")
    assert "prefers dingtalk but has no dingtalk id" in errors_of(text)[0][1]


def test_env_references_are_kept_and_resolved_on_use():
    text = GOOD.replace("liaisons: [p-b]}", 'liaisons: [p-b], groups: {wecom: {webhook_key: "${HOOK_X}"}}}')
    org = parse_org_text(text)
    assert org.units["u-desk"].groups.wecom_webhook_key == "${HOOK_X}"
    assert env_references(org) == ["HOOK_X"]
    assert resolve("${HOOK_X}", {"HOOK_X": "k-1"}) == "k-1"
    assert resolve("${HOOK_X}", {}) is None
    assert resolve("literal", {}) == "literal"


# Who approves is always defined (design.md, "Organisation file"): one main leader, a publicity leader, and a
# leader in charge of every section and affiliate.

NO_MAIN = "no main leader: exactly one person has roles: [main_leader]"
NO_PUBLICITY = "no publicity leader: at least one person has roles: [publicity_leader]"
NO_LEADER = "has no leader_in_charge (every section and affiliate names one)"
COUNTY = "  - {id: u-county, name: 甲县局, kind: county, head: p-a, liaisons: [p-b]}\n"


def test_a_file_without_a_main_leader_is_refused():
    text = GOOD.replace("roles: [main_leader, publicity_leader]", "roles: [publicity_leader]")
    assert errors_of(text) == [(2, NO_MAIN)]


def test_a_second_main_leader_is_refused_on_its_line():
    text = GOOD.replace("units:\n", "  - {id: p-d, name: 丁局长, wecom: d, roles: [admin, main_leader]}\nunits:\n")
    assert errors_of(text) == [(6, "person p-d is a second main leader (p-l on line 5 is one already): "
                                   "exactly one person has roles: [main_leader]")]


def test_a_file_without_a_publicity_leader_is_refused():
    text = GOOD.replace("roles: [main_leader, publicity_leader]", "roles: [main_leader]")
    assert errors_of(text) == [(2, NO_PUBLICITY)]


def test_a_section_or_affiliate_without_a_leader_in_charge_is_refused_on_its_line():
    text = GOOD.replace(" leader_in_charge: p-l,", "")
    text += "  - {id: u-lab, name: 检验所, kind: affiliate, head: p-a, liaisons: [p-b], leader_in_charge: ''}\n"
    assert errors_of(text) == [(7, f"unit u-desk {NO_LEADER}"), (8, f"unit u-lab {NO_LEADER}")]


def test_a_county_needs_no_leader_in_charge():
    org = parse_org_text(GOOD + COUNTY)
    assert org.units["u-county"].leader_in_charge is None
    assert org.leader_in_charge_of("u-county") is None


def test_a_leader_in_charge_must_be_a_person_of_the_file():
    text = GOOD + """\
  - id: u-food
    name: 食品科
    kind: section
    head: p-a
    liaisons: [p-b]
    leader_in_charge: p-nobody
"""
    assert errors_of(text) == [(13, "unit u-food: leader_in_charge names unknown person 'p-nobody'")]


def test_every_missing_approver_is_reported_at_once():
    text = GOOD.replace("roles: [main_leader, publicity_leader]", "roles: [admin]")
    text = text.replace(" leader_in_charge: p-l,", "")
    assert errors_of(text) == [(2, NO_MAIN), (2, NO_PUBLICITY), (7, f"unit u-desk {NO_LEADER}")]


def test_the_approvers_are_read_from_the_organisation():
    sample = parse_org_file(SAMPLE)
    assert sample.main_leader().name == "赵局长"
    assert [p.name for p in sample.publicity_leaders()] == ["钱副局长"]
    assert sample.leader_in_charge_of("u-food").name == "吴副局长"
    org = parse_org_text(GOOD + COUNTY)
    assert org.main_leader().id == "p-l" and org.leader_in_charge_of("u-desk").id == "p-l"
    assert org.leader_in_charge_of("u-nowhere") is None
    gone = replace(org, people={**org.people, "p-l": replace(org.people["p-l"], active=False)})
    with pytest.raises(ConfigError, match="0 main leaders"):
        gone.main_leader()
    assert gone.publicity_leaders() == [] and gone.leader_in_charge_of("u-desk") is None
