"""Who may read the bureau's statistics (issue 25), one rule for the chat's 统计 and the board's /board/stats: the
city desk's people and the bureau's leaders — main, publicity, and the leader in charge of any unit. The figures
are the whole bureau's, so a county's people are not among them (docs/statistics.md, "In the chat")."""

from __future__ import annotations

from bot.core.org import Organisation

__all__ = ["LEADER_ROLES", "may_see_stats"]

LEADER_ROLES = frozenset({"main_leader", "publicity_leader"})


def may_see_stats(org: Organisation, person_id: str | None) -> bool:
    """Whether ``person_id`` (active) is on the city desk or a leader of the bureau."""
    person = org.person(person_id) if person_id else None
    if person is None or not person.active:
        return False
    desk = org.desk_unit()
    if desk is not None and person.id in desk.people:
        return True
    return bool(LEADER_ROLES & set(person.roles)) or next(iter(org.units_led_by(person.id)), None) is not None
