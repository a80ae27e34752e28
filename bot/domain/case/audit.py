"""The rows check: which rows outside the timeline (the case, its grade changes, duties and assignments)
disagree with what the timeline recorded. Pure: the caller reads the entries and the rows.

What the timeline records, and what is compared:

- the case: ``grade``, ``state``, ``owner_unit``, ``county``, ``confidential`` against the last ``row`` snapshot
  (:func:`bot.domain.context.record` puts the case after the act in every entry's payload); entries written before
  the snapshot existed give the grade only (``case.open`` ``grade``, ``case.grade`` ``to``).
- grade changes, 1:1 in order: ``case.open`` ↔ the first row (from none, reason 立案定级), each ``case.grade``
  (``from``, ``to``, ``reason``) ↔ the next row; ``by`` is the entry's actor and ``at`` its time.
- duties: each row must have been started on the timeline (``started``: id, kind, unit, due) and agree with it;
  each started duty must have a row; a duty ended on the timeline (``ended``: id, kind, state) must have that end
  state, and a row that is no longer open must have been ended on the timeline.
- assignments: each row must have been created by ``case.assign``/``case.reassign`` (``assignment``, ``unit``,
  the entry's time and actor as ``assigned_at``/``assigned_by``); its state must be that of its last
  ``assignment_row`` snapshot (a ``case.reassign``'s ``from_assignment`` is 已改派 after it).

Left out, on purpose:

- duty ``firing_id``: the worker's clock hands it from step to step (``bot.store.clock.set_firing``) without a
  timeline entry — it changes every time a reminder or escalation fires.
- duty ``late``: decided when the duty ends (and re-decided by a publication from its stated time), but no payload
  carries it per duty (acknowledge/report carry one aggregate ``late``), so there is nothing to compare it with;
  the digest's "late" list reads it.
- duty ``ended_at``, ``ended_by``, ``reason``, ``grade``, ``owner_person``, ``assignment_id``, ``started_at``,
  ``policy``, ``reminders``, ``escalations``: not recorded per duty on the timeline (the frozen schedule is the
  clock's own), so only a start/end with the wrong id, kind, unit, due or end state is caught.
- assignment ``acknowledged_by``/``acknowledged_at``/``reason``: not in the snapshot; the state is.
- case ``title`` (the link preview may fill it in later, ``bot.store.intake``) and the opening facts (number,
  source, link, times) which no command changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from bot.core.clock import ensure_utc
from bot.domain.case.lifecycle import ASSIGNMENT_LABELS, CASE_LABELS, AssignmentState, CaseState
from bot.domain.case.timeline import TimelineEntry
from bot.domain.grade import Grade
from bot.domain.records import Assignment, Case, Duty, DutyState, GradeChange

OPEN, GRADE, ASSIGN, REASSIGN = "case.open", "case.grade", "case.assign", "case.reassign"
OPENING_REASON = "立案定级"


def _grade(value) -> str:
    return Grade(int(value)).label.removesuffix("舆情") if value is not None else "无"


def _time(value) -> datetime | None:
    if value is None:
        return None
    return ensure_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


def disagreements(entries: list[TimelineEntry], case: Case, grade_changes: list[GradeChange],
                  duties: list[Duty], assignments: list[Assignment]) -> list[str]:
    """Every disagreement between the rows and the timeline (entries in seq order), in Chinese; empty: all hold."""
    return (case_problems(entries, case) + grade_problems(entries, grade_changes)
            + duty_problems(entries, duties) + assignment_problems(entries, assignments))


# --- the case ---------------------------------------------------------------------------------------------

CASE_CHECKS = (  # snapshot key, the case attribute, what it is called, how a value is shown
    ("grade", "grade", "定级", _grade),
    ("state", "state", "状态", lambda v: CASE_LABELS.get(CaseState(v), str(v)) if v else "无"),
    ("owner", "owner_unit", "办理单位", lambda v: v or "无"),
    ("county", "county", "县局", lambda v: v or "无"),
    ("confidential", "confidential", "涉密标记", lambda v: "涉密" if v else "非涉密"),
)


def case_problems(entries: Iterable[TimelineEntry], case: Case) -> list[str]:
    """The case row against the last snapshot (the grade also against older entries)."""
    expected: dict[str, object] = {}
    for entry in entries:
        p = entry.payload or {}
        if entry.action == OPEN and "grade" in p:
            expected["grade"] = p["grade"]
        elif entry.action == GRADE and "to" in p:
            expected["grade"] = p["to"]
        if isinstance(p.get("row"), dict):
            expected.update(p["row"])
    out = []
    for key, attr, name, show in CASE_CHECKS:
        if key not in expected:
            continue
        want, have = expected[key], getattr(case, attr)
        if key == "grade":
            want, have = int(want), int(have)
        elif key == "state":
            want, have = str(want), str(have)
        elif key == "confidential":
            want, have = bool(want), bool(have)
        if want != have:
            out.append(f"案件现{name}为 {show(have)}，时间线记录为 {show(want)}")
    return out


# --- grade changes ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Change:
    seq: int
    old: int | None
    new: int
    by: str
    at: datetime
    reason: str


def recorded_changes(entries: Iterable[TimelineEntry]) -> list[_Change]:
    """The grade changes the timeline recorded, in order."""
    out = []
    for e in entries:
        p = e.payload or {}
        if e.action == OPEN and "grade" in p:
            out.append(_Change(e.seq, None, int(p["grade"]), e.actor, ensure_utc(e.at), OPENING_REASON))
        elif e.action == GRADE and "to" in p:
            old = p.get("from")
            out.append(_Change(e.seq, int(old) if old is not None else None, int(p["to"]), e.actor, ensure_utc(e.at),
                               str(p.get("reason") or "")))
    return out


def grade_problems(entries: Iterable[TimelineEntry], rows: list[GradeChange]) -> list[str]:
    """The grade change rows against the timeline's, 1:1 in order."""
    recorded, out = recorded_changes(entries), []
    for i, (want, row) in enumerate(zip(recorded, rows), 1):
        differs = _change_differs(want, row)
        if differs:
            out.append(f"定级记录第 {i} 条与时间线第 {want.seq} 条不符（{differs}）")
    for i, row in enumerate(rows[len(recorded):], len(recorded) + 1):
        out.append(f"定级记录第 {i} 条（由 {_grade(row.old)} 至 {_grade(row.new)}）不在时间线上")
    for want in recorded[len(rows):]:
        out.append(f"时间线第 {want.seq} 条的定级（由 {_grade(want.old)} 至 {_grade(want.new)}）没有定级记录")
    return out


