"""The policy file: shipped defaults = requirements.md's table, validation with lines, scale, freezing."""

import pytest

from bot.core.errors import ConfigError
from bot.domain.clock.policy_file import PolicyFileError, default_policy, load_policy, parse_policy_text
from bot.domain.grade import Grade as G
from bot.domain.kinds import DutyKind as K

DEFAULTS = [  # requirements.md, "Defaults (the policy file)"
    (K.ACKNOWLEDGE, {G.GENERAL: "4wh", G.SENSITIVE: "1h", G.MAJOR: "30min", G.ESPECIALLY_MAJOR: "15min"}),
    (K.MAIN_LEADER_ACKNOWLEDGE, {G.ESPECIALLY_MAJOR: "15min"}),
    (K.INITIAL_REPORT, {G.GENERAL: "2wd", G.SENSITIVE: "24h", G.MAJOR: "2h", G.ESPECIALLY_MAJOR: "1h"}),
    (K.FOLLOW_UP, {G.SENSITIVE: "2wd", G.MAJOR: "24h", G.ESPECIALLY_MAJOR: "4h"}),
    (K.HANDLING_OPINION, {G.SENSITIVE: "24h"}),
    (K.ASSESSMENT_MEETING, {G.MAJOR: "24h"}),
    (K.LEADING_GROUP_MEETING, {G.ESPECIALLY_MAJOR: "2h"}),
    (K.AUTHORITATIVE_RELEASE, {G.ESPECIALLY_MAJOR: "4h"}),
    (K.PUBLIC_RESPONSE, {G.MAJOR: "48h", G.ESPECIALLY_MAJOR: "24h"}),
    (K.FEEDBACK, {G.GENERAL: "3wd", G.SENSITIVE: "2wd"}),
    (K.EVALUATION, {G.MAJOR: "5wd", G.ESPECIALLY_MAJOR: "5wd"}),
    (K.REPORT_UP_CITY, {G.ESPECIALLY_MAJOR: "2h"}),       # issue 19
    (K.REPORT_UP_PROVINCE, {G.ESPECIALLY_MAJOR: "2h"}),
    (K.SUPERVISION_ANSWER, {G.GENERAL: "2wd", G.SENSITIVE: "1wd", G.MAJOR: "4h", G.ESPECIALLY_MAJOR: "1h"}),
]


@pytest.mark.parametrize("kind,per_grade", DEFAULTS, ids=[k.value for k, _ in DEFAULTS])
def test_defaults_follow_the_table(kind, per_grade):
    policy = default_policy()
    for grade in G:
        duration = policy.duration(kind, grade)
        assert (str(duration) if duration else None) == per_grade.get(grade), (kind, grade)


def test_default_reminders_escalation_hours_and_digests():
    p = default_policy().to_dict()
    assert p["reminders"] == [0.5, 0.8, 1.0]
    assert p["working_hours"] == ["08:30-12:00", "14:00-17:30"]
    assert [s["after"] for s in p["escalation"]] == [0, 0.25, 0.75]
    assert [s["notify"] for s in p["escalation"]] == [["unit_head"], ["leader_in_charge"], ["desk"]]
    assert p["escalation"][2]["especially_major"] == ["main_leader"]
    assert p["wait_for_working_hours"] == ["general", "sensitive"]
    assert p["digests"] == {"daily": "08:30", "weekly": "monday 08:30"}
    assert p["duties"]["transfer_feedback"] == {"default": "3wd"}


def test_every_error_is_reported_with_its_line():
    text = "\n".join([
        "scale: 0",                                   # 1
        "working_hours: ['12:00-08:30']",             # 2
        "reminders: [0.8, 0.5]",                      # 3
        "duties:",                                    # 4
        "  acknowledge: {general: 4 hours}",          # 5
        "  public_response: {major: 72h}",            # 6
        "  authoritative_release: {especially_major: 1wd}",  # 7
        "  tea_break: {general: 1h}",                 # 8
        "colour: blue",                               # 9
    ])
    with pytest.raises(PolicyFileError) as err:
        parse_policy_text(text, "policy.yaml")
    lines = [line for line, _ in err.value.errors]
    assert lines == [1, 2, 3, 5, 6, 7, 8, 9]
    assert "policy.yaml:6: duty public_response for major: the statutory clock is 48 h" in str(err.value)


