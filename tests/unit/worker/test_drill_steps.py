"""A drill's scripted steps through the worker (issue 23), on a real SQLite database: each reconcile performs the
steps due (``opened_at + after / drill_scale``) of open drills — the grade raised by the case's opener from the
platform ``drill``, a ``drill.step`` entry, the bulletins a grading in the chat sends (to the scenario's people
only) as outbox rows ``drill-step:…`` — and a second sweep, or a second worker that read the same timeline, adds
nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.core.clock import SHANGHAI, UTC
from bot.domain.case import commands as cases
from bot.domain.case.lifecycle import CaseState
from bot.domain.case.timeline import EntryDraft
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.errors import IllegalTransition
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.unit import commands as units
from bot.platforms.dingtalk.capabilities import CAPABILITIES as DINGTALK
from bot.platforms.wecom.capabilities import WITH_APP as WECOM
from bot.store import outbox
from bot.store.case_repo import SqlCaseStore
from bot.store.cases import CaseRow
from bot.store.org_repo import read_organisation
from tests.unit.domain.sample_org import make_org
from tests.unit.worker.runtimes import runtime_for
from worker import drill_steps

SUN = Actor("p-sun", "wecom")
TEN = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI).astimezone(UTC)
SCALE = 60
STEPS = [{"after": 600, "raise": 4, "reason": "热度持续上升"},   # 10min → 10 s
         {"after": 1200, "raise": 3, "reason": "仍在发酵"}]       # 20min → 20 s: not above 特别重大


@dataclass
class Messenger:
    capabilities: object


@pytest.fixture
def rt(sqlite_database, redis_url):
    return runtime_for(sqlite_database, redis_url, make_org(), TEN,
                       {"dingtalk": Messenger(DINGTALK), "wecom": Messenger(WECOM)})


@pytest.fixture
def rules():
    return Rules(make_org(), default_policy(), WorkCalendar())


def open_drill(rt, rules, *, drill=True, people=("p-zhao", "p-wu"), steps=STEPS):
    store = SqlCaseStore(rt.database)
    case = cases.open_case(store, rules, SUN, TEN, title="演练：某超市销售过期食品", grade=Grade.MAJOR, drill=drill,
                           drill_scale=SCALE if drill else None).case
    units.assign_unit(store, rules, case.id, SUN, TEN, "u-food")
    payload = {"people": list(people), "steps": list(steps), "scale": SCALE, "source": "major.yaml"}
    store.run(lambda repo: repo.append(case.id, EntryDraft("p-sun", "desk", "cli", "drill.scenario", payload, TEN)))
    return case


def step_rows(rt):
    with rt.database.session() as session:
        rows = session.scalars(select(outbox.OutboxRow).where(outbox.OutboxRow.dedup_id.like("drill-step:%"))
                               .order_by(outbox.OutboxRow.id))
        return [(r.dedup_id, r.method, dict(r.address or {}), r.card) for r in rows]


def timeline(rt, case):
    return SqlCaseStore(rt.database).run(lambda repo: repo.timeline(case.id))


def grade_of(rt, case):
    return SqlCaseStore(rt.database).run(lambda repo: repo.get_case(case.id)).grade


def test_a_due_step_raises_the_grade_and_tells_only_the_named_leaders_once(rt, rules):
    case = open_drill(rt, rules)
    assert drill_steps.sweep(rt, TEN + timedelta(seconds=9)) == 0
    assert grade_of(rt, case) == Grade.MAJOR and step_rows(rt) == []
    assert drill_steps.sweep(rt, TEN + timedelta(seconds=10)) == 1
    assert grade_of(rt, case) == Grade.ESPECIALLY_MAJOR
    graded, done = timeline(rt, case)[-2:]
    assert (graded.action, graded.actor, graded.platform) == ("case.grade", "p-sun", "drill")
    assert graded.payload["reason"] == "热度持续上升" and graded.payload["to"] == int(Grade.ESPECIALLY_MAJOR)
    assert (done.action, done.payload["index"], done.payload["changed"]) == ("drill.step", 0, True)
    rows = step_rows(rt)
    bulletins = [r for r in rows if (r[3] or {}).get("kind") == "bulletin"]
    told = {json.dumps(r[2], ensure_ascii=False) for r in bulletins}
    assert len(bulletins) == 2 and any("zhaojz" in t for t in told) and any("0412" in t for t in told)
    assert not any("qianfjz" in t for t in told)  # the publicity leader is not named in the scenario
    assert all(r[0].startswith(f"drill-step:{case.id}:0:") for r in rows)
    assert all("演练" in json.dumps(r[3], ensure_ascii=False) for r in bulletins)
    # the next sweep: this step is done, the next not yet due
    assert drill_steps.sweep(rt, TEN + timedelta(seconds=15)) == 0
    assert step_rows(rt) == rows


def test_a_step_not_above_the_grade_is_done_with_no_change_and_no_rows(rt, rules):
    case = open_drill(rt, rules)
    assert drill_steps.sweep(rt, TEN + timedelta(seconds=30)) == 2  # both due: raised, then not above
    rows = step_rows(rt)
    assert grade_of(rt, case) == Grade.ESPECIALLY_MAJOR
    steps = [e for e in timeline(rt, case) if e.action == "drill.step"]
    assert [(e.payload["index"], e.payload["changed"]) for e in steps] == [(0, True), (1, False)]
    assert [e.action for e in timeline(rt, case)].count("case.grade") == 1
    assert drill_steps.sweep(rt, TEN + timedelta(hours=1)) == 0 and step_rows(rt) == rows


def test_a_second_worker_that_read_the_same_timeline_adds_nothing(rt, rules, monkeypatch):
    case = open_drill(rt, rules)
    stale = drill_steps.due(rt, TEN + timedelta(seconds=10))
    assert stale == [(case.id, 0)]
    assert drill_steps.sweep(rt, TEN + timedelta(seconds=10)) == 1
    rows, entries = step_rows(rt), timeline(rt, case)
    monkeypatch.setattr(drill_steps, "due", lambda _rt, _now: stale)
    assert drill_steps.sweep(rt, TEN + timedelta(seconds=11)) == 0
    with rt.database.session() as session:
        org = read_organisation(session)
    with pytest.raises(IllegalTransition):
        drill_steps._perform(rt, org, rt.rules(org), case.id, 0, TEN + timedelta(seconds=12))
    assert step_rows(rt) == rows and timeline(rt, case) == entries and grade_of(rt, case) == Grade.ESPECIALLY_MAJOR


def test_real_cases_and_archived_drills_are_never_scripted(rt, rules):
    real = open_drill(rt, rules, drill=False)
    assert drill_steps.due(rt, TEN + timedelta(days=1)) == []
    assert drill_steps.sweep(rt, TEN + timedelta(days=1)) == 0
    assert grade_of(rt, real) == Grade.MAJOR
    drill = open_drill(rt, rules)
    with rt.database.session() as session:
        session.execute(update(CaseRow).where(CaseRow.id == drill.id).values(state=str(CaseState.ARCHIVED)))
    assert drill_steps.sweep(rt, TEN + timedelta(days=1)) == 0 and grade_of(rt, drill) == Grade.MAJOR
