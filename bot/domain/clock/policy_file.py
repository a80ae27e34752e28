"""Load and validate the policy file (POLICY_FILE, YAML) whole: every error with its line.

Without a file the shipped defaults (policy_default.yaml = requirements.md's defaults table) apply.
A file may leave out any top-level key; what it leaves out comes from the defaults, and a duty it
names replaces that duty's defaults for every grade.

County rules (Art. 27): ``counties: {<county unit id>: {…}}`` — each block has the top level's keys (but
not ``scale``, ``counties`` or ``progress_every``: the city's hold) and lies over the city's values the same
way the file lies over the defaults; it is validated like the top level (statutory caps included), each error
with its line. Which ids are county units only the org knows: given them (``counties=``, as
``context.load_rules`` does), an id that is not one is an error too.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any, Collection

from bot.domain.clock.duration import Duration
from bot.domain.clock.policy import DEFAULT, PERSON_OWNED, STATUTORY_HOURS, EscalationStep, Policy
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.yaml_lines import FileErrors, LineMap, line_of, load_marked, read_text

DEFAULT_FILE = Path(__file__).with_name("policy_default.yaml")
TOP_KEYS = {"scale", "working_hours", "reminders", "escalation", "escalation_by_duty", "wait_for_working_hours",
            "digests", "duties", "counties", "progress_every"}
# a county block may not set the drill scale, nest counties, or say how often the city desk hears of its cases
CITY_ONLY = ("scale", "counties", "progress_every")
COUNTY_KEYS = TOP_KEYS - set(CITY_ONLY)
MERGED_BY_ENTRY = ("duties", "digests", "escalation_by_duty")  # a file names some entries; the rest stay
ROLES = ("unit_head", "leader_in_charge", "desk", "main_leader", "publicity_leader", "liaison")
# A leader's own duty never climbs to a unit's head: these roles mean nothing for a duty no unit owns.
UNIT_ROLES = ("unit_head", "leader_in_charge", "liaison")
PERSONAL_LADDERS = (str(DutyKind.MAIN_LEADER_ACKNOWLEDGE), PERSON_OWNED, str(DutyKind.SCRIPT_APPROVAL),
                    str(DutyKind.PLAN_APPROVAL))  # kinds only a person owns (an approval: its approver)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class PolicyFileError(FileErrors):
    """The policy file is refused; ``errors`` lists ``(line, message)`` pairs."""


def _off(value: Any) -> bool:
    """``off`` (YAML reads a bare off as false) turns a digest off."""
    return value is False or (isinstance(value, str) and value.strip().lower() == "off")


def _clock(text: Any) -> time | None:
    match = _HHMM.match(str(text).strip()) if isinstance(text, str) else None
    return time(int(match.group(1)), int(match.group(2))) if match else None


class _Checker:
    def __init__(self, prefix: str = "") -> None:
        self.errors: list[tuple[int, str]] = []
        self.prefix = prefix  # ``counties.<id>: `` for a county block's errors

    def err(self, line: int, message: str) -> None:
        self.errors.append((line, self.prefix + message))

    def number(self, value: Any, line: int, what: str, low: float, high: float | None = None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.err(line, f"{what} must be a number {bound}, not {value!r}")
            return None
        return float(value)

    def working_hours(self, raw: Any, line: int) -> tuple[tuple[time, time], ...]:
        periods: list[tuple[time, time]] = []
        for item in raw if isinstance(raw, list) and raw else [None]:
            start, _, end = str(item).partition("-")
            a, b = _clock(start), _clock(end)
            if a is None or b is None or a >= b or (periods and a < periods[-1][1]):
                self.err(line, f"working_hours: {item!r} is not an HH:MM-HH:MM period after the previous one")
                continue
            periods.append((a, b))
        return tuple(periods)

    def reminders(self, raw: Any, line: int) -> tuple[float, ...]:
        if not isinstance(raw, list) or not raw:
            self.err(line, "reminders must be a list of fractions of the window, e.g. [0.5, 0.8, 1.0]")
            return ()
        values = [self.number(v, line, "a reminder", 0.0, 1.0) for v in raw]
        if None not in values and values != sorted(values):
            self.err(line, "reminders must be in increasing order")
        return tuple(v for v in values if v is not None)

    def escalation(self, raw: Any, line: int) -> tuple[EscalationStep, ...]:
        if not isinstance(raw, list) or not raw:
            self.err(line, "escalation must be a list of steps {after, notify}")
            return ()
        steps: list[EscalationStep] = []
        for item in raw:
            where = line_of(item) or line
            if not isinstance(item, LineMap) or set(item) - {"after", "notify", "especially_major"}:
                self.err(where, "an escalation step has the keys after, notify and (optionally) especially_major")
                continue
            after = self.number(item.get("after"), line_of(item, "after"), "escalation after", 0.0)
            extra = self.roles(item.get("especially_major", []), line_of(item, "especially_major"), allow_empty=True)
            # ``notify: []`` is a step for 特别重大 only: it must name someone there
            notify = self.roles(item.get("notify"), line_of(item, "notify"), allow_empty=bool(extra))
            if after is not None and steps and after < steps[-1].after:
                self.err(where, "escalation steps must be in increasing order of after")
            if after is not None and (notify or extra):
                steps.append(EscalationStep(after, notify, extra))
        return tuple(steps)

    def ladders(self, raw: Any, line: int) -> dict[str, tuple[EscalationStep, ...]]:
        """``escalation_by_duty``: duty kind (or person_owned) → its own ladder, in the format of ``escalation``."""
        if not isinstance(raw, LineMap):
            self.err(line, "escalation_by_duty must be a mapping of duty (or person_owned) → a list of steps "
                           "{after, notify}")
            return {}
        out: dict[str, tuple[EscalationStep, ...]] = {}
        for name, steps in raw.items():
            where = line_of(raw, name)
            if name != PERSON_OWNED and name not in DutyKind.__members__.values():
                self.err(where, f"escalation_by_duty: unknown duty {name!r} (known: {PERSON_OWNED}, "
                                f"{', '.join(DutyKind)})")
                continue
            before = len(self.errors)
            ladder = self.escalation(steps, where)
            if len(self.errors) > before:
                continue
            unit_roles = sorted({r for s in ladder for r in (*s.notify, *s.especially_major) if r in UNIT_ROLES})
            if name in PERSONAL_LADDERS and unit_roles:
                self.err(where, f"escalation_by_duty.{name}: a person's own duty has no unit, so it cannot "
                                f"escalate to {', '.join(unit_roles)}; use desk, main_leader or publicity_leader")
                continue
            out[str(name)] = ladder
        return out

    def roles(self, raw: Any, line: int, allow_empty: bool = False) -> tuple[str, ...]:
        if not isinstance(raw, list) or (not raw and not allow_empty) or not all(r in ROLES for r in raw):
            self.err(line, f"notify must be a list of roles from: {', '.join(ROLES)}")
            return ()
        return tuple(raw)

    def grades(self, raw: Any, line: int) -> frozenset[Grade]:
        out: set[Grade] = set()
        for item in raw if isinstance(raw, list) else [raw]:
            try:
                out.add(Grade.from_key(item))
            except ValueError:
                self.err(line, f"wait_for_working_hours: unknown grade {item!r}")
        return frozenset(out)

    def digests(self, raw: Any, line: int) -> tuple[time | None, tuple[int, time] | None]:
        """(daily time, (weekday, time)); either is None when the file says ``off`` (no such digest)."""
        if not isinstance(raw, LineMap) or set(raw) - {"daily", "weekly"}:
            self.err(line, "digests has the keys daily (HH:MM or off) and weekly (weekday HH:MM or off)")
            return None, None
        daily = None if _off(raw.get("daily")) else _clock(raw.get("daily"))
        if daily is None and not _off(raw.get("daily")):
            self.err(line_of(raw, "daily"), f"digests.daily must be HH:MM or off, not {raw.get('daily')!r}")
        if _off(raw.get("weekly")):
            return daily, None
        day, _, at = str(raw.get("weekly", "")).strip().partition(" ")
        weekly_at = _clock(at.strip())
        if day.lower() not in DAYS or weekly_at is None:
            self.err(line_of(raw, "weekly"), f"digests.weekly must be like 'monday 08:30' or off, "
                                             f"not {raw.get('weekly')!r}")
            return daily, None
        return daily, (DAYS.index(day.lower()), weekly_at)

    def interval(self, raw: Any, line: int, what: str) -> Duration | None:
        """An interval of elapsed time (``min`` or ``h``), e.g. ``progress_every: 15min``."""
        try:
            duration = Duration.parse(raw)
        except ValueError as exc:
            self.err(line, f"{what}: {exc}")
            return None
        if duration.unit not in ("min", "h"):
            self.err(line, f"{what}: {raw!r} must be elapsed time in min or h (e.g. 15min), not working time")
            return None
        return duration

    def duties(self, raw: Any, line: int) -> dict[DutyKind, dict[str, Duration]]:
        if not isinstance(raw, LineMap):
            self.err(line, "duties must be a mapping of duty → {grade: duration}")
            return {}
        out: dict[DutyKind, dict[str, Duration]] = {}
        for name, per_grade in raw.items():
            where = line_of(raw, name)
            if name not in DutyKind.__members__.values():
                self.err(where, f"unknown duty {name!r} (known: {', '.join(DutyKind)})")
                continue
            if not isinstance(per_grade, LineMap):
                self.err(where, f"duty {name}: give a mapping of grade → duration")
                continue
            out[DutyKind(name)] = self.per_grade(DutyKind(name), per_grade)
        return out

    def per_grade(self, kind: DutyKind, raw: LineMap) -> dict[str, Duration]:
        out: dict[str, Duration] = {}
        for key, text in raw.items():
            where = line_of(raw, key)
            try:
                grade_key = DEFAULT if key == DEFAULT else Grade.from_key(key).key
                duration = Duration.parse(text)
            except ValueError as exc:
                self.err(where, f"duty {kind}: {exc}")
                continue
            limit = STATUTORY_HOURS.get((kind, Grade.from_key(grade_key))) if grade_key != DEFAULT else None
            if limit is not None and (duration.unit not in ("min", "h") or duration.hours > limit):
                self.err(where, f"duty {kind} for {grade_key}: the statutory clock is {limit:g} h; "
                                f"set it in h or min, at most {limit:g}h")
                continue
            out[grade_key] = duration
        return out


def _build(c: _Checker, data: LineMap, source: str) -> Policy:
    line = data.line_of
    daily, weekly = c.digests(data["digests"], line("digests"))
    scale = c.number(data["scale"], line("scale"), "scale", 1.0)
    return Policy(
        scale=scale or 1.0,
        working_hours=c.working_hours(data["working_hours"], line("working_hours")),
        reminders=c.reminders(data["reminders"], line("reminders")),
        escalation=c.escalation(data["escalation"], line("escalation")),
        waiting_grades=c.grades(data["wait_for_working_hours"], line("wait_for_working_hours")),
        daily_digest=daily,
        weekly_digest=weekly,
        duties=c.duties(data["duties"], line("duties")),
        source=source,
        escalation_by_duty=c.ladders(data.get("escalation_by_duty", LineMap()), line("escalation_by_duty")),
        **({"progress_every": every} if (every := _every(c, data)) is not None else {}),
    )


def _every(c: _Checker, data: LineMap) -> Duration | None:
    """``progress_every`` when the (merged) file gives it and it is valid; None: the built-in 15min."""
    if "progress_every" not in data:
        return None
    return c.interval(data["progress_every"], data.line_of("progress_every"), "progress_every")


def _check_required(c: _Checker, policy: Policy, data: LineMap) -> None:
    """The statutory clocks and the transfer default must stay in any policy."""
    line = data.line_of("duties") or 1
    for kind, grade in STATUTORY_HOURS:
        if kind in policy.duties and policy.duration(kind, grade) is None:
            c.err(line, f"duty {kind}: the statutory clock for {grade.key} cannot be left out")
    if DutyKind.TRANSFER_FEEDBACK in policy.duties and policy.duration(DutyKind.TRANSFER_FEEDBACK, None) is None:
        c.err(line, "duty transfer_feedback needs a default (used when a transfer slip names no deadline)")


def _over(base: LineMap, data: LineMap, line: int | None = None) -> LineMap:
    """``data`` over ``base``: a key ``data`` gives replaces the base's; in duties, digests and escalation_by_duty
    an entry it names replaces that entry and the others stay. The base's keys get ``line`` (0: the defaults)."""
    keep = 0 if line is None else line
    merged = LineMap({**base, **data})
    merged.key_lines = {**{k: keep for k in base}, **getattr(data, "key_lines", {})}
    merged.line = data.line if line is None else line
    for key in MERGED_BY_ENTRY:
        if isinstance(base.get(key), LineMap) and isinstance(data.get(key), LineMap):
            part = LineMap({**base[key], **data[key]})
            part.key_lines = {**{k: keep for k in base[key]}, **data[key].key_lines}
            part.line = data[key].line
            merged[key] = part
    return merged


