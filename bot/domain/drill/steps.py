"""A drill's scripted steps (issue 23), performed by the worker as they fall due (``worker.drill_steps``).

A step is due at ``opened_at + after / drill_scale`` (drill time scaled like every clock of the case). Performing
it = the grade raised (``set_grade`` by the case's opener, platform ``drill``, with the step's reason) and then a
``drill.step`` entry (payload ``index``, ``raise``, ``changed``; ``refused`` when the grading was refused) — once:
an index already recorded is never performed again. A step whose grade is not above the case's is recorded as done
with no change (``changed`` False).
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import ensure_utc
from bot.domain.case.commands import set_grade
from bot.domain.case.timeline import TimelineEntry
from bot.domain.context import Outcome, Rules, load_case, record
from bot.domain.drill.people import STEP_ACTION, ScriptedStep, drill_steps, steps_done
from bot.domain.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from bot.domain.records import Actor, Case
from bot.domain.repository import CaseRepository, CaseStore

__all__ = ["DRILL", "due_at", "due_steps", "perform_step", "record_step"]

DRILL = Actor("system", "drill")  # who records a step: the drill's script


def due_at(case: Case, step: ScriptedStep) -> datetime:
    """When ``step`` of the drill ``case`` falls due: its ``after`` divided by the case's scale."""
    scale = case.drill_scale if case.drill_scale and case.drill_scale > 0 else 1.0
    return ensure_utc(case.opened_at) + step.after / scale


def due_steps(case: Case, timeline: list[TimelineEntry], now: datetime) -> list[ScriptedStep]:
    """The steps of the drill ``case`` due at ``now`` and not performed yet, in order (none for a real case)."""
    if not case.drill:
        return []
    done = steps_done(timeline)
    return [s for s in drill_steps(timeline) if s.index not in done and due_at(case, s) <= ensure_utc(now)]


def _pending(repo: CaseRepository, case_id: int, index: int) -> tuple[Case, ScriptedStep]:
    """The drill case (locked) and its step ``index`` not performed yet; raises NotFound or IllegalTransition."""
    case = load_case(repo, case_id)
    timeline = repo.timeline(case.id)
    step = next((s for s in drill_steps(timeline) if s.index == index), None)
    if not case.drill or step is None:
        raise NotFound("drill.no_step", f"{case.number} 没有演练脚本第{index + 1}步。")
    if index in steps_done(timeline):
        raise IllegalTransition("drill.step_done", f"{case.number} 演练脚本第{index + 1}步已执行。")
    return case, step


def record_step(store: CaseStore, rules: Rules, case_id: int, index: int, now: datetime, *, changed: bool = True,
                refused: str | None = None) -> Outcome:
    """Record that scripted step ``index`` was performed (``changed``: the grade was raised; ``refused``: why the
    grading was refused). Raises NotFound (not a drill, no such step) or IllegalTransition (recorded already)."""
    def work(repo: CaseRepository) -> Outcome:
        case, step = _pending(repo, case_id, index)
        payload = {"index": index, "raise": int(step.raise_to), "reason": step.reason, "changed": changed}
        if refused:
            payload["refused"] = refused
        return record(repo, rules, case, DRILL, "system", STEP_ACTION, now, payload)

    return store.run(work)


def perform_step(store: CaseStore, rules: Rules, case_id: int, index: int,
                 now: datetime) -> tuple[Outcome | None, Outcome]:
    """Perform scripted step ``index`` of a drill: (the grading's outcome — None when the grade was not raised —,
    the ``drill.step`` entry's). Run it inside one transaction (``SessionCaseStore``) so both land or neither.
    Raises NotFound or IllegalTransition (performed already: nothing changed)."""
    case, step = store.run(lambda repo: _pending(repo, case_id, index))
    grading, refused = None, None
    if step.raise_to > case.grade:
        reason = step.reason or f"演练脚本第{index + 1}步"
        try:
            grading = set_grade(store, rules, case_id, Actor(case.opened_by, "drill"), now, step.raise_to, reason)
        except (NotPermitted, IllegalTransition, InvalidInput) as exc:  # recorded: the report shows why
            refused = exc.message
    return grading, record_step(store, rules, case_id, index, now, changed=grading is not None, refused=refused)
