"""Two leaders pressing 同意 at the same moment (issue 20): both decisions count and the version is approved exactly
once — on a real database (SQLite; PostgreSQL too when reachable), threads started by a barrier. ``store.run``
re-runs a command that lost the per-case timeline race (UNIQUE(case_id, seq)), and the command re-reads the
script's state inside it, so the second decision sees the first."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from bot.core.clock import SHANGHAI
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.errors import InvalidInput
from bot.domain.kinds import DutyKind as K
from bot.domain.records import DutyState
from bot.domain.response import decide_script, response_state, submit_script
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import apply_organisation
from tests.unit.domain.response_setup import FOOD, QIAN, WU, live_case
from tests.unit.domain.sample_org import make_org

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def sql(database):
    with database.session() as session:
        apply_organisation(session, make_org(), NOW)
    return SqlCaseStore(database)


def race(*calls) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(calls))

    def body(call) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _entries(sql, case_id):
    return sql.run(lambda repo: repo.timeline(case_id))


@pytest.mark.parametrize("round_", range(3))
def test_two_leaders_at_once_both_count_and_the_version_is_approved_once(sql, round_):
    rules = Rules(make_org(), default_policy(), WorkCalendar())
    case = live_case(sql, rules, NOW)
    submit_script(sql, rules, case.id, "u-food", FOOD, NOW, "口径")
    errors = race(*(lambda a=a: decide_script(sql, rules, case.id, "u-food", 1, a, NOW, approve=True)
                    for a in (QIAN, WU)))
    assert errors == []
    entries = _entries(sql, case.id)
    decisions = [e for e in entries if e.action == "script.approve"]
    assert sorted(e.actor for e in decisions) == ["p-qian", "p-wu"]
    assert [e.payload["approved"] for e in decisions] == [False, True]     # approved exactly once, by the second
    v = response_state(entries).script("u-food", 1)
    assert v.status == "approved"
    duties = sql.run(lambda repo: repo.duties(case.id))
    assert {d.state for d in duties if d.kind == K.SCRIPT_APPROVAL} == {DutyState.DONE}


def test_the_same_leader_pressing_twice_at_once_counts_once(sql):
    rules = Rules(make_org(), default_policy(), WorkCalendar())
    case = live_case(sql, rules, NOW)
    submit_script(sql, rules, case.id, "u-food", FOOD, NOW, "口径")
    errors = race(*(lambda: decide_script(sql, rules, case.id, "u-food", 1, QIAN, NOW, approve=True),) * 2)
    assert len(errors) == 1 and isinstance(errors[0], InvalidInput) and "无需重复操作" in str(errors[0].message)
    decisions = [e for e in _entries(sql, case.id) if e.action == "script.approve"]
    assert len(decisions) == 1 and decisions[0].payload["approved"] is False
