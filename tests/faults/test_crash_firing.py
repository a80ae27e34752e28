"""Crashes while the clock fires (issue 11, "Crashes"; tests/integration/clock/test_crash.py kills during
a batch of deliveries only, tests/faults/test_crash_events.py during event handling).

Many duties fall due within seconds of each other — a reminder each, and an escalation to the unit's
head and leader in charge a few seconds later — on units reached through DingTalk, WeCom and both, 1:1
and in groups. While the worker fires and delivers them, it and its children (scheduler, work horse)
are SIGKILLed at random moments, N times, and a fresh worker is started after each kill, as a
supervisor would. The test's own ``redis-server`` (bot.localredis.start_private), never the shared one.

The judges afterwards: ``clock_firings`` holds every step of every duty exactly once (sent; a reminder
``skipped`` only where the design allows it: its next step was already due when it fired); every outbox
row of a step was sent; and the emulators received every message of every step — none lost. Duplicates
(design.md, "Delivery guarantees") are counted and printed: at most one repeated send per kill that fell
inside a send (a DingTalk batch call carries one card to up to 20 people; WeCom's duplicate check covers
only button cards, which carry a unique task_id — a reminder is markdown, so WeCom repeats it too, seen
once in 50 kills). CI: 5 kills; ``make soak``: 50.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.clock import utcnow
from bot.domain.case.lifecycle import CaseState
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Case, Duty
from bot.localredis import start_private
from bot.org.file import parse_org_file
from bot.store.case_repo import SqlCaseStore
from bot.store.clock import ClockFiringRow
from bot.store.outbox import OutboxRow
from tests.faults.redeliver import settled
from tests.faults.stackhelp import kill_worker_tree, start_worker
from tests.integration.stack import SAMPLE_ORG, Stack, wait_for

UNITS = ["u-foodsale", "u-drug", "u-quality", "u-price"]  # DingTalk, WeCom, both, DingTalk
LADDER = ("unit_head", "leader_in_charge")
ESCALATE_AFTER = 30  # seconds from a duty's reminder to its escalation
FROZEN = {"kind": "initial_report", "grade": 3, "duration": "2h", "amount": 2, "unit": "h", "scale": 1,
          "reminders": [0.5], "escalation": [[1.0, list(LADDER)]], "wait": False,
          "working_hours": ["08:30-12:00", "14:00-17:30"]}
MARK = {"r": "催办", "e": "逾期提醒", "g": "催办"}


@pytest.fixture
def firing_stack(tmp_path):
    try:
        server = start_private()
    except FileNotFoundError:
        pytest.skip("redis-server is not installed")
    running = Stack(server.url, tmp_path, extra_env={"RECONCILE_INTERVAL": "1", "WORKER_TTL": "20",
                                                     "MAINTENANCE_INTERVAL": "2", "DELIVERY_LEASE": "3"})
    running.org = parse_org_file(SAMPLE_ORG)
    yield running
    running.stop()
    server.stop()


def add_duties(stack, count: int, first_in: float, spread: float,
               escalate_after: float | None = ESCALATE_AFTER) -> dict[int, tuple[str, str]]:
    """``count`` cases of one duty each, their reminders due between ``first_in`` and ``first_in + spread``
    seconds from now and each escalated ``escalate_after`` seconds later (None: never); returns
    duty id → (case number, unit)."""
    now = utcnow()

    def work(repo):
        out = {}
        for i in range(count):
            at = (now + timedelta(seconds=first_in + spread * i / max(1, count - 1))).replace(microsecond=0)
            number = f"YQ-2026-{7000 + i}"
            case = repo.add_case(Case(number=number, title=f"时钟压测{i}", grade=Grade.MAJOR, state=CaseState.OPENED,
                                      owner_unit="u-desk", opened_by="p-sun", opened_at=now, first_seen_at=now))
            duty = repo.add_duty(Duty(case.id, DutyKind.INITIAL_REPORT, Grade.MAJOR, now, at + timedelta(hours=2),
                                      FROZEN, reminders=[at],
                                      escalations=[] if escalate_after is None else
                                      [(at + timedelta(seconds=escalate_after), LADDER)],
                                      owner_unit=UNITS[i % len(UNITS)]))
            out[duty.id] = (number, duty.owner_unit)
        return out

    return SqlCaseStore(stack.database).run(work)


def firings(stack) -> list[ClockFiringRow]:
    with stack.database.session() as session:
        rows = list(session.scalars(select(ClockFiringRow).order_by(ClockFiringRow.id)))
        session.expunge_all()
        return rows


def step_rows(stack) -> list[OutboxRow]:
    with stack.database.session() as session:
        rows = list(session.scalars(select(OutboxRow).where(OutboxRow.dedup_id.like("clk:%"))))
        session.expunge_all()
        return rows


def received(stack, platform: str, key: str, number: str, mark: str) -> int:
    """How many messages of the case's reminder (催办) or escalation (逾期提醒) reached a person or group."""
    org, emulator = stack.org, getattr(stack.emulator, platform)
    if key.startswith("g:"):
        groups = org.units[key[2:]].groups
        hook = (groups.wecom_webhook_key or "").removeprefix("${").removesuffix("}")
        gid = groups.dingtalk_open_conversation_id if platform == "dingtalk" else stack.env.get(hook, hook)
        seen = emulator.messages_for_group(gid)
    else:
        person = org.people[key]
        seen = emulator.messages_for_user(getattr(person, platform))
    user = None if key.startswith("g:") else getattr(org.people[key], platform)

    def shown(m) -> str:  # a 1:1 reminder with its act's button is a DingTalk card (issue 19): read as shown
        if platform == "dingtalk" and user and getattr(m, "channel", "") == "card":
            return str(emulator.card_view(m.out_track_id, user))
        return str(m)

    return sum(1 for m in seen if number in shown(m) and mark in shown(m))


