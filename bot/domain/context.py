"""What every command shares: the rules in force, the outcome it returns, and how it records itself.

:class:`Rules` bundles the organisation, the policy and the calendar a command decides by. Each
accepted action writes exactly one timeline entry (:func:`record`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core.clock import SHANGHAI, ensure_utc
from bot.core.org import Organisation
from bot.domain.case.timeline import EntryDraft, TimelineEntry
from bot.domain.clock.policy import Policy
from bot.domain.clock.policy_file import load_policy
from bot.domain.clock.workdays import WorkCalendar, load_calendar
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.records import Actor, Assignment, Case, Duty
from bot.domain.repository import CaseRepository


@dataclass
class Rules:
    """The organisation, policy and calendar in force for a command."""

    org: Organisation
    policy: Policy
    calendar: WorkCalendar


def load_rules(org: Organisation, policy_file: str | None, holiday_file: str | None) -> Rules:
    """The rules in force from the org and the files named by POLICY_FILE and HOLIDAY_FILE (either may be empty).

    The org is known here, so the policy file's ``counties`` blocks must name county units of it.
    Raises PolicyFileError, HolidayFileError (every error with its line) or ConfigError (unreadable file).
    """
    return Rules(org, load_policy(policy_file, county_ids(org)), load_calendar(holiday_file))


def county_ids(org: Organisation) -> set[str]:
    """The ids of the org's county units (the ids a policy file's ``counties`` blocks may name)."""
    return {unit_id for unit_id, unit in org.units.items() if unit.kind == "county"}


@dataclass
class Outcome:
    """What an accepted command did: the case after it, its timeline entry, duties started and ended,
    the assignment it concerned, and warnings for the admins (calendar fallback)."""

    case: Case
    entry: TimelineEntry
    started: list[Duty] = field(default_factory=list)
    ended: list[Duty] = field(default_factory=list)
    assignment: Assignment | None = None
    warnings: list[str] = field(default_factory=list)


def case_rules(rules: Rules, case: Case) -> Rules:
    """The rules a case's clocks run by: ``rules`` with the policy of the case's county (Art. 27: the city's
    with the file's ``counties.<id>`` block over it; the city's own for a city case) at the case's own scale
    (``drill_scale``, kept from its opening), so a drill stays scaled whatever the policy or the drill switch
    say later."""
    policy = rules.policy.for_county(case.county)
    if policy.scale != case.drill_scale:
        policy = policy.with_scale(case.drill_scale)
    return rules if policy is rules.policy else replace(rules, policy=policy)


def load_case(repo: CaseRepository, case_id: int) -> Case:
    """The case, locked for this transaction; raises NotFound."""
    case = repo.get_case(case_id)
    if case is None:
        raise NotFound("case.not_found", "找不到该案件。")
    return case


def need_reason(reason: str | None, what: str) -> str:
    """``reason`` stripped; raises InvalidInput when it is empty."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("reason.missing", f"{what}须说明理由。")
    return text


def iso(value: datetime | None) -> str | None:
    """A time as ISO text (UTC) for timeline payloads."""
    return ensure_utc(value).isoformat() if value else None


def duty_summary(duty: Duty) -> dict:
    """A duty as a timeline payload item."""
    return {"id": duty.id, "kind": str(duty.kind), "unit": duty.owner_unit, "due": iso(duty.due_at),
            "policy": duty.policy["duration"]}


def save_duties(repo: CaseRepository, started: list[Duty], ended: list[Duty]) -> None:
    """Insert started duties (they get ids) and write back ended ones."""
    for duty in ended:
        repo.save_duty(duty)
    for i, duty in enumerate(started):
        started[i] = repo.add_duty(duty)


def calendar_warnings(rules: Rules, now: datetime, started: list[Duty]) -> list[str]:
    """Fallback warnings for the years the started duties' clocks reach into."""
    if not started:
        return []
    last = max(max([d.due_at, *(at for at, _ in d.escalations)]) for d in started)
    return rules.calendar.warnings_between(now.astimezone(SHANGHAI).date(), last.astimezone(SHANGHAI).date())


def case_snapshot(case: Case) -> dict:
    """The case after an act, as every entry records it (the rows check, bot.domain.case.audit)."""
    return {"grade": int(case.grade), "state": str(case.state), "owner": case.owner_unit, "county": case.county,
            "confidential": bool(case.confidential)}


def record(repo: CaseRepository, rules: Rules, case: Case, actor: Actor, role: str, action: str, now: datetime,
           payload: dict, started: list[Duty] = (), ended: list[Duty] = (),
           assignment: Assignment | None = None) -> Outcome:
    """Save duties, write the one timeline entry of an accepted action, and build its Outcome.

    The payload gets ``started``/``ended`` (the duties), ``row`` (the case after the act) and, with an
    ``assignment``, ``assignment_row`` (its id, unit and state after the act)."""
    started, ended = list(started), list(ended)
    save_duties(repo, started, ended)
    warnings = calendar_warnings(rules, now, started)
    body = dict(payload)
    if started:
        body["started"] = [duty_summary(d) for d in started]
    if ended:
        body["ended"] = [{"id": d.id, "kind": str(d.kind), "state": str(d.state), "reason": d.reason} for d in ended]
    if warnings:
        body["calendar_warnings"] = warnings
    body["row"] = case_snapshot(case)
    if assignment is not None:
        body["assignment_row"] = {"id": assignment.id, "unit": assignment.unit_id, "state": str(assignment.state)}
    entry = repo.append(case.id, EntryDraft(actor.person_id, str(role), actor.platform, str(action), body, ensure_utc(now)))
    return Outcome(case, entry, started, ended, assignment, warnings)
