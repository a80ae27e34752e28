"""The clock at size: pending deadlines, some of them due within the next minute, fired by a real
``yuqing worker`` (its clock loop, RQ scheduler and work horses) against a private redis-server and a migrated SQLite
database, with both emulators (in this process) receiving what the reminders send. The other
duties are due in hours and only scheduled.

Prints firing lateness (clock_firings.fired_at − step_at) p50/p99/max, duplicates (from the
worker's log and from the table: must be 0), the worker's CPU time (main process, clock loop,
scheduler and work horses) and its peak RSS; last one line of ratios against the targets.

    .venv/bin/python bench/clock.py            # 1,000 pending, 100 due within 30 s
    .venv/bin/python bench/clock.py --full     # the issue's 10,000 pending, 1,000 due within 60 s
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness
from _harness import percentile

FROZEN = {"kind": "initial_report", "grade": 3, "duration": "2h", "amount": 2, "unit": "h", "scale": 1,
          "reminders": [0.5], "escalation": [], "wait": False, "working_hours": ["08:30-12:00", "14:00-17:30"]}


def quiet_org():
    """The sample org plus a unit whose only liaison has left (its reminders reach nobody)."""
    from bot.core.org import Person, Unit
    from bot.org.file import parse_org_file

    org = parse_org_file(harness.ROOT / "examples" / "org.yaml")
    gone = Person("p-gone", "离职干事", wecom="gone", active=False)
    quiet = Unit("u-quiet", "测试科", "section", "p-gone", ("p-gone",))
    return replace(org, people={**org.people, gone.id: gone}, units={**org.units, quiet.id: quiet})


def add_duties(database, pending: int, due: int, lead: float, window: float) -> float:
    """``pending`` open duties of the sample org's units in turn, ``due`` of them reminding between ``lead`` and ``lead + window``
    seconds from now (spread evenly), the rest in 1–5 hours; returns the first due time (epoch)."""
    from bot.core.clock import utcnow
    from bot.domain.grade import Grade
    from bot.domain.kinds import DutyKind
    from bot.domain.case.lifecycle import CaseState
    from bot.domain.records import Case, Duty
    from bot.store.case_repo import SqlCaseStore

    now = utcnow().replace(microsecond=0)

    def remind(i: int):
        if i < due:
            return now + timedelta(seconds=lead + window * i / max(due, 1))
        return now + timedelta(hours=1, seconds=i)

    units = sorted(u for u in quiet_org().units if u != "u-quiet")

    def work(repo):
        case = repo.add_case(Case(number="YQ-2026-9001", title="时钟压力", grade=Grade.MAJOR, state=CaseState.OPENED,
                                  owner_unit="u-desk", opened_by="p-sun", opened_at=now, first_seen_at=now))
        for i in range(pending):
            at = remind(i).replace(microsecond=0)
            repo.add_duty(Duty(case.id, DutyKind.INITIAL_REPORT, Grade.MAJOR, now, now + timedelta(hours=6),
                               FROZEN, reminders=[at], owner_unit=units[i % len(units)]))

    SqlCaseStore(database).run(work)
    return (now + timedelta(seconds=lead)).timestamp()


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and its reaped children (the work horses), plus live children."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for p in [pid, *harness.children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:13 if p != pid else 15]) / tick
    return total


def migrated(path: Path):
    """A fresh migrated SQLite database at ``path`` with the sample org (and the quiet unit)."""
    from bot.core.clock import utcnow
    from bot.store import Database, upgrade
    from bot.store.org_repo import apply_organisation

    path.unlink(missing_ok=True)
    upgrade(f"sqlite:///{path}")
    database = Database(f"sqlite:///{path}")
    with database.session() as session:
        apply_organisation(session, quiet_org(), utcnow())
    return database


def fired(database) -> int:
    """How many steps were recorded so far."""
    from sqlalchemy import func, select

    from bot.store.clock import ClockFiringRow

    with database.session() as session:
        return session.scalar(select(func.count()).select_from(ClockFiringRow))


def run(database, args, log: Path) -> tuple[float, float]:
    """Add the duties, run one worker until the due ones fired; (worker CPU seconds, peak RSS MB)."""
    from bot.emulator import Directory, EmulatorServer

    redis = harness.private_redis()
    env = harness.base_env(redis.url, database.url)
    emulator = EmulatorServer(env, Directory.from_org_file(Path(env["ORG_FILE"]), env)).start()
    env.update(RECONCILE_INTERVAL="10", WORKER_TTL="30", MAINTENANCE_INTERVAL="30", WECOM_API_BASE=emulator.url,
               DINGTALK_OAPI_BASE=emulator.url, DINGTALK_API_BASE=emulator.url)
    first_due = add_duties(database, args.pending, args.due, args.lead, args.window)
    worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env, cwd=str(harness.ROOT),
                              stdout=open(log, "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
    rss = harness.RssWatch(worker.pid)
    try:
        deadline = first_due + args.window + 600
        while fired(database) < args.due and time.time() < deadline:
            time.sleep(1)
        time.sleep(2)
        return cpu_seconds(worker.pid), rss.stop()
    finally:
        harness.stop_process(worker)
        redis.stop()
        emulator.stop()


def report(database, args, log: Path, cpu: float, peak: float) -> None:
    """Print the table and the ratios."""
    from sqlalchemy import func, select

    from bot.store.clock import ClockFiringRow

    with database.session() as session:
        rows = session.execute(select(ClockFiringRow.step_at, ClockFiringRow.fired_at)).all()
        doubled = session.scalar(select(func.count()).select_from(
            select(ClockFiringRow.duty_id).group_by(ClockFiringRow.duty_id, ClockFiringRow.step_at)
            .having(func.count() > 1).subquery()))
    dup_log = len(re.findall(r"step=\S+ duplicate ", log.read_text(errors="replace")))
    late = [max(0.0, (f - s).total_seconds()) for s, f in rows]
    early = sum(1 for s, f in rows if f < s)
    print(f"clock — {args.pending:,} pending deadlines, {args.due:,} due within {args.window:g} s; one worker; s; "
          f"load average (1 min) {os.getloadavg()[0]:.1f} at the end")
    print(f"{'fired':>6} {'p50':>8} {'p99':>8} {'max':>8} {'dup(log)':>9} {'dup(db)':>8} {'early':>6} "
          f"{'cpu s':>7} {'rss MB':>7}")
    print(f"{len(rows):>6} {percentile(late, 50):>8.2f} {percentile(late, 99):>8.2f} {max(late or [0]):>8.2f} "
          f"{dup_log:>9} {doubled:>8} {early:>6} {cpu:>7.1f} {peak:>7.0f}")
    print(f"ratios: fired/due {len(rows) / max(args.due, 1):.2f}, lateness p99 / 1 s target "
          f"{percentile(late, 99):.2f}, duplicates {dup_log + doubled}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the issue's sizes: 10,000 pending, 1,000 due in 60 s")
    parser.add_argument("--pending", type=int, default=1000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--window", type=float, default=30.0, help="seconds over which the due ones fall")
    parser.add_argument("--lead", type=float, default=20.0, help="seconds before the first is due")
    args = parser.parse_args(argv)
    if args.full:
        args.pending, args.due, args.window, args.lead = 10_000, 1_000, 60.0, 45.0
    harness.VAR.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the emulators' access log
    database, log = migrated(harness.VAR / "clock.db"), harness.VAR / "clock-worker.log"
    try:
        cpu, peak = run(database, args, log)
        report(database, args, log, cpu, peak)
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
