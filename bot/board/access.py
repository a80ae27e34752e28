"""Who sees what on the board — the chat's own tables, nothing of the board's own (docs/board.md §Permissions).

A case:
    1. confidential and ``bot.domain.secrecy.sight`` is NONE  → refused with REFUSED_VIEW, and the refusal goes
       on the case's timeline (``record_refused(..., "view")``), as the chat's 案件 YQ-… does;
    2. no role on the case may ``Action.VIEW`` (``bot.domain.permissions``: any role on the case)  → refused with
       the chat's words, nothing recorded (not confidential: nothing to protect but the rule);
    3. else FULL, or SUMMARY (number, grade, state; an admin on a confidential case).
Roles come from every assignment of the case (as the chat's ``authorise``), sight from the live ones only.

Leaders: the main and publicity leaders' person roles hold on every case, so the city's leaders see every case
the table lets them (a county's confidential case only its own leaders, by ``sight``); a county's leaders see
their county's cases through ``county_leader_roles``; a leader in charge sees the cases of the units he leads.
Action.VIEW is not extended.

A unit's page: its head and liaisons, the city desk's people, the leaders (main, publicity, the unit's leader in
charge; a county's own leaders for the county), admins — and the county bureau's people for their county.
Each case on it is still checked as above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from bot.core.org import Organisation
from bot.domain.permissions import ACTION_LABELS, Action, allowed, case_roles, county_leader_roles
from bot.domain.secrecy import REFUSED_VIEW, Sight, may_export, sight

__all__ = ["CaseAccess", "case_access", "export_allowed", "person_units", "unit_page_allowed"]

NO_VIEW = f"您在此案件中没有“{ACTION_LABELS[Action.VIEW]}”的权限。"


@dataclass(frozen=True)
class CaseAccess:
    """How much of a case a person sees; when NONE, why (``reason``) and whether the refusal is recorded."""

    sight: Sight
    reason: str = ""
    record: bool = False

    @property
    def full(self) -> bool:
        return self.sight == Sight.FULL

    @property
    def listed(self) -> bool:
        return self.sight != Sight.NONE


def case_access(org: Organisation, person_id: str, *, number: str, confidential: bool, county: str | None,
                units: Iterable[str], live_units: Iterable[str]) -> CaseAccess:
    """The access of ``person_id`` to one case (module docstring)."""
    seen = sight(org, person_id, confidential=confidential, county=county, units=list(live_units))
    if confidential and seen == Sight.NONE:
        return CaseAccess(Sight.NONE, REFUSED_VIEW.format(number=number), record=True)
    if allowed(Action.VIEW, case_roles(org, person_id, county, list(units))) is None:
        return CaseAccess(Sight.NONE, NO_VIEW)
    return CaseAccess(seen)


def export_allowed(org: Organisation, person_id: str, *, confidential: bool, county: str | None,
                   live_units: Iterable[str]) -> bool:
    """Whether the person may download the case's archive (``bot.domain.secrecy.may_export``)."""
    return may_export(org, person_id, confidential=confidential, county=county, units=list(live_units))


def unit_page_allowed(org: Organisation, person_id: str, unit_id: str) -> bool:
    """Whether the person may open the page of ``unit_id`` (module docstring)."""
    person, unit = org.person(person_id), org.units.get(unit_id)
    if person is None or not person.active or unit is None:
        return False
    if person_id == unit.head or person_id in unit.liaisons or person_id == unit.leader_in_charge:
        return True
    if {"main_leader", "publicity_leader", "admin"} & set(person.roles):
        return True
    mine = list(org.units_of(person_id))
    if any(u.desk for u in mine):
        return True
    if unit.kind == "county":
        return unit_id in {u.id for u in mine} or bool(county_leader_roles(org, person_id, unit_id))
    return False


def person_units(org: Organisation, person_id: str) -> list[tuple[str, str]]:
    """The units whose page the person is offered (``(id, name)``): his own first (those he belongs to or leads),
    then, for the desk, the bureau's leaders and admins, every other active unit."""
    person = org.person(person_id)
    if person is None:
        return []
    active = [u for u in org.units.values() if u.active]
    own = [u for u in active if person_id in u.people or u.leader_in_charge == person_id]
    rest = [u for u in active if u not in own]
    chosen = [u for u in own + rest if unit_page_allowed(org, person_id, u.id)]
    return [(u.id, u.name) for u in chosen]
