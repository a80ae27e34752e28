"""The clock survives what Redis and workers do to it, against a private ``redis-server`` this test
starts itself and real ``yuqing worker`` processes: a flushed Redis is refilled from the database
within a reconcile period (none lost, none doubled); two workers side by side fire each reminder once;
a clock loop killed is started again by its worker and nothing it was to fire is lost or doubled."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from bot.config import ROOT, load
from bot.core.clock import utcnow
from bot.core.org import Person, Unit
from bot.domain.case.lifecycle import CaseState
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Case, Duty
from bot.localredis import start_private
from bot.store import Database, upgrade
from bot.store.case_repo import SqlCaseStore
from bot.store.clock import ClockFiringRow
from bot.store.org_repo import apply_organisation
from tests.integration.stack import wait_for
from tests.support.digest_policy import stack_files
from tests.unit.domain.sample_org import make_org
from worker import clock
from worker.runtime import Runtime

FROZEN = {"kind": "initial_report", "grade": 3, "duration": "2h", "amount": 2, "unit": "h", "scale": 1,
          "reminders": [0.5], "escalation": [], "wait": False, "working_hours": ["08:30-12:00", "14:00-17:30"]}


@pytest.fixture
def private(tmp_path):
    try:
        server = start_private()
    except FileNotFoundError:
        pytest.skip("redis-server is not installed")
    url = f"sqlite:///{tmp_path / 'clock.db'}"
    upgrade(url)
    database = Database(url)
    with database.session() as session:
        apply_organisation(session, quiet_org(), utcnow())
    env = {**os.environ, "REDIS_URL": server.url, "DATABASE_URL": url, "RECONCILE_INTERVAL": "1",
           "WORKER_TTL": "20", "MAINTENANCE_INTERVAL": "5", "LOG_LEVEL": "INFO"}
    for name in [k for k in env if k.startswith(("WECOM_", "DINGTALK_"))]:
        env.pop(name)
    env.update(stack_files(tmp_path, env))  # digests off, or due at start (tests/support/digest_policy.py)
    rt = Runtime(load(env), database, redis.Redis.from_url(server.url), {})
    workers: list[subprocess.Popen] = []

    def start_worker(name: str) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env, cwd=str(ROOT),
                                stdout=open(tmp_path / f"{name}.log", "wb"), stderr=subprocess.STDOUT)
        workers.append(proc)
        return proc

    rt.start_worker, rt.folder = start_worker, tmp_path
    yield rt
    for proc in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in workers:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    database.dispose()
    server.stop()


def quiet_org():
    """The sample org plus a unit whose only liaison cannot be reached (wants DingTalk, is only on WeCom):
    its reminders fire and reach nobody, so these tests measure the clock, not the delivery."""
    from dataclasses import replace

    org = make_org()
    gone = Person("p-gone", "离职干事", wecom="gone", prefer="dingtalk")
    quiet = Unit("u-quiet", "测试科", "section", "p-gone", ("p-gone",))
    return replace(org, people={**org.people, gone.id: gone}, units={**org.units, quiet.id: quiet})


def add_duties(rt: Runtime, count: int, remind_in: timedelta) -> list[int]:
    """``count`` open duties of one case, each reminding its unit once after ``remind_in``."""
    now = utcnow()

    def work(repo):
        case = repo.add_case(Case(number="YQ-2026-0001", title="压力测试", grade=Grade.MAJOR, state=CaseState.OPENED,
                                  owner_unit="u-desk", opened_by="p-sun", opened_at=now, first_seen_at=now))
        return [repo.add_duty(Duty(case.id, DutyKind.INITIAL_REPORT, Grade.MAJOR, now, now + timedelta(hours=2),
                                   FROZEN, reminders=[(now + remind_in).replace(microsecond=0)],
                                   owner_unit="u-quiet")).id for _ in range(count)]

    return SqlCaseStore(rt.database).run(work)


def firing_jobs(rt: Runtime) -> dict[int, int]:
    """How many scheduled firing jobs each duty has."""
    out: dict[int, int] = {}
    for job_id in clock.scheduled_firings(rt.redis):
        duty = int(job_id[len(clock.JOB_PREFIX):].split("-")[0])
        out[duty] = out.get(duty, 0) + 1
    return out


def test_a_flushed_redis_gets_every_deadline_back_within_a_reconcile_period(private):
    ids = add_duties(private, 1000, timedelta(hours=1))
    private.start_worker("w1")
    wait_for(lambda: len(firing_jobs(private)) == 1000, timeout=30, what="the first reconcile to schedule 1000")
    private.redis.flushall()
    assert firing_jobs(private) == {}
    jobs = wait_for(lambda: (j := firing_jobs(private)) and len(j) == 1000 and j, timeout=10,
                    what="the reconciler to schedule the 1000 deadlines again")
    assert set(jobs) == set(ids) and set(jobs.values()) == {1}  # none lost, none doubled
    with private.database.session() as session:
        assert session.scalar(select(func.count()).select_from(ClockFiringRow)) == 0  # nothing fired early


def test_two_workers_side_by_side_fire_each_of_500_reminders_once(private):
    ids = add_duties(private, 500, timedelta(seconds=4))
    private.start_worker("w1"), private.start_worker("w2")
    # the generous limit is from when each firing was a forked RQ job (~4 a second per worker)
    wait_for(lambda: _fired(private) >= 500, timeout=150, what="500 reminders to fire")
    with private.database.session() as session:
        per_duty = {d: n for d, n in session.execute(select(ClockFiringRow.duty_id, func.count())
                                                      .group_by(ClockFiringRow.duty_id))}
    assert set(per_duty) == set(ids) and set(per_duty.values()) == {1}

    def logs() -> str:  # a worker commits a step before it logs it
        return "\n".join((private.folder / f"{n}.log").read_text(errors="replace") for n in ("w1", "w2"))

    wait_for(lambda: len(re.findall(r"step=\S+ (?:sent|skipped|duplicate) ", logs())) >= 500, timeout=15,
             what="the workers to log their firings")
    text = logs()
    outcomes = {o: len(re.findall(rf"step=\S+ {o} ", text)) for o in ("sent", "skipped", "duplicate")}
    outcomes["stale"] = text.count("clock: stale firing")
    per_worker = [len(re.findall(r"step=\S+ sent ", (private.folder / f"{n}.log").read_text(errors="replace")))
                  for n in ("w1", "w2")]
    print(f"500 reminders on two workers: {outcomes}, sent per worker {per_worker}")
    assert outcomes["sent"] == 500 and outcomes["skipped"] == 0


def _fired(rt: Runtime) -> int:
    with rt.database.session() as session:
        return session.scalar(select(func.count()).select_from(ClockFiringRow))


def test_a_killed_clock_loop_is_started_again_and_its_reminders_fire_once(private):
    worker = private.start_worker("w1")

    def loop_pid() -> int | None:
        for pid in _children(worker.pid):
            try:
                if b"worker.clock_loop" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                continue
        return None

    first = wait_for(loop_pid, timeout=30, what="the worker's clock loop")
    os.kill(first, signal.SIGKILL)
    ids = add_duties(private, 20, timedelta(seconds=3))
    wait_for(lambda: (pid := loop_pid()) and pid != first, timeout=30, what="the clock loop started again")
    wait_for(lambda: _fired(private) >= 20, timeout=60, what="the 20 reminders to fire")
    with private.database.session() as session:
        per_duty = {d: n for d, n in session.execute(select(ClockFiringRow.duty_id, func.count())
                                                      .group_by(ClockFiringRow.duty_id))}
    assert per_duty == {i: 1 for i in ids}


def _children(pid: int) -> list[int]:
    out = []
    for stat in os.scandir("/proc"):
        if not stat.name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{stat.name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.name))
    return out
