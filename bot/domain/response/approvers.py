"""Who approves a unit's script and plan (Art. 19(1)–(2)) — narrower than a role on the case.

A script needs two roles: the publicity leader (分管宣传的局领导: every one is asked, the first decision settles the
role) and the leader in charge OF THE SCRIPT'S UNIT (``permissions.case_roles`` gives ``leader_in_charge`` to the
leader in charge of any assigned unit; this module does not). One person holding both roles settles both with one
decision; the main leader may decide in place of either (代为审定). A plan needs two steps in order: the unit's
leader in charge, then the main leader.
"""

from __future__ import annotations

from bot.core.org import Organisation
from bot.domain.errors import InvalidInput
from bot.domain.permissions import Role

__all__ = ["PLAN_STEPS", "ROLE_LABELS", "SCRIPT_ROLES", "is_main_leader", "plan_approver", "plan_steps",
           "script_approvers", "script_roles", "unit_name"]

SCRIPT_ROLES = (Role.PUBLICITY_LEADER, Role.LEADER_IN_CHARGE)  # both approve a script version, in any order
PLAN_STEPS = (Role.LEADER_IN_CHARGE, Role.MAIN_LEADER)         # a plan version, in this order
ROLE_LABELS = {Role.PUBLICITY_LEADER: "分管宣传的局领导", Role.LEADER_IN_CHARGE: "分管局领导",
               Role.MAIN_LEADER: "主要领导"}


def unit_name(org: Organisation, unit_id: str) -> str:
    """The unit's name (its id when unknown)."""
    unit = org.units.get(unit_id)
    return unit.name if unit else unit_id


def _active(org: Organisation, person_id: str) -> bool:
    person = org.person(person_id)
    return person is not None and person.active


def is_main_leader(org: Organisation, person_id: str) -> bool:
    """Whether the person is the (active) main leader."""
    return _active(org, person_id) and Role.MAIN_LEADER.value in org.person(person_id).roles


def script_roles(org: Organisation, person_id: str, unit_id: str) -> list[Role]:
    """The approver roles the person holds for ``unit_id``'s script, in :data:`SCRIPT_ROLES` order."""
    held = []
    if any(p.id == person_id for p in org.publicity_leaders()):
        held.append(Role.PUBLICITY_LEADER)
    leader = org.leader_in_charge_of(unit_id)
    if leader is not None and leader.id == person_id:
        held.append(Role.LEADER_IN_CHARGE)
    return held


def script_approvers(org: Organisation, unit_id: str) -> dict[Role, list[str]]:
    """Role → the people asked to approve ``unit_id``'s script (every publicity leader; the unit's leader in
    charge). Raises InvalidInput when a role has no one (the org file must name them)."""
    leader = org.leader_in_charge_of(unit_id)
    out = {Role.PUBLICITY_LEADER: [p.id for p in org.publicity_leaders()],
           Role.LEADER_IN_CHARGE: [leader.id] if leader else []}
    missing = [ROLE_LABELS[r] for r, people in out.items() if not people]
    if missing:
        raise InvalidInput("response.no_approver", f"{unit_name(org, unit_id)}没有{'、'.join(missing)}，无法审定口径；"
                                                   "请管理员在组织文件中补充。")
    return out


def plan_approver(org: Organisation, unit_id: str, step: Role) -> str:
    """Who decides ``step`` of ``unit_id``'s plan: its leader in charge, or the main leader. Raises InvalidInput
    when the org names no one."""
    if step == Role.MAIN_LEADER:
        return org.main_leader().id
    leader = org.leader_in_charge_of(unit_id)
    if leader is None:
        raise InvalidInput("response.no_approver", f"{unit_name(org, unit_id)}没有分管局领导，无法审批回应方案；"
                                                   "请管理员在组织文件中补充。")
    return leader.id


def plan_steps(org: Organisation, person_id: str, unit_id: str) -> list[Role]:
    """The plan steps the person decides for ``unit_id``, in :data:`PLAN_STEPS` order."""
    leader = org.leader_in_charge_of(unit_id)
    held = [Role.LEADER_IN_CHARGE] if leader is not None and leader.id == person_id else []
    return held + ([Role.MAIN_LEADER] if is_main_leader(org, person_id) else [])
