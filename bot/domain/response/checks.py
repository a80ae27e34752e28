"""What every response command checks and does alike: the case's state, the unit's part of the case, the text
asked for, and the approval duties of one version (started per approver, ended by decisions)."""

from __future__ import annotations

from datetime import datetime

from bot.core.org import Organisation
from bot.domain.case.lifecycle import ARCHIVED_READ_ONLY, CASE_LABELS, CASE_STATES_FOR_ACTION, CaseState
from bot.domain.clock import duties as plan
from bot.domain.errors import IllegalTransition, InvalidInput, NotFound
from bot.domain.kinds import DutyKind
from bot.domain.permissions import ACTION_LABELS, Action
from bot.domain.records import Assignment, Case, Duty, DutyState
from bot.domain.repository import CaseRepository
from bot.domain.response.approvers import unit_name
from bot.domain.response.state import Version

__all__ = ["end_version_duties", "need_text", "state_allows", "unit_assignment", "version_duties"]


def need_text(text: str | None, what: str) -> str:
    """``text`` stripped; raises InvalidInput (``response.no_text``) naming ``what`` when it is empty."""
    words = (text or "").strip()
    if not words:
        raise InvalidInput("response.no_text", f"{what}不能为空。")
    return words


def state_allows(case: Case, action: Action) -> None:
    """Refuse ``action`` when the case's state does not allow it (checked after who may); raises IllegalTransition."""
    if case.state in CASE_STATES_FOR_ACTION[str(action)]:
        return
    if case.state == CaseState.ARCHIVED:
        raise IllegalTransition("case.archived", ARCHIVED_READ_ONLY)
    raise IllegalTransition("case.closed_for_action",
                            f"{case.number} 当前为“{CASE_LABELS[case.state]}”，不能{ACTION_LABELS[action]}。")


def unit_assignment(repo: CaseRepository, org: Organisation, case: Case, unit_id: str) -> Assignment:
    """The unit's live assignment on the case; raises NotFound when the unit is not working on it."""
    found = next((a for a in repo.assignments(case.id) if a.unit_id == unit_id and a.state in plan.LIVE_ASSIGNMENTS),
                 None)
    if found is None:
        raise NotFound("response.no_unit", f"{unit_name(org, unit_id)}没有在办理 {case.number}。")
    return found


def version_duties(repo: CaseRepository, case: Case, version: Version, kind: DutyKind) -> list[Duty]:
    """The open approval duties started for ``version``."""
    return [d for d in repo.duties(case.id) if d.open and d.kind == kind and d.id in version.duty_ids]


def end_version_duties(open_duties: list[Duty], now: datetime, actor: str, done_for: frozenset[str],
                       done_reason: str, closed_reason: str) -> list[Duty]:
    """End ``open_duties``: those owned by someone in ``done_for`` done with ``done_reason`` (late when past due),
    the others closed with ``closed_reason``. Returns them."""
    return [plan.end_duty(d, DutyState.DONE if d.owner_person in done_for else DutyState.CLOSED, now, actor,
                          done_reason if d.owner_person in done_for else closed_reason) for d in open_duties]
