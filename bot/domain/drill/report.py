"""The report of a drill (演练报告, issue 23): each duty's times against its (scaled) deadline, who acted, what was
missed, and the scripted steps performed — as Chinese text (times in Asia/Shanghai) and as JSON.

Pure: :func:`drill_report` works on the case's records (its timeline, its duties, the case, the org), so the CLI
(``yuqing drill report``: a session's SqlCaseRepository) and the chat (``演练报告``: ``ctx.store.run``) feed it
alike. A case that is not a drill is refused (InvalidInput).

A duty's verdict:

    按时 (on_time)       done by its deadline
    迟办 (late)          done after it
    未办 (missed)        closed as missed (平息时未办结), closed after its deadline, or still open past it
    进行中 (open)        open, its deadline still ahead
    已关闭 (closed)      closed before its deadline without being done (单位退回, 归档, 无需办理, by the desk)
    已重新计时 (superseded)  replaced by a stricter clock when the grade was raised
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Iterable

from bot.core.clock import SHANGHAI, ensure_utc
from bot.core.org import Organisation
from bot.domain.case.lifecycle import CASE_LABELS
from bot.domain.case.timeline import TimelineEntry
from bot.domain.cards.duties_card import owner_name
from bot.domain.drill.people import drill_steps, scenario_entry, steps_done
from bot.domain.drill.steps import due_at as step_due_at
from bot.domain.errors import InvalidInput
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.records import Case, Duty, DutyState
from bot.domain.words import span, when

__all__ = ["DrillReport", "DutyRow", "StepRow", "Verdict", "actor_name", "drill_report", "verdict_of"]

SCRIPT_PLATFORM = "drill"  # what the drill's script does (a scripted raise) is not a person acting
SYSTEM = "system"
CLI_PREFIX = "cli:"


class Verdict(StrEnum):
    """How a duty of the drill went (module docstring)."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    OPEN = "open"
    CLOSED = "closed"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        """The Chinese word of the report: 按时, 迟办, 未办, …"""
        return VERDICT_LABELS[self]


VERDICT_LABELS = {Verdict.ON_TIME: "按时", Verdict.LATE: "迟办", Verdict.MISSED: "未办", Verdict.OPEN: "进行中",
                  Verdict.CLOSED: "已关闭", Verdict.SUPERSEDED: "已重新计时"}


def verdict_of(duty: Duty, now: datetime) -> Verdict:
    """The verdict of ``duty`` at ``now`` (module docstring)."""
    due = ensure_utc(duty.due_at)
    if duty.state == DutyState.DONE:
        return Verdict.LATE if duty.late or ensure_utc(duty.ended_at or now) > due else Verdict.ON_TIME
    if duty.state == DutyState.SUPERSEDED:
        return Verdict.SUPERSEDED
    if duty.state == DutyState.CLOSED:
        missed = duty.late or (duty.ended_at is not None and ensure_utc(duty.ended_at) > due)
        return Verdict.MISSED if missed else Verdict.CLOSED
    return Verdict.MISSED if ensure_utc(now) > due else Verdict.OPEN


@dataclass(frozen=True)
class DutyRow:
    """One duty of the drill: its kind and label, who answers for it (unit, person or 主要领导), its start and
    (scaled) deadline, when it ended and by whom (a name), its verdict, the reason it was closed, and how far past
    its deadline it ended — or is, still open (seconds, 0 when not past)."""

    kind: DutyKind
    label: str
    owner: str
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None
    ended_by: str
    verdict: Verdict
    reason: str = ""
    overdue: int = 0
    owner_unit: str | None = None
    owner_person: str | None = None
    ended_by_id: str | None = None


@dataclass(frozen=True)
class StepRow:
    """One scripted step: when it fell due (scaled), when it was performed (None: not yet), whether the grade
    changed, and why the grading was refused if it was."""

    index: int
    after: timedelta
    raise_to: Grade
    reason: str
    due_at: datetime
    done_at: datetime | None = None
    changed: bool | None = None
    refused: str = ""


