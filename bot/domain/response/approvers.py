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

A drill started from a scenario (issue 23) names its leaders (``people``, passed by keyword: read it with
``bot.domain.drill.people.drill_people`` from the case's timeline; None for every other case): only these are asked
or may decide — each function keeps, of the people it would name, those in ``people``, and a role none of them holds
is refused like a role the org names no one for (``response.no_approver``, telling to name him in the scenario).
"""

from __future__ import annotations

from typing import Iterable

from bot.core.org import CountyLeaders, Organisation
from bot.domain.errors import InvalidInput
from bot.domain.permissions import Role

__all__ = ["PLAN_STEPS", "ROLE_LABELS", "SCRIPT_ROLES", "case_leaders", "is_main_leader", "main_leaders",
           "plan_approver", "plan_steps", "publicity_approvers", "script_approvers", "script_roles", "unit_name"]

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


def _only(ids: list[str], people: tuple | None) -> list[str]:
    """``ids`` kept in order, only those in ``people`` when given (a drill's named leaders)."""
    return list(ids) if people is None else [p for p in ids if p in people]


def _named(person_id: str | None, people: tuple | None) -> bool:
    """Whether ``person_id`` may act given a drill's ``people`` (anyone when None)."""
    return person_id is not None and (people is None or person_id in people)


def _no_approver(org: Organisation, unit_id: str, county: str | None, missing: list[str], what: str,
                 people: tuple | None = None) -> InvalidInput:
    if people is not None:
        return InvalidInput("response.no_approver", f"演练名单中没有{'、'.join(missing)}，无法{what}；"
                                                    "请在演练脚本的 people 中列入。")
    if county:
        return InvalidInput("response.no_approver", f"{unit_name(org, county)}没有在职的{'、'.join(missing)}，"
                                                    f"无法{what}；请管理员在组织文件中补充（县局 leaders 或负责人）。")
    return InvalidInput("response.no_approver", f"{unit_name(org, unit_id)}没有{'、'.join(missing)}，无法{what}；"
                                                "请管理员在组织文件中补充。")


def _active(org: Organisation, person_id: str) -> bool:
    person = org.person(person_id)
    return person is not None and person.active


def is_main_leader(org: Organisation, person_id: str, *, county: str | None = None,
                   people: tuple | None = None) -> bool:
    """Whether the person is the (active) main leader of the case: the bureau's, or on a county case
    (``county``) the county's main leader; on a drill only when named in ``people``."""
    if not _named(person_id, people):
        return False
    leaders = _county(org, county)
    if leaders is not None:
        return leaders.main is not None and leaders.main == person_id
    return _active(org, person_id) and Role.MAIN_LEADER.value in org.person(person_id).roles


def main_leaders(org: Organisation, *, county: str | None = None, people: tuple | None = None) -> list[str]:
    """The case's main leader(s), active: every person with the ``main_leader`` role (the org file allows one),
    or on a county case (``county``) the county's main leader (empty when none) — who signs a 特别重大 bulletin
    (主要领导签收) and is reminded of it. On a drill only those named in ``people``."""
    leaders = _county(org, county)
    if leaders is not None:
        return _only([leaders.main] if leaders.main else [], people)
    return _only([p.id for p in org.people.values() if p.active and Role.MAIN_LEADER.value in p.roles], people)


def case_leaders(org: Organisation, *, county: str | None, units: Iterable[str],
                 people: tuple | None = None) -> list[str]:
    """Who a case's bulletins go to: its main leader(s), its publicity leader(s) (a county's case: the county's) and
    the leaders in charge of ``units`` (its live units), once each; on a drill (``people``) only those it names."""
    found = [*main_leaders(org, county=county), *publicity_approvers(org, county=county)]
    found += [u.leader_in_charge for u in (org.units.get(uid) for uid in units) if u and u.leader_in_charge]
    return [p for p in dict.fromkeys(found) if people is None or p in people]


def publicity_approvers(org: Organisation, *, county: str | None = None, people: tuple | None = None) -> list[str]:
    """Who approves a script as publicity leader (and consents to its onward report): every active publicity
    leader of the bureau, or on a county case the county's publicity leader (empty when none). On a drill only
    those named in ``people``."""
    leaders = _county(org, county)
    if leaders is not None:
        return _only([leaders.publicity] if leaders.publicity else [], people)
    return _only([p.id for p in org.publicity_leaders()], people)


def script_roles(org: Organisation, person_id: str, unit_id: str, *, county: str | None = None,
                 people: tuple | None = None) -> list[Role]:
    """The approver roles the person holds for ``unit_id``'s script, in :data:`SCRIPT_ROLES` order (on a county
    case: publicity for the county's publicity leader, leader in charge for its main leader); none on a drill
    when he is not named in ``people``."""
    if not _named(person_id, people):
        return []
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


def script_approvers(org: Organisation, unit_id: str, *, county: str | None = None,
                     people: tuple | None = None) -> dict[Role, list[str]]:
    """Role → the people asked to approve ``unit_id``'s script (every publicity leader; the unit's leader in
    charge; on a county case the county's publicity leader and its main leader; on a drill only those named in
    ``people``). Raises InvalidInput when a role has no one (the org file, or the drill's scenario, must name
    them)."""
    leaders = _county(org, county)
    if leaders is not None:
        in_charge = [leaders.main] if leaders.main else []
    else:
        leader = org.leader_in_charge_of(unit_id)
        in_charge = [leader.id] if leader else []
    out = {Role.PUBLICITY_LEADER: publicity_approvers(org, county=county, people=people),
           Role.LEADER_IN_CHARGE: _only(in_charge, people)}
    missing = [ROLE_LABELS[r] for r, ids in out.items() if not ids]
    if missing:
        raise _no_approver(org, unit_id, county, missing, "审定口径", people)
    return out


def plan_approver(org: Organisation, unit_id: str, step: Role, *, county: str | None = None,
                  people: tuple | None = None) -> str:
    """Who decides ``step`` of ``unit_id``'s plan: its leader in charge, or the main leader (both steps the
    county's main leader on a county case). Raises InvalidInput when the org names no one, or on a drill when
    that person is not named in ``people``."""
    found = _plan_approver(org, unit_id, step, county)
    if not _named(found, people):
        raise _no_approver(org, unit_id, county, ["主要领导" if county else ROLE_LABELS[step]], "审批回应方案", people)
    return found


def _plan_approver(org: Organisation, unit_id: str, step: Role, county: str | None) -> str:
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


def plan_steps(org: Organisation, person_id: str, unit_id: str, *, county: str | None = None,
               people: tuple | None = None) -> list[Role]:
    """The plan steps the person decides for ``unit_id``, in :data:`PLAN_STEPS` order (on a county case the
    county's main leader decides both); none on a drill when he is not named in ``people``."""
    if not _named(person_id, people):
        return []
    leaders = _county(org, county)
    if leaders is not None:
        return list(PLAN_STEPS) if leaders.main is not None and leaders.main == person_id else []
    leader = org.leader_in_charge_of(unit_id)
    held = [Role.LEADER_IN_CHARGE] if leader is not None and leader.id == person_id else []
    return held + ([Role.MAIN_LEADER] if is_main_leader(org, person_id) else [])
