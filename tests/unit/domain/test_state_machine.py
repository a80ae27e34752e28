"""Random actions by random people through cases and assignments (hypothesis state machine).

Checks after every step: no illegal state, exactly one timeline entry per accepted action, every
chain verifies, no clock runs backwards, and a duty's frozen policy and clocks never change — even
when the policy in force is edited between steps.
"""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, Phase, event, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from bot.core.clock import SHANGHAI, FixedClock
from bot.domain.case import commands as cases
from bot.domain.case.lifecycle import CASE_TRANSITIONS, AssignmentState, CaseState
from bot.domain.case.timeline import first_broken
from bot.domain.clock.policy_file import default_policy, parse_policy_text
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.errors import DomainError
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind, ReportKind
from bot.domain.records import Actor
from bot.domain.unit import commands as units
from tests.unit.domain.memory_store import MemoryStore
from tests.unit.domain.sample_org import make_org

ORG = make_org()
PEOPLE = sorted(ORG.people)
UNITS = ["u-food", "u-drug", "u-desk", "u-county-a", "u-nowhere"]
POLICIES = [
    default_policy(),
    parse_policy_text("duties:\n  acknowledge: {general: 1wh, sensitive: 10min, major: 5min, especially_major: 5min}\n"),
    parse_policy_text("scale: 60\n"),
    parse_policy_text("reminders: [0.25, 1.0]\nwait_for_working_hours: []\n"),
]
LIVE = (AssignmentState.WARNED, AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED)
actors = st.builds(Actor, st.sampled_from(PEOPLE), st.sampled_from(["wecom", "dingtalk"]))
reasons = st.sampled_from(["", "属其他单位职责", "影响扩大"])


class Reader:
    """Reads through the store's own transactions: ``reader.duties(case_id)`` etc."""

    def __init__(self, store) -> None:
        self.store = store

    def __getattr__(self, name: str):
        committed = getattr(self.store, "repo", None)  # the in-memory store reads without a copy
        if committed is not None:
            return getattr(committed, name)
        return lambda *args: self.store.run(lambda repo: getattr(repo, name)(*args))