@dataclass(frozen=True)
class DrillReport:
    """A drill's report at ``now``: the case, its scale and scenario, every duty in start order, the scripted steps,
    and who acted (name, number of acts) in the order they first acted."""

    number: str
    title: str
    grade: Grade
    state: str
    opened_at: datetime
    scale: float
    now: datetime
    source: str = ""
    people: tuple[tuple[str, str], ...] = ()  # (id, name) of the leaders the scenario names
    duties: tuple[DutyRow, ...] = ()
    steps: tuple[StepRow, ...] = ()
    actors: tuple[tuple[str, str, int], ...] = ()  # (id, name, acts)
    units: tuple[str, ...] = field(default=())  # the scenario's units (names)

    @property
    def totals(self) -> dict[Verdict, int]:
        """How many duties have each verdict (every verdict, zeros included)."""
        return {v: sum(1 for d in self.duties if d.verdict == v) for v in Verdict}

    # -- text ---------------------------------------------------------------------------------------------------

    def _at(self, at: datetime) -> str:
        """A moment as people read it; with seconds when the drill is scaled (its clocks run in seconds)."""
        text = when(at, self.now)
        return f"{text}:{ensure_utc(at).astimezone(SHANGHAI).second:02d}" if self.scale > 1 else text

    def _gap(self, seconds: float) -> str:
        """A length of real time; to the second under an hour when the drill is scaled."""
        s = abs(int(seconds))
        if self.scale > 1 and s < 3600:
            minutes, rest = divmod(s, 60)
            return (f"{minutes}分钟" if minutes else "") + (f"{rest}秒" if rest or not minutes else "")
        return span(s)

    def _drill_time(self, seconds: float) -> str:
        """A length of real time read as drill time (× the scale)."""
        return span(int(abs(seconds) * self.scale))

    def _scale_words(self) -> str:
        if self.scale <= 1:
            return "×1（按实际时间）"
        scale = int(self.scale) if self.scale == int(self.scale) else self.scale
        return f"×{scale}（演练时间1小时 = 实际{self._gap(3600 / self.scale)}）"

    def _duty_line(self, i: int, row: DutyRow) -> str:
        head = f"{i}. {row.label}（{row.owner}）：开始 {self._at(row.started_at)}，截止 {self._at(row.due_at)}，"
        if row.ended_at is None:
            ended = "尚未办结"
        elif row.verdict in (Verdict.ON_TIME, Verdict.LATE):
            ended = f"{row.ended_by or '—'}于 {self._at(row.ended_at)} 办结"
        elif row.verdict == Verdict.SUPERSEDED:
            ended = f"{self._at(row.ended_at)} 定级调整，按新时限重新计时"
        else:
            why = f"（{row.reason}）" if row.reason else ""
            ended = f"{self._at(row.ended_at)} 关闭{why}"
        detail = ""
        if row.overdue and row.verdict in (Verdict.LATE, Verdict.MISSED):
            drill = f"，合演练时间{self._drill_time(row.overdue)}" if self.scale > 1 else ""
            detail = f"（超时{self._gap(row.overdue)}{drill}）"
        return f"{head}{ended} —— {row.verdict.label}{detail}"

    def _step_line(self, row: StepRow) -> str:
        head = (f"{row.index + 1}. 演练时间{span(int(row.after.total_seconds()))}后升为{row.raise_to.label}"
                f"（{row.reason}），应于 {self._at(row.due_at)} 执行：")
        if row.done_at is None:
            return head + "尚未执行"
        if row.changed is False:
            why = f"：{row.refused}" if row.refused else ""
            return head + f"已于 {self._at(row.done_at)} 执行，等级未变{why}"
        return head + f"已于 {self._at(row.done_at)} 执行"

    def as_text(self) -> str:
        """The report in Chinese lines, times in Asia/Shanghai."""
        lines = [f"演练报告 {self.number}", f"标题：{self.title}",
                 f"等级：{self.grade.label}；状态：{self.state}",
                 f"时间倍率：{self._scale_words()}",
                 f"开始：{self._at(self.opened_at)}；报告生成：{self._at(self.now)}"]
        scenario = f"演练场景：{self.source or '未记录'}"
        if self.people:
            scenario += f"；接收通报和审批的领导：{'、'.join(name for _, name in self.people)}"
        lines.append(scenario)
        if self.steps:
            lines.append("脚本步骤：")
            lines += [self._step_line(row) for row in self.steps]
        totals = "，".join(f"{v.label}{n}" for v, n in self.totals.items() if n)
        lines.append(f"时限（共{len(self.duties)}项{'：' + totals if totals else ''}）：")
        lines += [self._duty_line(i, row) for i, row in enumerate(self.duties, start=1)] or ["（无）"]
        acted = "、".join(f"{name}（{n}次）" for _, name, n in self.actors)
        lines.append(f"参与人员：{acted or '（无）'}")
        return "\n".join(lines)

    # -- JSON ---------------------------------------------------------------------------------------------------

    def as_json(self) -> dict:
        """The report as a JSON-able dict (times ISO 8601 in UTC)."""
        return {
            "number": self.number, "title": self.title, "drill": True, "grade": self.grade.key,
            "grade_label": self.grade.label, "state": self.state, "opened_at": _iso(self.opened_at),
            "generated_at": _iso(self.now), "scale": self.scale,
            "scenario": {"source": self.source, "people": [{"id": i, "name": n} for i, n in self.people],
                         "units": list(self.units)},
            "duties": [{"kind": str(d.kind), "label": d.label, "owner": d.owner, "owner_unit": d.owner_unit,
                        "owner_person": d.owner_person, "started_at": _iso(d.started_at), "due_at": _iso(d.due_at),
                        "ended_at": _iso(d.ended_at), "ended_by": d.ended_by_id, "ended_by_name": d.ended_by,
                        "verdict": str(d.verdict), "verdict_label": d.verdict.label, "reason": d.reason,
                        "overdue_seconds": d.overdue} for d in self.duties],
            "steps": [{"index": s.index, "after_seconds": int(s.after.total_seconds()), "raise": s.raise_to.key,
                       "raise_label": s.raise_to.label, "reason": s.reason, "due_at": _iso(s.due_at),
                       "done_at": _iso(s.done_at), "changed": s.changed, "refused": s.refused or None}
                      for s in self.steps],
            "totals": {str(v): n for v, n in self.totals.items()},
            "actors": [{"id": i, "name": n, "acts": k} for i, n, k in self.actors],
        }


