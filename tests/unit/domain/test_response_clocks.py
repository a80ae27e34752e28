"""The approvals' clocks (issue 20): defaults per grade, their own ladders (desk, then the main leader for 特别重大
only), never started by grading, and the policy file's rules for a step that notifies only at 特别重大."""

import pytest

from bot.domain.clock.acts import DUTY_ACTS, command_of
from bot.domain.clock.duties import grade_duties
from bot.domain.clock.policy_file import PolicyFileError, default_policy, parse_policy_text
from bot.domain.grade import Grade as G
from bot.domain.kinds import DUTY_LABELS, DutyKind as K


def test_the_defaults_and_labels():
    p = default_policy()
    assert {g: str(p.duration(K.SCRIPT_APPROVAL, g)) for g in G} == {
        G.GENERAL: "1wd", G.SENSITIVE: "4wh", G.MAJOR: "2h", G.ESPECIALLY_MAJOR: "30min"}
    assert [p.duration(K.PLAN_APPROVAL, g) is not None for g in G] == [False, False, True, True]
    assert (DUTY_LABELS[K.SCRIPT_APPROVAL], DUTY_LABELS[K.PLAN_APPROVAL]) == ("口径审定", "方案审批")
    assert all(k not in grade_duties(p, g) for k in (K.SCRIPT_APPROVAL, K.PLAN_APPROVAL) for g in G)


def test_the_acts_that_end_them_and_the_releases():
    assert (DUTY_ACTS[K.SCRIPT_APPROVAL].action, DUTY_ACTS[K.SCRIPT_APPROVAL].label) == ("script.approve", "同意")
    assert command_of(K.SCRIPT_APPROVAL, "YQ-2026-0001") == "审定 YQ-2026-0001"
    assert command_of(K.PLAN_APPROVAL, "YQ-2026-0001") == "审批 YQ-2026-0001"
    for kind in (K.AUTHORITATIVE_RELEASE, K.PUBLIC_RESPONSE):
        assert (DUTY_ACTS[kind].action, DUTY_ACTS[kind].label) == ("publication.start", "登记发布")
        assert command_of(kind, "YQ-2026-0001") == "发布 YQ-2026-0001"


@pytest.mark.parametrize("kind", [K.SCRIPT_APPROVAL, K.PLAN_APPROVAL])
def test_the_ladder_is_the_desk_then_the_main_leader_for_especially_major_only(kind):
    p = default_policy()
    steps = lambda g: [s["notify"] for s in p.freeze(kind, g, personal=True)["escalation"]]  # noqa: E731
    assert steps(G.ESPECIALLY_MAJOR) == [["desk"], ["main_leader"]]
    assert steps(G.MAJOR) == [["desk"]]


def test_a_step_may_notify_only_at_especially_major_but_must_notify_someone():
    text = "escalation_by_duty:\n  script_approval:\n    - {after: 0, notify: [], especially_major: [desk]}\n"
    assert parse_policy_text(text).freeze(K.SCRIPT_APPROVAL, G.MAJOR, personal=True)["escalation"] == []
    with pytest.raises(PolicyFileError) as err:
        parse_policy_text("escalation_by_duty:\n  script_approval:\n    - {after: 0, notify: []}\n")
    assert any("notify must be a list of roles" in m for _, m in err.value.errors)
    with pytest.raises(PolicyFileError) as err:
        parse_policy_text("escalation_by_duty:\n  plan_approval:\n    - {after: 0, notify: [unit_head]}\n")
    assert any("cannot escalate to unit_head" in m for _, m in err.value.errors)