class CaseMachine(RuleBasedStateMachine):
    """Drives the commands with random actors; refused commands must change nothing."""

    make_store = MemoryStore

    def __init__(self) -> None:
        super().__init__()
        self.store = self.make_store()
        self.reader = Reader(self.store)
        self.clock = FixedClock(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
        self.rules = Rules(ORG, POLICIES[0], WorkCalendar())
        self.accepted: dict[int, int] = {}
        self.frozen: dict[int, tuple] = {}

    def attempt(self, case_id: int | None, command):
        before = self.reader.timeline(case_id) if case_id else None
        try:
            out = command()
        except DomainError as refused:
            event(f"refused {refused.key}")
            if case_id:
                assert self.reader.timeline(case_id) == before, "a refused command wrote to the timeline"
            return None
        event(f"accepted {out.entry.action}")
        event(f"case state {out.case.state}")
        self.accepted[out.case.id] = self.accepted.get(out.case.id, 0) + 1
        assert out.entry.at == self.clock.now()
        return out

    def pick_case(self, data) -> int:
        return data.draw(st.sampled_from(sorted(self.accepted)))

    def pick_assignment(self, data, case_id: int) -> tuple[int, str | None]:
        found = [(a.id, a.unit_id) for a in self.reader.assignments(case_id)] or [(-1, None)]
        return data.draw(st.sampled_from(found))

    def pick_actor(self, data, *units: str | None) -> Actor:
        """Anyone, but most often someone of the units concerned (so that many actions are accepted)."""
        near = [p for u in units if u in ORG.units for p in ORG.units[u].people]
        person = data.draw(st.sampled_from(near * 10 + PEOPLE))
        return Actor(person, data.draw(st.sampled_from(["wecom", "dingtalk"])))

    def desk_of(self, case_id: int) -> str:
        return self.reader.get_case(case_id).owner_unit

    @initialize(grade=st.sampled_from(Grade), unit=st.sampled_from(UNITS[:3]))
    def first_case(self, grade, unit):
        desk = Actor("p-li", "wecom")
        case = self.attempt(None, lambda: cases.open_case(self.store, self.rules, desk, self.clock.now(), title="首案",
                                                          grade=grade)).case
        self.attempt(case.id, lambda: units.assign_unit(self.store, self.rules, case.id, desk, self.clock.now(), unit))

    @rule(data=st.data(), grade=st.sampled_from(Grade), transfer=st.booleans())
    def open_case(self, data, grade, transfer):
        actor = self.pick_actor(data, "u-desk", "u-county-a")
        self.attempt(None, lambda: cases.open_case(self.store, self.rules, actor, self.clock.now(), title="测试舆情",
                                                   grade=grade, transfer_ref="转办" if transfer else None))

    @precondition(lambda self: self.accepted)
    @rule(data=st.data(), unit=st.sampled_from(UNITS))
    def assign(self, data, unit):
        case_id = self.pick_case(data)
        actor = self.pick_actor(data, self.desk_of(case_id))
        self.attempt(case_id, lambda: units.assign_unit(self.store, self.rules, case_id, actor, self.clock.now(), unit))

    @precondition(lambda self: self.accepted)
    @rule(data=st.data(), what=st.sampled_from(["ack", "reject", "reassign", "report"]),
          reason=reasons, kind=st.sampled_from(ReportKind), unit=st.sampled_from(UNITS))
    def unit_action(self, data, what, reason, kind, unit):
        case_id = self.pick_case(data)
        (aid, assigned), now = self.pick_assignment(data, case_id), self.clock.now()
        actor = self.pick_actor(data, assigned, self.desk_of(case_id) if what == "reassign" else None)
        command = {
            "ack": lambda: units.acknowledge(self.store, self.rules, case_id, aid, actor, now),
            "reject": lambda: units.reject(self.store, self.rules, case_id, aid, actor, now, reason),
            "reassign": lambda: units.reassign(self.store, self.rules, case_id, aid, actor, now, unit),
            "report": lambda: units.report(self.store, self.rules, case_id, aid, actor, now, kind, reason),
        }[what]
        self.attempt(case_id, command)

    @precondition(lambda self: self.accepted)
    @rule(data=st.data())
    def acknowledge(self, data):
        case_id = self.pick_case(data)
        aid, assigned = self.pick_assignment(data, case_id)
        actor = self.pick_actor(data, assigned)
        self.attempt(case_id, lambda: units.acknowledge(self.store, self.rules, case_id, aid, actor, self.clock.now()))

    @precondition(lambda self: self.accepted)
    @rule(data=st.data(), grade=st.sampled_from(Grade), reason=reasons)
    def set_grade(self, data, grade, reason):
        case_id = self.pick_case(data)
        actor = self.pick_actor(data, self.desk_of(case_id))
        self.attempt(case_id, lambda: cases.set_grade(self.store, self.rules, case_id, actor, self.clock.now(),
                                                      grade, reason))

    @precondition(lambda self: self.accepted)
    @rule(data=st.data())
    def advance(self, data):
        case_id = self.pick_case(data)
        nearby = sorted(CASE_TRANSITIONS[self.reader.get_case(case_id).state])
        state = data.draw(st.sampled_from(nearby * 12 + list(CaseState)))
        actor = self.pick_actor(data, self.desk_of(case_id))
        self.attempt(case_id, lambda: cases.advance_case(self.store, self.rules, case_id, actor, self.clock.now(), state))

    @precondition(lambda self: self.accepted)
    @rule(data=st.data())
    def advance_again(self, data):
        """The same as advance, drawn twice as often so that runs reach subsided and archived."""
        self.advance(data)

    @precondition(lambda self: self.accepted)
    @rule(data=st.data(), done=st.booleans(), reason=reasons)
    def end_duty(self, data, done, reason):
        case_id = self.pick_case(data)
        found = [(d.id, d.owner_unit) for d in self.reader.duties(case_id)] or [(-1, None)]
        duty_id, owner = data.draw(st.sampled_from(found))
        actor = self.pick_actor(data, owner, self.desk_of(case_id))
        self.attempt(case_id, lambda: cases.end_duty_by_hand(self.store, self.rules, case_id, duty_id, actor,
                                                             self.clock.now(), done=done, reason=reason))

    @precondition(lambda self: self.accepted)
    @rule(data=st.data(), actor=actors, unit=st.sampled_from(UNITS))
    def transfer_down(self, data, actor, unit):
        case_id = self.pick_case(data)
        self.attempt(case_id, lambda: cases.transfer_down(self.store, self.rules, case_id, actor, self.clock.now(), unit))

    @rule(minutes=st.integers(0, 2 * 24 * 60))
    def time_passes(self, minutes):
        self.clock.advance(minutes=minutes)

    @rule(policy=st.sampled_from(POLICIES))
    def policy_edited(self, policy):
        self.rules = Rules(ORG, policy, self.rules.calendar)

    @invariant()
    def timelines_hold(self):
        for case_id, count in self.accepted.items():
            entries = self.reader.timeline(case_id)
            assert len(entries) == count, "one timeline entry per accepted action"
            assert first_broken(entries) is None
            assert all(a.at <= b.at for a, b in zip(entries, entries[1:])), "the timeline runs forwards"

    @invariant()
    def states_are_legal(self):
        for case_id in self.accepted:
            case = self.reader.get_case(case_id)
            assignments = self.reader.assignments(case_id)
            worked = any(a.state in (AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED) for a in assignments)
            assert (case.state != CaseState.OPENED) == worked, "handling exactly when a unit acknowledged"
            live = [a.unit_id for a in assignments if a.state in LIVE]
            assert len(live) == len(set(live)), "one live assignment per unit"
            duties = self.reader.duties(case_id)
            quiet = {a.id for a in assignments if a.state not in LIVE}
            assert not any(d.open and d.assignment_id in quiet for d in duties), "a returned unit has no running clock"
            if case.state == CaseState.ARCHIVED:
                assert not any(d.open for d in duties)
            running = [(d.kind, d.assignment_id) for d in duties if d.open and d.kind != DutyKind.TRANSFER_FEEDBACK]
            assert len(running) == len(set(running)), "one running clock per duty"

    @invariant()
    def clocks_run_forwards_and_stay_frozen(self):
        for case_id in self.accepted:
            for d in self.reader.duties(case_id):
                assert d.started_at <= d.due_at
                assert all(d.started_at <= r for r in d.reminders) and d.reminders == sorted(d.reminders)
                steps = [at for at, _ in d.escalations]
                assert all(d.due_at <= at for at in steps) and steps == sorted(steps)
                if d.ended_at:
                    assert d.ended_at >= d.started_at
                snapshot = (d.policy, d.started_at, d.due_at, d.reminders, d.escalations)
                assert self.frozen.setdefault(d.id, snapshot) == snapshot, "a frozen duty changed"


# No explain phase: it traces every line (chinese_calendar included) and took minutes to report a failure
# that shrinking had already found in seconds — it looked like a hang in CI.
CaseMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=50, deadline=None,
                                         phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target,
                                                 Phase.shrink],
                                         suppress_health_check=list(HealthCheck))
TestCaseMachine = CaseMachine.TestCase
