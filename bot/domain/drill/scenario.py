"""A drill's scenario file (issue 23): the made-up story a drill case opens with, read and checked whole.

    title: 演练：某超市销售过期食品致多人不适      # required; 演练： is put in front when it does not start with 演练
    link: https://news.example.com/drill/major   # optional, http(s)
    grade: 重大                                  # optional (default 一般): 一般|敏感|重大|特别重大 or general|…
    units: [u-foodsale]                          # optional: unit ids of the org, warned at once
    facts: 3名消费者就医，视频在微博传播            # optional: the desk card's summary
    people: [p-zhao, p-qian, p-wu]               # optional: the only leaders who receive bulletins and approvals
    steps:                                       # optional scripted steps, in drill time (scaled like the clocks)
      - {after: 1h, raise: 特别重大, reason: 热度持续上升}

Every error is a :class:`ScenarioError` (a ValueError and a ConfigError) naming the file and the line, all of them
at once: unknown keys, a missing title, a wrong grade, a duration that is not elapsed time (``min`` or ``h``),
steps out of order or not raising the grade. Given the org, unit and person ids it does not know are refused too
(the desk itself cannot be a drill's unit; a person named must be a leader: the main or publicity leader, a
unit's leader in charge, or a county's own leader). ``docs/drills.md`` documents the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core.errors import ConfigError
from bot.core.org import Organisation
from bot.domain.clock.duration import Duration
from bot.domain.grade import Grade
from bot.domain.yaml_lines import FileErrors, LineMap, line_of, load_marked, read_text

__all__ = ["KEYS", "STEP_KEYS", "Scenario", "ScenarioError", "Step", "load_scenario", "parse_scenario"]

KEYS = ("title", "link", "grade", "units", "facts", "people", "steps")
STEP_KEYS = ("after", "raise", "reason")
TITLE_MARK = "演练："


class ScenarioError(FileErrors, ValueError):
    """A scenario file is refused; ``errors`` lists ``(line, message)`` pairs, ``str()`` shows them all as
    ``file:line: message``."""


@dataclass(frozen=True)
class Step:
    """A scripted step: ``after`` this much drill time from the opening (divided by the case's scale when it
    runs), raise the grade to ``raise_to`` for ``reason``."""

    after: timedelta
    raise_to: Grade
    reason: str


@dataclass(frozen=True)
class Scenario:
    """A drill's scenario as checked: ``title`` always starts with 演练; ``source`` is the file's name ('' for a
    text)."""

    title: str
    link: str | None = None
    grade: Grade = Grade.GENERAL
    units: tuple[str, ...] = ()
    facts: str = ""
    people: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    source: str = ""


def load_scenario(path_or_text: str | Path, org: Organisation | None = None) -> Scenario:
    """The scenario of a file (a Path, or a str naming a ``.yaml``/``.yml`` file or an existing file) or of YAML
    text (any other str); with ``org``, its unit and person ids are checked against it. Raises ScenarioError."""
    if _is_path(path_or_text):
        path = Path(path_or_text)
        try:
            text = read_text(path, "drill scenario")
        except ConfigError as exc:
            raise ScenarioError([(0, str(exc))], str(path)) from None
        return parse_scenario(text, str(path), org, name=path.name)
    return parse_scenario(str(path_or_text), "", org)


def _is_path(value: str | Path) -> bool:
    if isinstance(value, Path):
        return True
    text = str(value)
    if "\n" in text or not text.strip():
        return False
    return text.strip().lower().endswith((".yaml", ".yml")) or Path(text).is_file()


def parse_scenario(text: str, source: str = "", org: Organisation | None = None, name: str = "") -> Scenario:
    """The scenario of YAML ``text`` (``source``: the file, for the errors; ``name``: kept as Scenario.source).
    Raises ScenarioError listing every error with its line."""
    data = load_marked(text, source, ScenarioError)
    if not isinstance(data, LineMap):
        raise ScenarioError([(1, "a scenario must be a mapping with at least a title (see docs/drills.md)")], source)
    c = _Checker(org)
    for key in data:
        if key not in KEYS:
            c.err(data.line_of(key), f"unknown key {key!r} (allowed: {', '.join(KEYS)})")
    title = c.text(data, "title", required=True)
    link = c.link(data)
    grade = c.grade(data.get("grade", Grade.GENERAL.key), data.line_of("grade"), "grade")
    units = c.ids(data, "units")
    facts = c.text(data, "facts")
    people = c.ids(data, "people")
    steps = c.steps(data.get("steps", []), data.line_of("steps"), grade or Grade.GENERAL)
    if org is not None:
        c.known_units(units, data.line_of("units"))
        c.known_people(people, data.line_of("people"))
    if c.errors:
        raise ScenarioError(c.errors, source)
    title = title if title.startswith("演练") else TITLE_MARK + title
    return Scenario(title=title, link=link, grade=grade, units=units, facts=facts, people=people, steps=steps,
                    source=name)


class _Checker:
    def __init__(self, org: Organisation | None) -> None:
        self.org = org
        self.errors: list[tuple[int, str]] = []

    def err(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    def text(self, data: LineMap, key: str, required: bool = False) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            where = data.line_of(key) if key in data else data.line
            self.err(where, f"{key} must be a non-empty text" + ("" if key in data else " (it is required)"))
            return ""
        return value.strip()

    def link(self, data: LineMap) -> str | None:
        value = data.get("link")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip().lower().startswith(("http://", "https://")):
            self.err(data.line_of("link"), f"link must be an http(s) address, not {value!r}")
            return None
        return value.strip()

    def grade(self, value: Any, line: int, what: str) -> Grade | None:
        try:
            if isinstance(value, bool):
                raise ValueError
            return Grade.from_key(value)
        except ValueError:
            self.err(line, f"{what}: unknown grade {value!r} (一般, 敏感, 重大, 特别重大 or "
                           f"{', '.join(g.key for g in Grade)})")
            return None

    def ids(self, data: LineMap, key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            example = "u-food" if key == "units" else "p-zhao"
            self.err(data.line_of(key), f"{key} must be a list of ids, e.g. [{example}]")
            return ()
        out = tuple(v.strip() for v in value)
        if len(set(out)) != len(out):
            self.err(data.line_of(key), f"{key}: an id is named twice")
        return tuple(dict.fromkeys(out))

    def steps(self, raw: Any, line: int, grade: Grade) -> tuple[Step, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.err(line, "steps must be a list of {after, raise, reason}")
            return ()
        out: list[Step] = []
        last_after, last_grade = timedelta(0), grade
        for number, item in enumerate(raw, start=1):
            where = line_of(item) or line
            if not isinstance(item, LineMap):
                self.err(where, f"step {number} must be a mapping {{after, raise, reason}}")
                continue
            before = len(self.errors)
            for key in item:
                if key not in STEP_KEYS:
                    self.err(item.line_of(key), f"step {number}: unknown key {key!r} (allowed: {', '.join(STEP_KEYS)})")
            for key in STEP_KEYS:
                if key not in item:
                    self.err(where, f"step {number}: {key} is required")
            after = self.after(item.get("after"), item.line_of("after"), number) if "after" in item else None
            raise_to = (self.grade(item["raise"], item.line_of("raise"), f"step {number}: raise")
                        if "raise" in item else None)
            reason = item.get("reason")
            if "reason" in item and (not isinstance(reason, str) or not reason.strip()):
                self.err(item.line_of("reason"), f"step {number}: reason must be a non-empty text")
            if after is not None and after < last_after:
                self.err(item.line_of("after"), f"step {number}: steps must be in increasing order of after")
            if raise_to is not None and raise_to <= last_grade:
                self.err(item.line_of("raise"), f"step {number}: raise must be above {last_grade.label} "
                                                f"(the grade before this step)")
            if len(self.errors) == before:
                out.append(Step(after, raise_to, reason.strip()))
                last_after, last_grade = after, raise_to
        return tuple(out)

    def after(self, value: Any, line: int, number: int) -> timedelta | None:
        try:
            duration = Duration.parse(value)
        except ValueError as exc:
            self.err(line, f"step {number}: after: {exc}")
            return None
        if duration.unit not in ("min", "h"):
            self.err(line, f"step {number}: after {value!r} must be drill time in min or h (e.g. 10min), "
                           "not working time")
            return None
        return timedelta(hours=duration.hours)

    def known_units(self, units: tuple[str, ...], line: int) -> None:
        for unit_id in units:
            unit = self.org.units.get(unit_id)
            if unit is None or not unit.active:
                self.err(line, f"units: {unit_id!r} is not an active unit of the org")
            elif unit.desk:
                self.err(line, f"units: {unit_id!r} is the desk, which runs the drill; name the units it warns")

    def known_people(self, people: tuple[str, ...], line: int) -> None:
        leaders = _leaders(self.org)
        for person_id in people:
            person = self.org.person(person_id)
            if person is None or not person.active:
                self.err(line, f"people: {person_id!r} is not an active person of the org")
            elif person_id not in leaders:
                self.err(line, f"people: {person_id!r} ({person.name}) is not a leader (main or publicity leader, "
                               "a unit's leader in charge or a county's leader)")


def _leaders(org: Organisation) -> set[str]:
    """The ids of everyone who leads: main and publicity leaders, leaders in charge, counties' own leaders."""
    found = {p.id for p in org.people.values() if {"main_leader", "publicity_leader"} & set(p.roles)}
    found |= {u.leader_in_charge for u in org.units.values() if u.leader_in_charge}
    for county in org.counties():
        found |= set(org.county_leaders(county.id).ids())
    return found
