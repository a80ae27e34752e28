"""The deadline clock with a fixed clock calling the jobs directly: a 特别重大 case's statutory clocks,
reminders at the policy's offsets, the escalation ladder step by step to the main leader, and the
OnCall guard (stale, early and duplicate firings do nothing; a duty done stops its ladder)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.clock import SHANGHAI, UTC, FixedClock
from bot.domain.case import commands as case_commands
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Actor
from bot.store import outbox
from bot.store.case_repo import SqlCaseStore
from bot.store.cases import DutyRow
from tests.unit.domain.sample_org import make_org
from worker import clock
from tests.unit.worker.runtimes import runtime_for

DESK = Actor("p-sun", "wecom")
TEN = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # a Tuesday, a working day


def sh(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def rt(database, redis_url):
    return runtime_for(database, redis_url, make_org(), TEN)


@pytest.fixture
def case(rt):
    rules = Rules(make_org(), default_policy(), WorkCalendar())
    return case_commands.open_case(SqlCaseStore(rt.database), rules, DESK, TEN, title="某品牌奶粉质量问题",
                                   grade=Grade.ESPECIALLY_MAJOR).case


def duty(rt, case, kind) -> DutyRow:
    with rt.database.session() as session:
        return session.scalars(select(DutyRow).where(DutyRow.case_id == case.id, DutyRow.kind == str(kind))).one()


def sent_since(rt, count: int) -> list[tuple[str, str, str]]:
    """Outbox rows of the clock after the first ``count``: (kind, user or group, left)."""
    with rt.database.session() as session:
        rows = list(session.scalars(select(outbox.OutboxRow).where(outbox.OutboxRow.dedup_id.like("clk:%"))
                                    .order_by(outbox.OutboxRow.id)))[count:]
    return [(r.card["kind"], r.address.get("user_id") or "group", r.card["data"]["left"]) for r in rows]


def test_an_especially_major_case_graded_at_ten_shows_fourteen_and_next_day_ten(rt, case):
    release, response = duty(rt, case, DutyKind.AUTHORITATIVE_RELEASE), duty(rt, case, DutyKind.PUBLIC_RESPONSE)
    assert release.due_at == sh(24, 14) and response.due_at == sh(25, 10)
    assert release.reminders == [sh(24, 12).isoformat(), sh(24, 13, 12).isoformat(), sh(24, 14).isoformat()]


def test_the_ladder_runs_step_by_step_to_the_main_leader_and_stops_when_done(rt, case):
    fixed = FixedClock(TEN)
    clock.arm(rt)
    release = duty(rt, case, DutyKind.AUTHORITATIVE_RELEASE)
    assert release.firing_id == clock.firing_id(release.id, sh(24, 12))
    assert clock.scheduled_firings(rt.redis)[clock.job_id(release.firing_id)] == sh(24, 12)
    heard = []
    for at in (sh(24, 12), sh(24, 13, 12), sh(24, 14), sh(24, 15), sh(24, 17)):
        fixed.set(at)
        fid = duty(rt, case, DutyKind.AUTHORITATIVE_RELEASE).firing_id
        assert clock.step_time(fid) == at
        before = len(sent_since(rt, 0))
        assert clock.fire(rt, release.id, fid, fixed.now()) == "sent"
        heard.append(sent_since(rt, before))
    assert heard[0] == [("reminder", "ligs", "还剩2小时"), ("reminder", "group", "还剩2小时")] or \
        heard[0] == [("reminder", "ligs", "还剩2小时")]  # the sample desk has no group chat
    assert heard[1][0] == ("reminder", "ligs", "还剩48分钟")
    assert ("escalation", "0523", "已到时限") in heard[2]  # 14:00: the unit head (孙科长), with the last reminder
    assert heard[3] == [("escalation", "qianfjz", "已超时1小时")]  # 15:00: the leader in charge
    assert {u for _, u, _ in heard[4]} >= {"zhaojz", "0523", "ligs"}  # 17:00: the desk and the main leader
    assert duty(rt, case, DutyKind.AUTHORITATIVE_RELEASE).firing_id == clock.exhausted(release.id)


def test_a_duty_done_stops_its_ladder_and_its_job_goes(rt, case):
    clock.arm(rt)
    release = duty(rt, case, DutyKind.AUTHORITATIVE_RELEASE)
    fid = release.firing_id
    rules = Rules(make_org(), default_policy(), WorkCalendar())
    case_commands.end_duty_by_hand(SqlCaseStore(rt.database), rules, case.id, release.id, DESK, sh(24, 11), done=True)
    assert clock.fire(rt, release.id, fid, sh(24, 12)) == "stale"
    assert clock.job_id(fid) in clock.scheduled_firings(rt.redis)
    assert clock.cancel_ended(rt, sh(24, 10)) == 1
    assert clock.job_id(fid) not in clock.scheduled_firings(rt.redis)
    assert sent_since(rt, 0) == []


def test_early_stale_and_duplicate_firings_send_nothing(rt, case):
    clock.arm(rt)
    release = duty(rt, case, DutyKind.AUTHORITATIVE_RELEASE)
    fid = release.firing_id
    assert clock.fire(rt, release.id, fid, sh(24, 11, 59)) == "early"
    assert any(j.startswith(clock.job_id(fid) + "-e") for j in clock.scheduled_firings(rt.redis))
    assert clock.fire(rt, release.id, fid, sh(24, 12)) == "sent"
    assert clock.fire(rt, release.id, fid, sh(24, 12)) == "stale"  # the duty moved on to 13:12
    with rt.database.session() as session:  # a worker that re-armed from an old read puts the old id back
        session.get(DutyRow, release.id).firing_id = fid
    assert clock.fire(rt, release.id, fid, sh(24, 12)) == "duplicate"  # the step's record is unique
    assert len(sent_since(rt, 0)) == 1


def test_arm_twice_schedules_each_duty_once_and_reminders_are_skipped_after_an_outage(rt, case):
    first = clock.arm(rt)
    assert first[0] == len(clock.plan(rt)) and clock.arm(rt) == (0, 0)
    release = duty(rt, case, DutyKind.AUTHORITATIVE_RELEASE)
    # the worker was down until 14:30: the 12:00 reminder is overtaken by later steps already due
    assert clock.fire(rt, release.id, release.firing_id, sh(24, 14, 30)) == "skipped"
    assert sent_since(rt, 0) == []


def steps_of(rt, duty_row) -> list[datetime]:
    from bot.store.case_repo import _to_duty

    out, last, d = [], None, _to_duty(duty_row)
    while (alarm := clock.next_step(d, last)) is not None:
        out.append(alarm.at)
        last = alarm.at
    return out


def working(at: datetime) -> bool:
    local = at.astimezone(SHANGHAI)
    minutes = local.hour * 60 + local.minute
    return WorkCalendar().is_workday(local.date()) and (510 <= minutes <= 720 or 840 <= minutes <= 1050)


def test_general_reminders_wait_for_working_hours_especially_major_never_wait(rt):
    from bot.domain.unit import commands as unit_commands

    rules = Rules(make_org(), default_policy(), WorkCalendar())
    store = SqlCaseStore(rt.database)
    evening = datetime(2026, 11, 27, 17, 20, tzinfo=SHANGHAI)  # a Friday, ten minutes before closing
    for grade in (Grade.GENERAL, Grade.ESPECIALLY_MAJOR):
        case = case_commands.open_case(store, rules, DESK, evening, title=f"{grade.label}案件", grade=grade).case
        unit_commands.assign_unit(store, rules, case.id, DESK, evening, "u-food")
        times = steps_of(rt, duty(rt, case, DutyKind.ACKNOWLEDGE))
        if grade == Grade.GENERAL:  # 4 wh: due Monday 11:50; every reminder and escalation inside working hours
            assert times and all(working(t) for t in times)
            assert times[0] > evening and times[-1].astimezone(SHANGHAI).date().isoformat() >= "2026-11-30"
        else:  # 15 min: reminders and the ladder run through the evening
            assert times[-1] - times[0] < timedelta(hours=1) and not all(working(t) for t in times)