def _policy(c: _Checker, merged: LineMap, source: str) -> Policy:
    policy = _build(c, merged, source)
    if not c.errors:  # a wrong duration is reported once, not again as "left out"
        _check_required(c, policy, merged)
    return policy


def _counties(c: _Checker, raw: Any, line: int, city: LineMap, city_ok: bool, base: LineMap, source: str,
              known: Collection[str] | None) -> dict[str, Policy]:
    """``counties``: county unit id → its merged policy (the block over the city's values: over the defaults
    when the city's are refused, so a county's errors are reported without repeating the city's)."""
    if not isinstance(raw, LineMap):
        c.err(line, "counties must be a mapping of county unit id → the values that differ for its cases")
        return {}
    out: dict[str, Policy] = {}
    for county, block in raw.items():
        where = raw.line_of(county)
        name = str(county)
        if known is not None and name not in known:
            c.err(where, f"counties: {name!r} is not a county unit of the org (its counties: "
                         f"{', '.join(sorted(known)) or 'none'})")
            continue
        if not isinstance(block, LineMap):
            c.err(where, f"counties.{name}: give a mapping of the values that differ from the city's")
            continue
        sub = _Checker(f"counties.{name}: ")
        for key in block:
            if key in CITY_ONLY:
                sub.err(block.line_of(key), f"a county block may not set {key} (the city's {key} holds)")
            elif key not in COUNTY_KEYS:
                sub.err(block.line_of(key), f"unknown key {key!r} (allowed: {', '.join(sorted(COUNTY_KEYS))})")
        given = LineMap({k: v for k, v in block.items() if k in COUNTY_KEYS})
        given.key_lines, given.line = dict(block.key_lines), block.line
        policy = _policy(sub, _over(city if city_ok else base, given, line=block.line), source)
        c.errors.extend(sub.errors)
        if not sub.errors:
            out[name] = replace(policy, county=name)
    return out


