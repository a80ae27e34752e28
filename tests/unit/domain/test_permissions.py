"""The permission matrix as a table, and the roles a person holds on one case."""

import pytest

from bot.domain.errors import NotPermitted
from bot.domain.kinds import DutyKind
from bot.domain.permissions import PERMISSIONS, Action, Role, allowed, authorise, case_roles, opener_roles

# The matrix, written out by hand: Y = allowed. Columns follow ROLES.
ROLES = [Role.DESK, Role.LIAISON, Role.UNIT_HEAD, Role.LEADER_IN_CHARGE, Role.PUBLICITY_LEADER, Role.MAIN_LEADER,
         Role.COUNTY_DESK, Role.ADMIN, Role.DESK_HEAD, Role.CITY_DESK]
MATRIX = {
    #                     desk liai head lic  pub  main county admin dhead city
    Action.OPEN:          "Y    .    .    .    .    .    Y    .    .    .",
    Action.ASSIGN:        "Y    .    .    .    .    .    Y    .    .    .",
    Action.REASSIGN:      "Y    .    .    .    .    .    Y    .    .    .",
    Action.TRANSFER_DOWN: "Y    .    .    .    .    .    .    .    .    .",
    Action.ACKNOWLEDGE:   ".    Y    Y    .    .    .    .    .    .    .",
    Action.REJECT:        ".    Y    Y    .    .    .    .    .    .    .",
    Action.GRADE:         "Y    .    .    .    .    .    Y    .    .    .",
    Action.ADVANCE:       "Y    .    .    .    .    .    Y    .    .    .",
    Action.REPORT:        ".    Y    Y    .    .    .    .    .    .    .",
    Action.CLOSE_DUTY:    "Y    .    .    .    .    .    Y    .    .    .",
    Action.FULFIL_DUTY:   "Y    Y    Y    Y    Y    Y    Y    .    .    .",
    Action.VIEW:          "Y    Y    Y    Y    Y    Y    Y    Y    Y    Y",
    Action.VERIFY:        "Y    .    .    .    .    .    Y    Y    .    .",
    Action.SIGHTING:      "Y    .    .    .    .    .    Y    .    .    .",
    Action.TRACK:         "Y    Y    Y    .    .    .    Y    .    .    .",
    Action.SCRIPT:        ".    Y    Y    .    .    .    .    .    .    .",
    Action.SUBSIDE:       "Y    .    .    .    .    .    Y    .    .    .",
    Action.RETRACK:       "Y    .    .    .    .    .    Y    .    .    .",
    Action.ARCHIVE:       "Y    .    .    .    .    .    Y    .    .    .",
    Action.CORRECT:       "Y    .    .    .    .    .    Y    .    .    .",
    Action.EVALUATE:      ".    Y    Y    .    .    .    .    .    .    .",
    Action.ACCEPT_EVALUATION: "Y .    .    .    .    .    Y    .    .    .",
    Action.RETURN_EVALUATION: "Y .    .    .    .    .    Y    .    .    .",
    Action.SUPERVISE:     "Y    .    .    Y    Y    Y    Y    .    .    Y",
    Action.ANSWER_SUPERVISION: ". Y   Y    .    .    .    .    .    .    .",
    Action.SCRIPT_SUBMIT: "Y    Y    Y    .    .    .    Y    .    .    .",
    Action.SCRIPT_APPROVE: ".   .    .    Y    Y    Y    .    .    .    .",
    Action.SCRIPT_RETURN: ".    .    .    Y    Y    Y    .    .    .    .",
    Action.SCRIPT_ONWARD_CONSENT: ". . . .    Y    .    .    .    .    .",
    Action.SCRIPT_ONWARD_REPORT: "Y . .    .    .    .    Y    .    .    .",
    Action.PLAN_SUBMIT:   "Y    Y    Y    .    .    .    Y    .    .    .",
    Action.PLAN_APPROVE:  ".    .    .    Y    .    Y    .    .    .    .",
    Action.PLAN_RETURN:   ".    .    .    Y    .    Y    .    .    .    .",
    Action.PUBLISH:       "Y    .    .    .    .    .    Y    .    .    .",
    Action.MARK_CONFIDENTIAL: "Y .    .    .    .    .    Y    .    .    .",
    Action.CLEAR_CONFIDENTIAL: ". .   .    .    .    .    .    .    Y    .",
    Action.EXPORT:        "Y    .    .    Y    Y    Y    Y    .    Y    .",
    Action.TAKE_OVER:     ".    .    .    .    .    .    .    .    .    Y",
    Action.FOLLOW:        ".    .    .    .    .    .    .    .    .    Y",
}
CELLS = [(action, role, row.split()[i] == "Y") for action, row in MATRIX.items() for i, role in enumerate(ROLES)]


def test_the_matrix_covers_every_action():
    assert set(MATRIX) == set(Action) == set(PERMISSIONS)


