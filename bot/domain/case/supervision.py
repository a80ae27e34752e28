"""督办 (Art. 6, 23): a leader or the desk supervises a live unit of a case, and the unit answers.

    a leader / the desk --supervise (the unit, the words)--> a ``supervision_answer`` duty owned by the unit,
        on the policy's clock (特别重大 1 h, 重大 4 h, 敏感 1 wd, 一般 2 wd)
    the unit's head or liaison --answer (words)--> the duty ends (done; late when after its deadline)

Each writes one timeline entry (``supervision.send``, ``supervision.answer``); the count per unit
(:func:`supervision_counts`) is read from the duties: answered on time, answered late, still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.case.commands import authorise_on
from bot.domain.clock import duties as plan
from bot.domain.context import Outcome, Rules, case_rules, load_case, record
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Action
from bot.domain.records import Actor, Assignment, Duty, DutyState
from bot.domain.repository import CaseRepository, CaseStore

__all__ = ["SupervisionCount", "answer_supervision", "supervise", "supervision_counts"]


def _words(text: str | None, what: str) -> str:
    words = (text or "").strip()
    if not words:
        raise InvalidInput("supervision.no_words", f"{what}须写明内容。")
    return words


def supervise(store: CaseStore, rules: Rules, case_id: int, unit_id: str, actor: Actor, now: datetime,
              text: str) -> Outcome:
    """督办 ``unit_id`` on the case with ``text``: starts the unit's ``supervision_answer`` duty.

    Raises NotFound (the unit is not working on the case), NotPermitted, IllegalTransition or InvalidInput.
    """
    words = _words(text, "督办")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise_on(repo, rules, actor, Action.SUPERVISE, case)
        a = next((a for a in repo.assignments(case.id) if a.unit_id == unit_id and a.state in plan.LIVE_ASSIGNMENTS),
                 None)
        if a is None:
            raise NotFound("supervision.no_unit", f"该单位没有在办理 {case.number}，无法督办。")
        own = case_rules(rules, case)
        duty = plan.start_duty(own.policy, own.calendar, case, DutyKind.SUPERVISION_ANSWER, now, a)
        payload = {"assignment": a.id, "unit": unit_id, "text": words}
        return record(repo, rules, case, actor, role, str(Action.SUPERVISE), now, payload,
                      [duty] if duty else [], [], a)

    return store.run(work)


def answer_supervision(store: CaseStore, rules: Rules, case_id: int, assignment_id: int, actor: Actor,
                       now: datetime, text: str, duty_id: int | None = None) -> Outcome:
    """The unit answers a 督办 (``duty_id``, else its oldest open one): the duty ends, late when past due.
    ``payload["supervisor"]`` is who supervised. Raises NotFound, NotPermitted, IllegalTransition or
    InvalidInput (no words, nothing to answer)."""
    words = _words(text, "回复督办")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        a: Assignment | None = next((a for a in repo.assignments(case.id) if a.id == assignment_id), None)
        if a is None:
            raise NotFound("assignment.not_found", "找不到该单位的任务。")
        role = authorise_on(repo, rules, actor, Action.ANSWER_SUPERVISION, case, a.unit_id)
        mine = [d for d in repo.duties(case.id) if d.kind == DutyKind.SUPERVISION_ANSWER and d.assignment_id == a.id]
        duty = next((d for d in mine if d.id == duty_id), None) if duty_id else next((d for d in mine if d.open), None)
        if duty is None or not duty.open:
            said = "已回复" if duty is not None else "没有待回复的督办"
            raise InvalidInput("supervision.nothing_open", f"{case.number} {said}，无需重复操作。")
        sent = next((e for e in repo.timeline(case.id) if e.action == str(Action.SUPERVISE)
                     and any(s.get("id") == duty.id for s in e.payload.get("started", []))), None)
        plan.end_duty(duty, DutyState.DONE, now, actor.person_id, "回复督办")
        payload = {"assignment": a.id, "unit": a.unit_id, "duty": duty.id, "text": words, "late": duty.late,
                   "supervisor": sent.actor if sent else None,
                   "supervision": sent.payload.get("text") if sent else None}
        return record(repo, rules, case, actor, role, str(Action.ANSWER_SUPERVISION), now, payload, [], [duty], a)

    return store.run(work)


@dataclass(frozen=True)
class SupervisionCount:
    """A unit's 督办: how many, answered on time, answered late, still open (a late answer counts late)."""

    total: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0


def supervision_counts(duties: list[Duty]) -> dict[str, SupervisionCount]:
    """The 督办 of ``duties`` (any cases) counted per owning unit. A 督办 closed without an answer (the case
    archived) counts as neither on time nor late, only in ``total``."""
    out: dict[str, SupervisionCount] = {}
    for d in duties:
        if d.kind != DutyKind.SUPERVISION_ANSWER or d.owner_unit is None:
            continue
        c = out.get(d.owner_unit, SupervisionCount())
        done = d.state == DutyState.DONE
        out[d.owner_unit] = SupervisionCount(c.total + 1, c.on_time + (done and not d.late), c.late + (done and d.late),
                                             c.open + d.open)
    return out