def test_bad_yaml_and_a_duplicate_key_name_their_line():
    with pytest.raises(PolicyFileError) as err:
        parse_policy_text("scale: 1\nscale: 2\n")
    assert err.value.errors[0][0] == 2
    with pytest.raises(PolicyFileError):
        parse_policy_text("duties: [")


def test_a_file_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("duties:\n  acknowledge: {general: 2wh, sensitive: 30min, major: 20min, especially_major: 10min}\n",
                    encoding="utf-8")
    policy = load_policy(path)
    assert str(policy.duration(K.ACKNOWLEDGE, G.GENERAL)) == "2wh"
    assert str(policy.duration(K.INITIAL_REPORT, G.MAJOR)) == "2h"
    assert policy.source == str(path)
    with pytest.raises(ConfigError):
        load_policy(tmp_path / "missing.yaml")


def test_scale_divides_every_duration_and_drills_do_not_wait():
    policy = parse_policy_text("scale: 3600\n")
    frozen = policy.freeze(K.AUTHORITATIVE_RELEASE, G.ESPECIALLY_MAJOR)
    assert (frozen["amount"] * 3600, frozen["unit"]) == (pytest.approx(4), "h")
    general = policy.freeze(K.FEEDBACK, G.GENERAL)       # 3 wd become 3 × 24 h / 3600
    assert general["unit"] == "h" and general["amount"] == pytest.approx(72 / 3600)
    assert general["wait"] is False
    assert default_policy().freeze(K.FEEDBACK, G.GENERAL)["wait"] is True


def test_frozen_policy_is_plain_data_and_carries_the_ladder():
    frozen = default_policy().freeze(K.ACKNOWLEDGE, G.ESPECIALLY_MAJOR)
    assert frozen["duration"] == "15min"
    assert [s["notify"] for s in frozen["escalation"]] == [["unit_head"], ["leader_in_charge"], ["desk", "main_leader"]]
    assert default_policy().freeze(K.HANDLING_OPINION, G.MAJOR) is None


def test_statutory_clocks_cannot_be_dropped():
    with pytest.raises(PolicyFileError, match="statutory clock for especially_major cannot be left out"):
        parse_policy_text("duties:\n  public_response: {major: 24h}\n")
    with pytest.raises(PolicyFileError, match="needs a default"):
        parse_policy_text("duties:\n  transfer_feedback: {general: 1wd}\n")


def test_load_rules_reads_both_files(tmp_path, org):
    from bot.domain import load_rules

    policy, holidays = tmp_path / "policy.yaml", tmp_path / "holidays.yaml"
    policy.write_text("scale: 60\n", encoding="utf-8")
    holidays.write_text("years: [2027]\n", encoding="utf-8")
    rules = load_rules(org, str(policy), str(holidays))
    assert rules.policy.scale == 60 and 2027 in rules.calendar.file_years
    assert load_rules(org, "", "").policy.scale == 1


def test_digests_can_be_turned_off_one_at_a_time_and_say_so():
    both = parse_policy_text("digests: {daily: off, weekly: 'off'}\n", "policy.yaml")
    assert (both.daily_digest, both.weekly_digest) == (None, None)
    assert both.to_dict()["digests"] == {"daily": "off", "weekly": "off"}
    assert "日报/周报 (digests): off / off" in both.as_text()
    daily_only = parse_policy_text("digests: {weekly: off}\n", "policy.yaml")  # the other one stays the default
    assert daily_only.to_dict()["digests"] == {"daily": "08:30", "weekly": "off"}
    with pytest.raises(PolicyFileError) as err:
        parse_policy_text("digests: {daily: never}\n", "policy.yaml")
    assert "policy.yaml:1: digests.daily must be HH:MM or off, not 'never'" in str(err.value)