@pytest.mark.parametrize("action,role,ok", CELLS, ids=[f"{a.value}-{r.value}" for a, r, _ in CELLS])
def test_matrix_cell(action, role, ok):
    assert (allowed(action, [role]) is not None) == ok


def test_roles_come_from_the_units_of_the_case(org):
    assert case_roles(org, "p-feng", None, ["u-food"]) == {Role.LIAISON}
    assert case_roles(org, "p-feng", None, ["u-drug"]) == set()
    assert case_roles(org, "p-zhou", None, ["u-food", "u-drug"]) == {Role.UNIT_HEAD}
    assert case_roles(org, "p-wu", None, ["u-food"]) == {Role.LEADER_IN_CHARGE}
    assert case_roles(org, "p-wu", None, ["u-drug"]) == set()
    assert case_roles(org, "p-zhao", None, []) == {Role.MAIN_LEADER}
    assert case_roles(org, "p-ops", None, ["u-food"]) == {Role.ADMIN}
    assert case_roles(org, "p-sun", None, []) == {Role.DESK, Role.DESK_HEAD}
    assert case_roles(org, "p-li", None, []) == {Role.DESK}
    assert case_roles(org, "p-nobody", None, ["u-food"]) == set()
    assert case_roles(org, "p-ghost", None, ["u-food"]) == set()


def test_unit_roles_count_for_their_own_unit_only(org):
    assert case_roles(org, "p-feng", None, ["u-food", "u-drug"], for_unit="u-drug") == set()
    with pytest.raises(NotPermitted, match="签收"):
        authorise(org, "p-feng", Action.ACKNOWLEDGE, None, ["u-food", "u-drug"], for_unit="u-drug")
    assert authorise(org, "p-feng", Action.ACKNOWLEDGE, None, ["u-food"], for_unit="u-food") == Role.LIAISON


def test_county_desks_act_on_their_county_cases_only(org):
    assert Role.COUNTY_DESK in case_roles(org, "p-xie", "u-county-a", [])
    assert case_roles(org, "p-xie", None, []) == set()
    assert authorise(org, "p-qi", Action.GRADE, "u-county-a", []) == Role.COUNTY_DESK
    with pytest.raises(NotPermitted):
        authorise(org, "p-qi", Action.GRADE, None, ["u-food"])
    assert opener_roles(org, "p-qi") == {Role.COUNTY_DESK: "u-county-a"}
    assert opener_roles(org, "p-li") == {Role.DESK: "u-desk"}
    assert opener_roles(org, "p-feng") == {}


def test_fulfilling_a_duty_depends_on_its_kind(org):
    assert authorise(org, "p-zhao", Action.FULFIL_DUTY, None, [], kind=DutyKind.MAIN_LEADER_ACKNOWLEDGE)
    with pytest.raises(NotPermitted):
        authorise(org, "p-sun", Action.FULFIL_DUTY, None, [], kind=DutyKind.MAIN_LEADER_ACKNOWLEDGE)
    assert authorise(org, "p-wu", Action.FULFIL_DUTY, None, ["u-food"], kind=DutyKind.ASSESSMENT_MEETING)
    with pytest.raises(NotPermitted):
        authorise(org, "p-wu", Action.FULFIL_DUTY, None, ["u-food"], kind=DutyKind.PUBLIC_RESPONSE)
    assert authorise(org, "p-feng", Action.FULFIL_DUTY, None, ["u-food"], for_unit="u-food", kind=DutyKind.EVALUATION)


def test_the_desk_head_is_the_head_of_the_unit_running_the_case(org):
    assert Role.DESK_HEAD in case_roles(org, "p-sun", None, ["u-food"])  # a city case: the city desk's head
    assert Role.DESK_HEAD not in case_roles(org, "p-sun", "u-county-a", [])  # a county case: the city desk…
    assert case_roles(org, "p-sun", "u-county-a", []) == {Role.CITY_DESK}  # …views, 督办, 关注, 接管 only (issue 22)
    assert case_roles(org, "p-qi", "u-county-a", []) == {Role.COUNTY_DESK, Role.DESK_HEAD,  # …its bureau's head,
                                                          Role.MAIN_LEADER, Role.PUBLICITY_LEADER}  # its leaders
    assert Role.DESK_HEAD not in case_roles(org, "p-qi", None, [])
    assert Role.DESK_HEAD not in case_roles(org, "p-zhou", None, ["u-food"])  # a unit's head is not the desk head
    assert authorise(org, "p-sun", Action.CLEAR_CONFIDENTIAL, None, []) == Role.DESK_HEAD
    with pytest.raises(NotPermitted, match="解除涉密"):
        authorise(org, "p-sun", Action.CLEAR_CONFIDENTIAL, "u-county-a", [])
    assert authorise(org, "p-sun", Action.MARK_CONFIDENTIAL, None, []) == Role.DESK  # the desk role is recorded
