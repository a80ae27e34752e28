"""Who approves a unit's script and plan (Art. 19(1)–(2)) — narrower than a role on the case.

A script needs two roles: the publicity leader (分管宣传的局领导: every one is asked, the first decision settles the
role) and the leader in charge OF THE SCRIPT'S UNIT (``permissions.case_roles`` gives ``leader_in_charge`` to the
leader in charge of any assigned unit; this module does not). One person holding both roles settles both with one
decision; the main leader may decide in place of either (代为审定). A plan needs two steps in order: the unit's
leader in charge, then the main leader.

A county case (``county``: the case's ``Case.county``, passed by keyword to every function) is approved by the
county's own leaders (the org file's ``leaders:`` of the county unit, each defaulting to its head,
``Organisation.county_leaders``): its publicity leader for the publicity role, its main leader for the leader in
charge's role and for both plan steps; the county's main leader is its case's main leader. A county head holding
both posts settles a script or a plan with one decision. City cases (``county`` None) are unchanged.
"""

from __future__ import annotations

from bot.core.org import CountyLeaders, Organisation
from bot.domain.errors import InvalidInput
from bot.domain.permissions import Role

__all__ = ["PLAN_STEPS", "ROLE_LABELS", "SCRIPT_ROLES", "is_main_leader", "main_leaders", "plan_approver",
           "plan_steps", "publicity_approvers", "script_approvers", "script_roles", "unit_name"]

SCRIPT_ROLES = (Role.PUBLICITY_LEADER, Role.LEADER_IN_CHARGE)  # both approve a script version, in any order
PLAN_STEPS = (Role.LEADER_IN_CHARGE, Role.MAIN_LEADER)         # a plan version, in this order
ROLE_LABELS = {Role.PUBLICITY_LEADER: "分管宣传的局领导", Role.LEADER_IN_CHARGE: "分管局领导",
               Role.MAIN_LEADER: "主要领导"}


def unit_name(org: Organisation, unit_id: str) -> str:
    """The unit's name (its id when unknown)."""
    unit = org.units.get(unit_id)
    return unit.name if unit else unit_id


def _county(org: Organisation, county: str | None) -> CountyLeaders | None:
    """The county's leaders on a county case, None on a city case."""
    return org.county_leaders(county) if county else None


def _no_approver(org: Organisation, unit_id: str, county: str | None, missing: list[str], what: str) -> InvalidInput:
    if county:
        return InvalidInput("response.no_approver", f"{unit_name(org, county)}没有在职的{'、'.join(missing)}，"
                                                    f"无法{what}；请管理员在组织文件中补充（县局 leaders 或负责人）。")
    return InvalidInput("response.no_approver", f"{unit_name(org, unit_id)}没有{'、'.join(missing)}，无法{what}；"
                                                "请管理员在组织文件中补充。")


def _active(org: Organisation, person_id: str) -> bool:
    person = org.person(person_id)
    return person is not None and person.active


def is_main_leader(org: Organisation, person_id: str, *, county: str | None = None) -> bool:
    """Whether the person is the (active) main leader of the case: the bureau's, or on a county case
    (``county``) the county's main leader."""
    leaders = _county(org, county)
    if leaders is not None:
        return leaders.main is not None and leaders.main == person_id
    return _active(org, person_id) and Role.MAIN_LEADER.value in org.person(person_id).roles


def main_leaders(org: Organisation, *, county: str | None = None) -> list[str]:
    """The case's main leader(s), active: every person with the ``main_leader`` role (the org file allows one),
    or on a county case (``county``) the county's main leader (empty when none) — who signs a 特别重大 bulletin
    (主要领导签收) and is reminded of it."""
    leaders = _county(org, county)
    if leaders is not None:
        return [leaders.main] if leaders.main else []
    return [p.id for p in org.people.values() if p.active and Role.MAIN_LEADER.value in p.roles]


def publicity_approvers(org: Organisation, *, county: str | None = None) -> list[str]:
    """Who approves a script as publicity leader (and consents to its onward report): every active publicity
    leader of the bureau, or on a county case the county's publicity leader (empty when none)."""
    leaders = _county(org, county)
    if leaders is not None:
        return [leaders.publicity] if leaders.publicity else []
    return [p.id for p in org.publicity_leaders()]


def script_roles(org: Organisation, person_id: str, unit_id: str, *, county: str | None = None) -> list[Role]:
    """The approver roles the person holds for ``unit_id``'s script, in :data:`SCRIPT_ROLES` order (on a county
    case: publicity for the county's publicity leader, leader in charge for its main leader)."""
    held = []
    if person_id in publicity_approvers(org, county=county):
        held.append(Role.PUBLICITY_LEADER)
    leaders = _county(org, county)
    if leaders is not None:
        leader_id = leaders.main
    else:
        leader = org.leader_in_charge_of(unit_id)
        leader_id = leader.id if leader is not None else None
    if leader_id is not None and leader_id == person_id:
        held.append(Role.LEADER_IN_CHARGE)
    return held


def script_approvers(org: Organisation, unit_id: str, *, county: str | None = None) -> dict[Role, list[str]]:
    """Role → the people asked to approve ``unit_id``'s script (every publicity leader; the unit's leader in
    charge; on a county case the county's publicity leader and its main leader). Raises InvalidInput when a role
    has no one (the org file must name them)."""
    leaders = _county(org, county)
    if leaders is not None:
        in_charge = [leaders.main] if leaders.main else []
    else:
        leader = org.leader_in_charge_of(unit_id)
        in_charge = [leader.id] if leader else []
    out = {Role.PUBLICITY_LEADER: publicity_approvers(org, county=county), Role.LEADER_IN_CHARGE: in_charge}
    missing = [ROLE_LABELS[r] for r, people in out.items() if not people]
    if missing:
        raise _no_approver(org, unit_id, county, missing, "审定口径")
    return out


def plan_approver(org: Organisation, unit_id: str, step: Role, *, county: str | None = None) -> str:
    """Who decides ``step`` of ``unit_id``'s plan: its leader in charge, or the main leader (both steps the
    county's main leader on a county case). Raises InvalidInput when the org names no one."""
    leaders = _county(org, county)
    if leaders is not None:
        if leaders.main is None:
            raise _no_approver(org, unit_id, county, ["主要领导"], "审批回应方案")
        return leaders.main
    if step == Role.MAIN_LEADER:
        return org.main_leader().id
    leader = org.leader_in_charge_of(unit_id)
    if leader is None:
        raise _no_approver(org, unit_id, None, ["分管局领导"], "审批回应方案")
    return leader.id


def plan_steps(org: Organisation, person_id: str, unit_id: str, *, county: str | None = None) -> list[Role]:
    """The plan steps the person decides for ``unit_id``, in :data:`PLAN_STEPS` order (on a county case the
    county's main leader decides both)."""
    leaders = _county(org, county)
    if leaders is not None:
        return list(PLAN_STEPS) if leaders.main is not None and leaders.main == person_id else []
    leader = org.leader_in_charge_of(unit_id)
    held = [Role.LEADER_IN_CHARGE] if leader is not None and leader.id == person_id else []
    return held + ([Role.MAIN_LEADER] if is_main_leader(org, person_id) else [])
