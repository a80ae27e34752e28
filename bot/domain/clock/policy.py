"""The policy in force: durations per duty and grade, reminders, escalation, working hours, digests.

A duty freezes the piece of policy it needs (:meth:`Policy.freeze`) when its clock starts, so editing
the policy file never changes a running clock. Loading and validating the file is policy_file.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time

from bot.domain.clock.duration import Duration
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind

# The statutory clocks of Art. 18 (§): (duty, grade) → the longest allowed duration in hours.
STATUTORY_HOURS: dict[tuple[DutyKind, Grade], float] = {
    (DutyKind.AUTHORITATIVE_RELEASE, Grade.ESPECIALLY_MAJOR): 4,
    (DutyKind.PUBLIC_RESPONSE, Grade.ESPECIALLY_MAJOR): 24,
    (DutyKind.PUBLIC_RESPONSE, Grade.MAJOR): 48,
}
DEFAULT = "default"
# The key of ``escalation_by_duty`` for the ladder of a duty a person owns (a leader's, an approver's own),
# when its kind has no ladder of its own.
PERSON_OWNED = "person_owned"


@dataclass(frozen=True)
class EscalationStep:
    """After ``after`` × the window past the deadline, notify ``notify`` (+ ``especially_major`` for 特别重大)."""

    after: float
    notify: tuple[str, ...]
    especially_major: tuple[str, ...] = ()

    def targets(self, grade: Grade) -> list[str]:
        """The roles this step notifies for a case of ``grade``."""
        extra = self.especially_major if grade == Grade.ESPECIALLY_MAJOR else ()
        return [*self.notify, *(r for r in extra if r not in self.notify)]


@dataclass(frozen=True)
class Policy:
    """A validated policy file (see policy_default.yaml for the format)."""

    scale: float
    working_hours: tuple[tuple[time, time], ...]
    reminders: tuple[float, ...]
    escalation: tuple[EscalationStep, ...]
    waiting_grades: frozenset[Grade]
    daily_digest: time | None          # None: no daily digest (``digests: {daily: off}``)
    weekly_digest: tuple[int, time] | None
    duties: dict[DutyKind, dict[str, Duration]] = field(default_factory=dict)
    source: str = ""
    # a duty kind's own ladder (or PERSON_OWNED's) instead of ``escalation``
    escalation_by_duty: dict[str, tuple[EscalationStep, ...]] = field(default_factory=dict)
    # county unit id → that county's merged policy (the city's with the file's ``counties.<id>`` block over it)
    counties: dict[str, "Policy"] = field(default_factory=dict)
    county: str | None = None          # set on a county's merged policy: whose it is
    # how often a followed county case's new steps go to the city desk as one batched notice, where its group's
    # card cannot be updated in place (issue 22); elapsed time, divided by ``scale`` like every duration
    progress_every: Duration = field(default_factory=lambda: Duration(15, "min"))

    def for_county(self, county: str | None) -> "Policy":
        """The policy a case of ``county`` runs by (Art. 27): that county's merged policy; the city's (this one)
        for a city case; for a county the file gives no rules, the city's, marked as that county's."""
        if not county or self.county is not None:
            return self
        return self.counties.get(county) or replace(self, counties={}, county=county)

    def progress_interval(self) -> Duration:
        """``progress_every`` as it runs: scaled by the drill ``scale`` (elapsed hours when not 1)."""
        return self.progress_every.scaled(self.scale)

    def ladder(self, kind: DutyKind, personal: bool = False) -> tuple[EscalationStep, ...]:
        """The escalation ladder of a duty of ``kind``: its kind's own; else, for a duty a person owns
        (``personal``), the person-owned ladder; else the global one."""
        own = self.escalation_by_duty.get(str(kind))
        if own is not None:
            return own
        if personal and PERSON_OWNED in self.escalation_by_duty:
            return self.escalation_by_duty[PERSON_OWNED]
        return self.escalation

    def duration(self, kind: DutyKind, grade: Grade | None) -> Duration | None:
        """The configured (unscaled) duration of ``kind`` for ``grade``, or None when the grade has none."""
        per_grade = self.duties.get(kind, {})
        if grade is not None and grade.key in per_grade:
            return per_grade[grade.key]
        return per_grade.get(DEFAULT)

    def freeze(self, kind: DutyKind, grade: Grade, duration: Duration | None = None,
               personal: bool = False) -> dict | None:
        """The JSON-able piece of policy a duty of ``kind`` at ``grade`` keeps for its whole life.

        ``duration`` overrides the policy's (e.g. a transfer slip's deadline); ``personal``: a person (or the
        main leaders) owns it, so it climbs the person-owned ladder unless its kind has one; None when no
        clock applies.
        """
        base = duration or self.duration(kind, grade)
        if base is None:
            return None
        scaled = base.scaled(self.scale)
        return {
            "kind": str(kind),
            "grade": int(grade),
            "duration": str(base),
            "amount": scaled.amount,
            "unit": scaled.unit,
            "scale": self.scale,
            "reminders": list(self.reminders),
            "escalation": [{"after": s.after, "notify": s.targets(grade)} for s in self.ladder(kind, personal)
                           if s.targets(grade)],  # a step for 特别重大 only is left out at other grades
            "wait": grade in self.waiting_grades and self.scale == 1,
            "working_hours": [f"{a:%H:%M}-{b:%H:%M}" for a, b in self.working_hours],
        }

    def to_dict(self) -> dict:
        """The policy as plain data, in the file's own shape (for `yuqing policy show --json`)."""
        days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        return {
            "scale": self.scale,
            "working_hours": [f"{a:%H:%M}-{b:%H:%M}" for a, b in self.working_hours],
            "reminders": list(self.reminders),
            "escalation": _steps(self.escalation),
            "escalation_by_duty": {k: _steps(v) for k, v in self.escalation_by_duty.items()},
            "wait_for_working_hours": [g.key for g in sorted(self.waiting_grades)],
            "digests": {"daily": f"{self.daily_digest:%H:%M}" if self.daily_digest else "off",
                        "weekly": f"{days[self.weekly_digest[0]]} {self.weekly_digest[1]:%H:%M}"
                                  if self.weekly_digest else "off"},
            "duties": {str(k): {g: str(d) for g, d in v.items()} for k, v in self.duties.items()},
            "progress_every": str(self.progress_every),
            "source": self.source,
            **({"counties": sorted(self.counties)} if self.counties else {}),
            **({"county": self.county} if self.county else {}),
        }

    def as_text(self) -> str:
        """The policy for people to read (`yuqing policy show`)."""
        data = self.to_dict()
        lines = [f"策略文件 (policy): {self.source or '内置默认值 (built-in defaults)'}",
                 *([f"县局 (county): {self.county} — 市局策略叠加该县局规则 (the city's policy with this county's "
                    f"rules over it)"] if self.county else []),
                 f"演练倍率 (scale): {self.scale:g}",
                 f"工作时间 (working hours): {', '.join(data['working_hours'])}",
                 f"提醒 (reminders): {', '.join(f'{r:.0%}' for r in self.reminders)}",
                 "升级 (escalation): " + _steps_text(self.escalation),
                 *(f"  {DUTY_LABELS[DutyKind(k)] if k != PERSON_OWNED else '个人承办的事项'} ({k}): {_steps_text(v)}"
                   for k, v in self.escalation_by_duty.items()),
                 f"等待工作时间的级别 (wait for working hours): {', '.join(g.label for g in sorted(self.waiting_grades))}",
                 f"日报/周报 (digests): {data['digests']['daily']} / {data['digests']['weekly']}",
                 f"县局进展汇总通知间隔 (progress_every): {self.progress_every}", "时限 (duties):"]
        for kind, per_grade in self.duties.items():
            cells = [f"{Grade.from_key(g).label if g != DEFAULT else '默认'} {d}" for g, d in per_grade.items()]
            lines.append(f"  {DUTY_LABELS[kind]} ({kind}): {', '.join(cells)}")
        if self.counties:
            lines.append(f"县局规则 (counties): {', '.join(sorted(self.counties))} "
                         f"(yuqing policy show --county ID)")
        return "\n".join(lines)

    def with_scale(self, scale: float) -> "Policy":
        """The same policy (and its counties') with another drill scale factor."""
        return replace(self, scale=float(scale), counties={k: v.with_scale(scale) for k, v in self.counties.items()})


def _steps(steps: tuple[EscalationStep, ...]) -> list[dict]:
    return [{"after": s.after, "notify": list(s.notify),
             **({"especially_major": list(s.especially_major)} if s.especially_major else {})} for s in steps]


def _steps_text(steps: tuple[EscalationStep, ...]) -> str:
    return "; ".join(f"+{s.after:.0%} → {', '.join(s.notify)}"
                     + (f" (特别重大 + {', '.join(s.especially_major)})" if s.especially_major else "") for s in steps)