def _iso(at: datetime | None) -> str | None:
    return ensure_utc(at).isoformat() if at is not None else None


def actor_name(org: Organisation, actor_id: str | None) -> str:
    """Who acted, in words: a person's name, ``命令行用户 <user>`` for the CLI, 系统 for the system."""
    if not actor_id:
        return ""
    if actor_id.startswith(CLI_PREFIX):
        return f"命令行用户 {actor_id.removeprefix(CLI_PREFIX)}"
    if actor_id == SYSTEM:
        return "系统"
    person = org.person(actor_id)
    return person.name if person is not None else actor_id


def _duty_row(org: Organisation, duty: Duty, now: datetime) -> DutyRow:
    verdict = verdict_of(duty, now)
    end = duty.ended_at if duty.ended_at is not None else (now if duty.open else None)
    overdue = max(0, int((ensure_utc(end) - ensure_utc(duty.due_at)).total_seconds())) if end is not None else 0
    return DutyRow(kind=duty.kind, label=DUTY_LABELS.get(duty.kind, str(duty.kind)), owner=owner_name(org, duty),
                   started_at=duty.started_at, due_at=duty.due_at, ended_at=duty.ended_at,
                   ended_by=actor_name(org, duty.ended_by), verdict=verdict, reason=duty.reason or "",
                   overdue=overdue, owner_unit=duty.owner_unit, owner_person=duty.owner_person,
                   ended_by_id=duty.ended_by)


def _actors(org: Organisation, timeline: Iterable[TimelineEntry]) -> tuple[tuple[str, str, int], ...]:
    """The people (and the CLI) who acted, by first act, with their number of acts; the script and the system
    are left out."""
    counts: dict[str, int] = {}
    for entry in timeline:
        if entry.platform == SCRIPT_PLATFORM or entry.actor == SYSTEM:
            continue
        counts[entry.actor] = counts.get(entry.actor, 0) + 1
    return tuple((pid, actor_name(org, pid), n) for pid, n in counts.items())


def drill_report(timeline: list[TimelineEntry], duties: list[Duty], case: Case, org: Organisation,
                 now: datetime) -> DrillReport:
    """The report of the drill ``case`` at ``now`` from its timeline (oldest first) and its duties; raises
    InvalidInput when the case is not a drill."""
    if not case.drill:
        raise InvalidInput("drill.not_a_drill", f"{case.number} 不是演练案件。")
    timeline = list(timeline)
    scenario = scenario_entry(timeline)
    payload = scenario.payload if scenario is not None else {}
    done = steps_done(timeline)
    steps = []
    for step in drill_steps(timeline):
        entry = done.get(step.index)
        steps.append(StepRow(step.index, step.after, step.raise_to, step.reason, step_due_at(case, step),
                             entry.at if entry is not None else None,
                             bool(entry.payload.get("changed", True)) if entry is not None else None,
                             str(entry.payload.get("refused") or "") if entry is not None else ""))
    people = tuple((str(p), actor_name(org, str(p))) for p in dict.fromkeys(payload.get("people") or ()))
    units = tuple(org.units[u].name if u in org.units else str(u) for u in payload.get("units") or ())
    rows = [_duty_row(org, d, now) for d in sorted(duties, key=lambda d: (ensure_utc(d.started_at), d.id or 0))]
    return DrillReport(number=case.number, title=case.title, grade=case.grade, state=CASE_LABELS[case.state],
                       opened_at=case.opened_at, scale=float(case.drill_scale or 1.0), now=now,
                       source=str(payload.get("source") or ""), people=people, duties=tuple(rows),
                       steps=tuple(steps), actors=_actors(org, timeline), units=units)