def parse_policy_text(text: str, source: str = "", defaults: Policy | None = None,
                      counties: Collection[str] | None = None) -> Policy:
    """Parse and validate a policy file's text; raises PolicyFileError listing every error with its line.

    ``counties``: the org's county unit ids, when known; a ``counties`` block naming another id is refused.
    """
    data = load_marked(text, source, PolicyFileError) or LineMap()
    if not isinstance(data, LineMap):
        raise PolicyFileError([(1, "the policy file must be a mapping (see policy_default.yaml)")], source)
    c = _Checker()
    for key in data:
        if key not in TOP_KEYS:
            c.err(data.line_of(key), f"unknown key {key!r} (allowed: {', '.join(sorted(TOP_KEYS))})")
    base = load_marked(DEFAULT_FILE.read_text(encoding="utf-8"), str(DEFAULT_FILE)) if defaults is None else None
    city_data = LineMap({k: v for k, v in data.items() if k != "counties"})
    city_data.key_lines, city_data.line = dict(getattr(data, "key_lines", {})), data.line
    # a file names some duties, ladders or one digest; the rest stay the defaults
    merged = _over(base, city_data) if isinstance(base, LineMap) else city_data
    policy = _policy(c, merged, source)
    if "counties" in data:
        county_policies = _counties(c, data["counties"], data.line_of("counties"), merged, not c.errors,
                                    base if isinstance(base, LineMap) else merged, source, counties)
        policy = replace(policy, counties=county_policies)
    if c.errors:
        raise PolicyFileError(c.errors, source)
    return policy


def default_policy() -> Policy:
    """The shipped defaults (requirements.md's defaults table)."""
    return parse_policy_text(DEFAULT_FILE.read_text(encoding="utf-8"), str(DEFAULT_FILE))


def load_policy(path: str | Path | None, counties: Collection[str] | None = None) -> Policy:
    """The policy in force: the file at ``path``, or the defaults when ``path`` is empty.

    ``counties``: the org's county unit ids where the org is known (``counties`` blocks are checked against
    them). Raises PolicyFileError (every error with its line) or ConfigError when the file cannot be read.
    """
    if not path:
        return default_policy()
    return parse_policy_text(read_text(path, "policy file"), source=str(path), counties=counties)
