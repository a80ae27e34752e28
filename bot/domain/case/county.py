"""A county's case seen from the city (Art. 9, 22; issue 22): the city desk follows it (关注 / 取消关注, and at
once when the county reports it up or the city hands it down) and may take it over (接管).

Following is a row per (case, desk unit) in ``follows``; a case has at most one active follow of the city desk.
Taking over makes the case the city's in every respect: ``county`` cleared, ``taken_from`` kept, the city desk
its owner; its follows end (the city desk is its desk now).
"""

from __future__ import annotations

from datetime import datetime

from bot.core.org import Organisation
from bot.domain.context import Outcome, Rules, load_case, need_reason, record
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.permissions import Action
from bot.domain.records import Actor, Case, Follow
from bot.domain.repository import CaseRepository, CaseStore

__all__ = ["check_tell_unit", "desk_follow", "follow", "start_following", "take_over", "unfollow"]


def _authorise(repo: CaseRepository, rules: Rules, actor: Actor, action: Action, case: Case) -> str:
    from bot.domain.case.commands import authorise_on  # the case commands import this module

    if not case.county:
        taken = "（已由市局接管）" if case.taken_from else ""
        raise InvalidInput("county.not_county", f"{case.number} 不是县局办理的案件{taken}，无需关注或接管。")
    return str(authorise_on(repo, rules, actor, action, case))


def desk_follow(repo: CaseRepository, case: Case, unit_id: str | None = None) -> Follow | None:
    """The active follow of the case by ``unit_id`` (default: any), or None."""
    return next((f for f in repo.follows(case.id) if f.active and unit_id in (None, f.unit_id)), None)


def start_following(repo: CaseRepository, rules: Rules, case: Case, how: str, actor: Actor,
                    now: datetime) -> Follow | None:
    """The city desk follows ``case`` from ``now`` (``how``: report_up, follow, transfer_down) unless it does
    already; returns its follow (None when the org has no city desk)."""
    desk = rules.org.desk_unit()
    if desk is None:
        return None
    return desk_follow(repo, case, desk.id) or repo.add_follow(Follow(case.id, desk.id, now, actor.person_id, how))


def check_tell_unit(org: Organisation, unit_id: str) -> None:
    """Raise InvalidInput unless ``unit_id`` is an active section or affiliate of the city (the unit concerned a
    county names when it reports a case up)."""
    unit = org.units.get(unit_id)
    if unit is None or not unit.active or unit.kind == "county" or unit.desk:
        raise InvalidInput("county.tell_unit", "上报时只能告知市局的科室或直属单位。")


def follow(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime) -> Outcome:
    """关注: the city desk follows a county's case. Raises NotFound, NotPermitted (not the city desk),
    IllegalTransition (archived) or InvalidInput (not a county's case, followed already)."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = _authorise(repo, rules, actor, Action.FOLLOW, case)
        if desk_follow(repo, case) is not None:
            raise InvalidInput("county.following", f"已在关注 {case.number}，其后续进展会同步给市局舆情工作台。")
        followed = start_following(repo, rules, case, "follow", actor, now)
        if followed is None:
            raise NotPermitted("county.no_desk", "组织文件中没有市局舆情工作台，无法关注。")
        return record(repo, rules, case, actor, role, "case.follow", now, {"unit": followed.unit_id})

    return store.run(work)


def unfollow(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime) -> Outcome:
    """取消关注: the city desk stops following. Raises as :func:`follow` (InvalidInput when not followed)."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = _authorise(repo, rules, actor, Action.FOLLOW, case)
        followed = desk_follow(repo, case)
        if followed is None:
            raise InvalidInput("county.not_following", f"未关注 {case.number}。")
        followed.ended_at = now
        repo.save_follow(followed)
        return record(repo, rules, case, actor, role, "case.unfollow", now, {"unit": followed.unit_id})

    return store.run(work)


def take_over(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, reason: str) -> Outcome:
    """接管: the city desk and the city leaders become the case's desk and approvers from ``now``; the county's
    people keep their unit roles. Raises as :func:`follow`, and InvalidInput without a reason."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = _authorise(repo, rules, actor, Action.TAKE_OVER, case)
        text = need_reason(reason, "接管")
        desk = rules.org.desk_unit()
        if desk is None:
            raise NotPermitted("county.no_desk", "组织文件中没有市局舆情工作台，无法接管。")
        county = case.county
        case.taken_from, case.county, case.owner_unit = county, None, desk.id
        repo.save_case(case)
        for followed in repo.follows(case.id):
            if followed.active:
                followed.ended_at = now
                repo.save_follow(followed)
        return record(repo, rules, case, actor, role, str(Action.TAKE_OVER), now,
                      {"county": county, "desk": desk.id, "reason": text})

    return store.run(work)
