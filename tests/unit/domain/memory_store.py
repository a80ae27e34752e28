"""An in-memory CaseStore for the domain's unit tests: each run works on a copy, kept only on success."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from bot.domain.case.lifecycle import CaseState
from bot.domain.case.timeline import GENESIS, EntryDraft, TimelineEntry, chain
from bot.domain.intake.reading import link_key
from bot.domain.records import Assignment, Case, Duty, Follow, GradeChange, Intake, Sighting


@dataclass
class _State:
    counters: dict[int, int] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    assignments: dict[int, Assignment] = field(default_factory=dict)
    duties: dict[int, Duty] = field(default_factory=dict)
    grade_changes: list[GradeChange] = field(default_factory=list)
    timeline: dict[int, list[TimelineEntry]] = field(default_factory=dict)
    intakes: dict[int, tuple[Intake, str | None]] = field(default_factory=dict)  # with the link's key
    sightings: list[tuple[int, Sighting, str | None]] = field(default_factory=list)
    follows: dict[int, Follow] = field(default_factory=dict)
    next_id: int = 1


class MemoryRepository:
    """CaseRepository over a _State; hands out copies so only saves change the state."""

    def __init__(self, state: _State) -> None:
        self.s = state

    def _id(self) -> int:
        self.s.next_id += 1
        return self.s.next_id

    def next_case_number(self, year: int) -> int:
        self.s.counters[year] = self.s.counters.get(year, 0) + 1
        return self.s.counters[year]

    def add_case(self, case: Case) -> Case:
        case.id = self._id()
        self.s.cases[case.id] = copy.deepcopy(case)
        return case

    def get_case(self, case_id: int) -> Case | None:
        return copy.deepcopy(self.s.cases.get(case_id))

    def case_by_number(self, number: str) -> Case | None:
        return next((copy.deepcopy(c) for c in self.s.cases.values() if c.number == number), None)

    def save_case(self, case: Case) -> None:
        self.s.cases[case.id] = copy.deepcopy(case)

    def assignments(self, case_id: int) -> list[Assignment]:
        return [copy.deepcopy(a) for a in self.s.assignments.values() if a.case_id == case_id]

    def add_assignment(self, assignment: Assignment) -> Assignment:
        assignment.id = self._id()
        self.s.assignments[assignment.id] = copy.deepcopy(assignment)
        return assignment

    def save_assignment(self, assignment: Assignment) -> None:
        self.s.assignments[assignment.id] = copy.deepcopy(assignment)

    def duties(self, case_id: int) -> list[Duty]:
        return [copy.deepcopy(d) for d in self.s.duties.values() if d.case_id == case_id]

    def add_duty(self, duty: Duty) -> Duty:
        duty.id = self._id()
        self.s.duties[duty.id] = copy.deepcopy(duty)
        return duty

    def save_duty(self, duty: Duty) -> None:
        old = self.s.duties[duty.id]
        assert old.policy == duty.policy and old.due_at == duty.due_at, "a duty's frozen policy never changes"
        self.s.duties[duty.id] = copy.deepcopy(duty)

    def follows(self, case_id: int) -> list[Follow]:
        return [copy.deepcopy(f) for f in self.s.follows.values() if f.case_id == case_id]

    def add_follow(self, follow: Follow) -> Follow:
        follow.id = self._id()
        self.s.follows[follow.id] = copy.deepcopy(follow)
        return follow

    def save_follow(self, follow: Follow) -> None:
        self.s.follows[follow.id] = copy.deepcopy(follow)

    def county_cases(self, desk_unit: str) -> list[tuple[Case, Follow | None]]:
        follows = {f.case_id: f for f in self.s.follows.values() if f.active and f.unit_id == desk_unit}
        found = [c for c in self.s.cases.values() if c.state != CaseState.ARCHIVED and (c.id in follows or c.taken_from)]
        return [(copy.deepcopy(c), copy.deepcopy(follows.get(c.id))) for c in sorted(found, key=lambda c: -c.id)]

    def add_grade_change(self, change: GradeChange) -> None:
        self.s.grade_changes.append(copy.deepcopy(change))

    def append(self, case_id: int, draft: EntryDraft) -> TimelineEntry:
        entries = self.s.timeline.setdefault(case_id, [])
        prev = entries[-1].hash if entries else GENESIS
        entry = chain(case_id, len(entries) + 1, copy.deepcopy(draft), prev)
        entries.append(entry)
        return entry

    def timeline(self, case_id: int) -> list[TimelineEntry]:
        return list(self.s.timeline.get(case_id, []))

    def add_intake(self, case_id: int, intake: Intake, link: str | None) -> None:
        key = link_key(link) if link else None
        self.s.intakes[case_id] = (intake, key[1] if key else None)

    def intake(self, case_id: int) -> Intake | None:
        found = self.s.intakes.get(case_id)
        return found[0] if found else None

    def open_case_with_link(self, link: str, *, drill: bool = False) -> Case | None:
        key = link_key(link)
        ids = {c for c, (_, k) in self.s.intakes.items() if key and k == key[1]}
        ids |= {c for c, _, k in self.s.sightings if key and k == key[1]}
        live = [c for c in self.s.cases.values()
                if c.id in ids and c.state != CaseState.ARCHIVED and bool(c.drill) == bool(drill)]
        return copy.deepcopy(max(live, key=lambda c: c.id)) if live else None

    def case_by_external_id(self, unit_id: str, external_id: str) -> Case | None:
        ids = [c for c, (i, _) in self.s.intakes.items() if i.api_unit == unit_id and i.external_id == external_id]
        return self.get_case(ids[0]) if ids else None

    def add_sighting(self, case_id: int, sighting: Sighting) -> None:
        key = link_key(sighting.link) if sighting.link else None
        self.s.sightings.append((case_id, sighting, key[1] if key else None))

    def open_duties_of(self, units: list[str], main_leader: bool = False,
                       person: str | None = None, counties: tuple[str, ...] = ()) -> list[tuple[Duty, Case]]:
        def leaders_own(d: Duty) -> bool:
            if d.owner_unit is not None or d.owner_person is not None:
                return False
            county = self.s.cases[d.case_id].county
            return county in counties if county else main_leader

        mine = [d for d in self.s.duties.values()
                if d.open and (d.owner_unit in units or (person is not None and d.owner_person == person)
                               or leaders_own(d))]
        pairs = [(copy.deepcopy(d), self.get_case(d.case_id)) for d in sorted(mine, key=lambda d: d.due_at)]
        return [(d, c) for d, c in pairs if c.state != CaseState.ARCHIVED]


class MemoryStore:
    """CaseStore: ``run`` works on a deep copy and keeps it only when the work succeeds."""

    def __init__(self) -> None:
        self.state = _State()

    def run(self, work):
        scratch = copy.deepcopy(self.state)
        result = work(MemoryRepository(scratch))
        self.state = scratch
        return result

    @property
    def repo(self) -> MemoryRepository:
        """A repository over the committed state (for assertions)."""
        return MemoryRepository(self.state)
