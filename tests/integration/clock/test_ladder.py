"""End to end through the real worker and RQ's real scheduler, the policy scaled ×3600 (four hours
become four seconds): a 特别重大 case's authoritative release is reminded, then escalated step by step
to the main leader; another case's ladder stops the moment its duty is done."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.clock import utcnow
from bot.domain.case import commands as case_commands
from bot.domain.clock.policy_file import load_policy
from bot.domain.clock.workdays import load_calendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Actor
from bot.org.file import parse_org_file
from bot.store.case_repo import SqlCaseStore
from bot.store.cases import DutyRow
from bot.store.clock import ClockFiringRow
from tests.integration.stack import SAMPLE_ORG, Stack, wait_for

DESK = Actor("p-sun", "cli")


@pytest.fixture
def scaled(redis_url, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("scale: 3600\n", encoding="utf-8")
    running = Stack(redis_url, tmp_path, extra_env={"POLICY_FILE": str(policy), "RECONCILE_INTERVAL": "2",
                                                    "WORKER_TTL": "20", "MAINTENANCE_INTERVAL": "5"})
    running.rules = Rules(parse_org_file(SAMPLE_ORG), load_policy(policy), load_calendar(None))
    yield running
    running.stop()


def steps(stack, duty_id):
    with stack.database.session() as session:
        rows = session.scalars(select(ClockFiringRow).where(ClockFiringRow.duty_id == duty_id)
                               .order_by(ClockFiringRow.step_at))
        return [(r.remind, tuple(r.roles), r.outcome) for r in rows]


def duty_of(stack, case_id, kind):
    with stack.database.session() as session:
        return session.scalars(select(DutyRow).where(DutyRow.case_id == case_id, DutyRow.kind == str(kind))).one()


def test_the_ladder_runs_to_the_main_leader_and_stops_when_the_duty_is_done(scaled):
    store = SqlCaseStore(scaled.database)
    run = case_commands.open_case(store, scaled.rules, DESK, utcnow(), title="奶粉", grade=Grade.ESPECIALLY_MAJOR).case
    stop = case_commands.open_case(store, scaled.rules, DESK, utcnow(), title="药店", grade=Grade.ESPECIALLY_MAJOR).case
    release = duty_of(scaled, run.id, DutyKind.AUTHORITATIVE_RELEASE)
    wecom = scaled.emulator.wecom

    def leader_heard():  # about this case: the other case's ladder reaches the main leader at the same seconds
        return [m for m in wecom.messages_for_user("zhaojz")
                if "督办" in str(m) and "发布权威信息" in str(m) and run.number in str(m)]

    wait_for(lambda: any("main_leader" in roles for _, roles, _ in steps(scaled, release.id)) and leader_heard(), timeout=40,
             what="the authoritative release's ladder to reach the main leader")
    fired = steps(scaled, release.id)
    print("authoritative release, 4 h scaled to 4 s:", fired)
    # the reminders first (at whole seconds: 3.2 s and 4 s may fall in one step; a reminder overtaken by a step
    # already due is recorded as skipped), then the ladder in order, each step once
    assert fired[0][0] and fired[0][1] == () and sum(r for r, _, _ in fired) >= 2
    assert [roles for _, roles, _ in fired if roles] == [("unit_head",), ("leader_in_charge",), ("desk", "main_leader")]
    assert fired[-1][2] == "sent" and len(leader_heard()) == 1

    # the public response (24 h → 24 s: reminders at 12, 19.2, 24 s; the ladder from 24 s): the second
    # case's is done right after its first reminder, so nothing more of it ever fires
    mine, other = duty_of(scaled, stop.id, DutyKind.PUBLIC_RESPONSE), duty_of(scaled, run.id, DutyKind.PUBLIC_RESPONSE)
    wait_for(lambda: steps(scaled, mine.id), timeout=40, what="the public response's first reminder")
    case_commands.end_duty_by_hand(store, scaled.rules, stop.id, mine.id, DESK, utcnow(), done=True)
    fired_before_done = len(steps(scaled, mine.id))  # 1, or 2 when a loaded machine ran the next step first
    wait_for(lambda: any(roles for _, roles, _ in steps(scaled, other.id)), timeout=40,
             what="the other case's public response to escalate")
    assert fired_before_done <= 2 and len(steps(scaled, mine.id)) == fired_before_done
    assert duty_of(scaled, stop.id, DutyKind.PUBLIC_RESPONSE).firing_id is None