def judge(stack, duties: dict[int, tuple[str, str]], kills: int, started: float, capsys) -> None:
    fired = firings(stack)
    per_step = Counter((f.duty_id, f.step_at) for f in fired)
    assert len(per_step) == 2 * len(duties) and set(per_step.values()) == {1}, per_step  # every step, once
    assert {d for d, _ in per_step} == set(duties)
    skipped = [f for f in fired if f.outcome != "sent"]
    for f in skipped:  # design (docs/clock.md): only a pure reminder overtaken by a step already due
        assert f.outcome == "skipped" and f.remind and not f.roles, f
        assert f.fired_at >= f.step_at + timedelta(seconds=ESCALATE_AFTER), f
    assert all(f.roles == list(LADDER) for f in fired if not f.remind)  # escalations are always sent
    rows = step_rows(stack)
    assert rows and {r.state for r in rows} == {"sent"}, Counter(r.state for r in rows)
    lost, duplicates = [], Counter()
    for row in rows:
        _, duty, _epoch, kind, *rest = row.dedup_id.split(":")
        number, unit = duties[int(duty)]
        got = received(stack, row.platform, f"g:{unit}" if kind == "g" else rest[0], number, MARK[kind])
        if got == 0:
            lost.append(row.dedup_id)
        elif got > 1:
            one_to_one = "wecom 1:1" if row.platform == "wecom" and kind != "g" else row.platform
            duplicates[one_to_one] += got - 1
    lateness = [(f.fired_at - f.step_at).total_seconds() for f in fired]
    with capsys.disabled():
        print(f"\n[firing crashes] {kills} SIGKILLs of worker + horse while firing, {time.monotonic() - started:.0f} s; "
              f"{len(duties)} duties, {len(fired)} steps recorded once each ({len(skipped)} reminders skipped as "
              f"overtaken), {len(rows)} messages sent, lost {len(lost)}, duplicates {dict(duplicates) or 0}; "
              f"lateness max {max(lateness):.1f} s, mean {sum(lateness) / len(lateness):.1f} s")
    assert not lost, lost
    # one kill inside a send repeats that send at most once: one DingTalk batch call (≤ 20 people) or one post
    assert sum(duplicates.values()) <= kills * 20, duplicates


def run(stack, kills: int, capsys) -> None:
    rnd, started = random.Random(), time.monotonic()
    gaps = [rnd.uniform(0.5, 3.0) for _ in range(kills)]
    # the duties fall due over the kill window, so the kills land while reminders and escalations fire
    duties = add_duties(stack, max(12, 2 * kills), first_in=3, spread=max(6.0, sum(gaps) - ESCALATE_AFTER / 2))
    wait_for(lambda: firings(stack), timeout=60, what="the first firing\n" + stack.worker_log()[-3000:])
    for gap in gaps:
        time.sleep(gap)
        kill_worker_tree(stack)
        start_worker(stack)
    wait_for(lambda: len(firings(stack)) >= 2 * len(duties), timeout=120 + 2 * kills,
             what=f"every step to fire ({len(firings(stack))} of {2 * len(duties)})\n" + stack.worker_log()[-3000:])
    settled(stack, lambda cond, what: wait_for(cond, timeout=120, what=what))
    wait_for(lambda: {r.state for r in step_rows(stack)} == {"sent"}, timeout=120,
             what=f"every step's message to be sent: {Counter(r.state for r in step_rows(stack))}")
    judge(stack, duties, kills, started, capsys)


def test_kills_while_the_clock_fires_lose_no_reminder_or_escalation(firing_stack, capsys):
    run(firing_stack, 5, capsys)


@pytest.mark.slow
@pytest.mark.timeout(900)  # the full size outlives the suite's 300 s per test
def test_kills_while_the_clock_fires_lose_no_reminder_or_escalation_full(firing_stack, capsys):
    run(firing_stack, 50, capsys)
