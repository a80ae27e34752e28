"""Reading a drill's scenario back from its case's timeline (issue 23): who the drill's leaders are, its
scripted steps, and which of them were performed.

``start_drill`` records the scenario as one ``drill.scenario`` entry (payload ``people``, ``steps`` — each
``{"after": seconds, "raise": int grade, "reason": str}`` —, ``scale``, ``source``); each performed step is a
``drill.step`` entry (payload ``index``, ``raise``, ``changed``: ``bot.domain.drill.steps.record_step``). Pure:
these functions read a list of timeline entries (oldest first) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Iterable

from bot.domain.case.timeline import TimelineEntry
from bot.domain.grade import Grade

__all__ = ["SCENARIO_ACTION", "STEP_ACTION", "ScriptedStep", "case_people", "drill_people", "drill_steps",
           "scenario_entry", "steps_done"]

SCENARIO_ACTION = "drill.scenario"
STEP_ACTION = "drill.step"


@dataclass(frozen=True)
class ScriptedStep:
    """One scripted step of a drill as recorded: its ``index`` (0-based, in the scenario's order), ``after``
    (drill time, unscaled: due at ``opened_at + after / drill_scale``), the grade it raises to and why."""

    index: int
    after: timedelta
    raise_to: Grade
    reason: str


def scenario_entry(timeline: Iterable[TimelineEntry]) -> TimelineEntry | None:
    """The case's ``drill.scenario`` entry (the last, should there be more), or None."""
    found = None
    for entry in timeline:
        if entry.action == SCENARIO_ACTION:
            found = entry
    return found


def drill_people(timeline: Iterable[TimelineEntry]) -> tuple[str, ...] | None:
    """The people the drill's scenario names (its only leaders: bulletins and approval requests go to them
    alone), in order; None when the case has no scenario entry (not a drill started from a scenario)."""
    entry = scenario_entry(timeline)
    if entry is None:
        return None
    return tuple(dict.fromkeys(str(p) for p in entry.payload.get("people") or ()))


def case_people(repo, case) -> tuple[str, ...] | None:
    """``drill_people`` of ``case`` read through ``repo`` (a CaseRepository): None for a real case, without reading
    its timeline. What the approvers' ``people=`` keyword takes (``bot.domain.response.approvers``)."""
    return drill_people(repo.timeline(case.id)) if case.drill else None


def drill_steps(timeline: Iterable[TimelineEntry]) -> tuple[ScriptedStep, ...]:
    """The scenario's scripted steps in order (none without a scenario entry)."""
    entry = scenario_entry(timeline)
    if entry is None:
        return ()
    return tuple(ScriptedStep(i, timedelta(seconds=float(s.get("after") or 0)), Grade(int(s["raise"])),
                              str(s.get("reason") or ""))
                 for i, s in enumerate(entry.payload.get("steps") or ()))


def steps_done(timeline: Iterable[TimelineEntry]) -> dict[int, TimelineEntry]:
    """The scripted steps performed: step index → its ``drill.step`` entry (the first for an index)."""
    done: dict[int, TimelineEntry] = {}
    for entry in timeline:
        if entry.action == STEP_ACTION:
            done.setdefault(int(entry.payload.get("index", -1)), entry)
    return done