def _change_differs(want: _Change, row: GradeChange) -> str:
    """What differs, in words ("" when nothing)."""
    old, new = (int(row.old) if row.old is not None else None), int(row.new)
    if (old, new) != (want.old, want.new):
        return f"由 {_grade(want.old)} 至 {_grade(want.new)} / 记录 由 {_grade(old)} 至 {_grade(new)}"
    parts = []
    if row.by != want.by:
        parts.append(f"调整人 {want.by} / 记录 {row.by}")
    if _time(row.at) != want.at:
        parts.append("时间不同")
    if (row.reason or "") != want.reason:
        parts.append(f"理由 {want.reason} / 记录 {row.reason}")
    return "；".join(parts)


# --- duties -----------------------------------------------------------------------------------------------

@dataclass
class _DutyTrail:
    started: dict[int, tuple[int, dict]] = field(default_factory=dict)   # id → (seq, started item)
    ended: dict[int, tuple[int, dict]] = field(default_factory=dict)     # id → (seq, last ended item)


def duty_trail(entries: Iterable[TimelineEntry]) -> _DutyTrail:
    """Which duties the timeline started and ended (the last end of each)."""
    trail = _DutyTrail()
    for e in entries:
        p = e.payload or {}
        for item in p.get("started") or ():
            if isinstance(item, dict) and item.get("id") is not None:
                trail.started.setdefault(int(item["id"]), (e.seq, item))
        for item in p.get("ended") or ():
            if isinstance(item, dict) and item.get("id") is not None:
                trail.ended[int(item["id"])] = (e.seq, item)
    return trail


def duty_problems(entries: Iterable[TimelineEntry], duties: list[Duty]) -> list[str]:
    """The duty rows against the starts and ends on the timeline."""
    trail, out = duty_trail(entries), []
    rows = {d.id: d for d in duties}
    for duty in duties:
        start = trail.started.get(duty.id)
        if start is None:
            out.append(f"时限 #{duty.id} 不在时间线上")
            continue
        out += _start_differs(duty, start[1])
        out += _end_differs(duty, trail.ended.get(duty.id))
    for duty_id, (seq, _) in sorted(trail.started.items()):
        if duty_id not in rows:
            out.append(f"时间线第 {seq} 条开始的时限 #{duty_id} 没有记录")
    return out


