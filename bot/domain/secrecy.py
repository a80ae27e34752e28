"""Who may see a confidential (涉密) case, in one place (issue 21): the chat, the board, exports and the CLI ask here.

    named people   the running desk's head and liaisons (the county bureau for a county case, else the city
                   desk), the head and liaisons of each live assigned unit, the main leader, the publicity
                   leader(s) — on a county case the county's own main and publicity leaders (org file
                   ``leaders:``, each defaulting to its head) instead of the city's — and the leader in charge
                   of each live assigned unit
    sight          not confidential: FULL for anyone the org knows (active); confidential: FULL for the named
                   people, SUMMARY (number, grade and state) for an admin, NONE for everyone else
    may_export     confidential: the running desk's head or the case's main leader (the county's on a county
                   case) only; otherwise a desk, the desk
                   head or a leader on the case

Callers pass the unit ids of the case's LIVE assignments as ``units`` (warned, acknowledged, reported): a unit
that returned the case or was replaced no longer sees it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Iterable

from bot.core.errors import ConfigError
from bot.core.org import Organisation
from bot.domain.permissions import DESKS, LEADERS, Role, case_roles, running_desk

__all__ = ["REFUSED_VIEW", "Sight", "may_export", "named_people", "running_desk", "sight"]

REFUSED_VIEW = "{number} 为涉密案件，您不在知悉范围内，无法查看。"
EXPORTERS = DESKS | {Role.DESK_HEAD} | LEADERS  # who may export a case that is not confidential


class Sight(StrEnum):
    """How much of a case a person may see."""

    FULL = "full"
    SUMMARY = "summary"  # number, grade and state only
    NONE = "none"


def named_people(org: Organisation, *, county: str | None, units: Iterable[str]) -> list[str]:
    """The ids of the people who may see a confidential case of ``county`` assigned to ``units``, in the order of
    the module docstring, each once, active people only."""
    units = list(dict.fromkeys(units))
    found: list[str | None] = []
    desk = running_desk(org, county)
    if desk is not None:
        found += [desk.head, *desk.liaisons]
    assigned = [u for u in (org.units.get(uid) for uid in units) if u is not None and u.active]
    for unit in assigned:
        found += [unit.head, *unit.liaisons]
    if county:
        found += org.county_leaders(county).ids()
    else:
        found.append(_main_leader(org))
        found += [p.id for p in org.publicity_leaders()]
    found += [unit.leader_in_charge for unit in assigned]
    return [pid for pid in dict.fromkeys(found) if pid and _active(org, pid)]


def sight(org: Organisation, person_id: str | None, *, confidential: bool, county: str | None,
          units: Iterable[str]) -> Sight:
    """How much of the case ``person_id`` may see (module docstring)."""
    if not person_id or not _active(org, person_id):
        return Sight.NONE
    if not confidential:
        return Sight.FULL
    if person_id in named_people(org, county=county, units=units):
        return Sight.FULL
    return Sight.SUMMARY if "admin" in org.person(person_id).roles else Sight.NONE


def may_export(org: Organisation, person_id: str | None, *, confidential: bool, county: str | None,
               units: Iterable[str]) -> bool:
    """Whether ``person_id`` may export the case (module docstring)."""
    if not person_id or not _active(org, person_id):
        return False
    if confidential:
        desk = running_desk(org, county)
        main = org.county_leaders(county).main if county else _main_leader(org)
        return person_id in {desk.head if desk is not None else None, main}
    return bool(case_roles(org, person_id, county, units) & EXPORTERS)


def _active(org: Organisation, person_id: str) -> bool:
    person = org.person(person_id)
    return person is not None and person.active


def _main_leader(org: Organisation) -> str | None:
    """The main leader's id, or None when the org names none (or several) — nobody is named in his place."""
    try:
        return org.main_leader().id
    except ConfigError:
        return None