def _start_differs(duty: Duty, item: dict) -> list[str]:
    out = []
    if "kind" in item and str(item["kind"]) != str(duty.kind):
        out.append(f"时限 #{duty.id} 的事项与时间线不符（时间线 {item['kind']} / 记录 {duty.kind}）")
    if "unit" in item and item["unit"] != duty.owner_unit:
        out.append(f"时限 #{duty.id} 的单位与时间线不符（时间线 {item['unit'] or '无'} / 记录 {duty.owner_unit or '无'}）")
    if "due" in item and _time(item["due"]) != _time(duty.due_at):
        out.append(f"时限 #{duty.id} 的期限与时间线不符")
    return out


def _end_differs(duty: Duty, end: tuple[int, dict] | None) -> list[str]:
    if end is None:
        return [] if duty.state == DutyState.OPEN else [f"时限 #{duty.id} 已结束（{duty.state}），时间线上没有结束记录"]
    seq, item = end
    if duty.state == DutyState.OPEN:
        return [f"时限 #{duty.id} 已于时间线第 {seq} 条结束（{item.get('state')}），记录仍为进行中"]
    if "state" in item and str(item["state"]) != str(duty.state):
        return [f"时限 #{duty.id} 的结束状态与时间线不符（时间线 {item['state']} / 记录 {duty.state}）"]
    return []


# --- assignments ------------------------------------------------------------------------------------------

def _state_label(value) -> str:
    try:
        return ASSIGNMENT_LABELS[AssignmentState(value)]
    except ValueError:
        return str(value)


def assignment_trail(entries: Iterable[TimelineEntry]) -> tuple[dict[int, TimelineEntry], dict[int, str | None]]:
    """The entry that created each assignment, and each one's last recorded state (None: not recorded)."""
    created: dict[int, TimelineEntry] = {}
    state: dict[int, str | None] = {}
    for e in entries:
        p = e.payload or {}
        if e.action in (ASSIGN, REASSIGN) and p.get("assignment") is not None:
            created.setdefault(int(p["assignment"]), e)
        if e.action == REASSIGN and p.get("from_assignment") is not None:
            state[int(p["from_assignment"])] = str(AssignmentState.REASSIGNED)
        snap = p.get("assignment_row")
        if isinstance(snap, dict) and snap.get("id") is not None:
            state[int(snap["id"])] = str(snap.get("state"))
        elif p.get("assignment") is not None:
            state[int(p["assignment"])] = None  # touched by an entry without a snapshot: state unknown
    return created, state


def assignment_problems(entries: Iterable[TimelineEntry], assignments: list[Assignment]) -> list[str]:
    """The assignment rows against their creation and last snapshot on the timeline."""
    created, state = assignment_trail(list(entries))
    rows, out = {a.id: a for a in assignments}, []
    for a in assignments:
        entry = created.get(a.id)
        if entry is None:
            out.append(f"分派 #{a.id} 不在时间线上")
            continue
        out += _creation_differs(a, entry)
        want = state.get(a.id)
        if want is not None and want != str(a.state):
            out.append(f"分派 #{a.id} 的状态与时间线不符（时间线 {_state_label(want)} / 记录 {_state_label(a.state)}）")
    for assignment_id, entry in sorted(created.items()):
        if assignment_id not in rows:
            out.append(f"时间线第 {entry.seq} 条的分派 #{assignment_id} 没有记录")
    return out


def _creation_differs(a: Assignment, entry: TimelineEntry) -> list[str]:
    unit = (entry.payload or {}).get("unit")
    out = []
    if unit is not None and unit != a.unit_id:
        out.append(f"分派 #{a.id} 的单位与时间线第 {entry.seq} 条不符（时间线 {unit} / 记录 {a.unit_id}）")
    if a.assigned_by != entry.actor or _time(a.assigned_at) != ensure_utc(entry.at):
        out.append(f"分派 #{a.id} 的分派人或分派时间与时间线第 {entry.seq} 条不符")
    return out
