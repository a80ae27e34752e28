"""The clock loop: a process beside each ``yuqing worker`` that fires the clock's due steps.

It sleeps until the soonest scheduled firing (``bot.schedule.clock_schedule``: whole seconds, so it wakes
on the second) or until a firing due sooner is added, claims what is due (atomically: one loop per
firing, however many workers run) and fires each in turn with ``worker.clock.fire`` — one transaction
per duty, the duty's guard kept — reading the organisation once per batch and queueing the batch's
deliveries after its last firing, as jobs of up to 50 rows each (``worker.delivery.schedule_rows``: one
work horse sends them in turn). No RQ job and no fork per firing, and deliveries queued on
``yq-delivery`` never hold it up (bench/clock.py: RQ's one-second scheduler poll, a work horse per
firing and the delivery jobs ahead of it made p99 lateness 8.5 s at 100 due in 30 s).

A process rather than a thread of the worker: RQ forks a work horse per job from the worker's main
process, and a fork while another thread is inside the database driver can leave the horse with a
lock it never gets back. The worker starts the loop and restarts it when it dies (its keeper thread);
the loop ends when asked (SIGTERM/SIGINT) or when its worker is gone (its parent changes).

    python -m worker.clock_loop --parent <worker pid>
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import datetime

from bot.core.clock import utcnow
from bot.schedule import clock_schedule
from bot.store.org_repo import read_organisation
from worker.clock import fire, parse_job
from worker.delivery import schedule_rows
from worker.runtime import Runtime

log = logging.getLogger("worker.clock_loop")  # the same name when run as __main__
BATCH = 50  # firings claimed at once; the rest of what is due is claimed right after
IDLE = 1.0  # longest sleep: a loop re-reads the schedule at least this often


def fire_due(rt: Runtime, now: datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Claim the firings due at ``now`` (default: the current time, read again for each firing) and
    fire them; returns how many ended in each outcome. A firing that raises is logged and left
    claimed: its claim lapses and the reconciler schedules it again."""
    jobs = clock_schedule.claim(rt.redis, (now or utcnow()).timestamp(), limit)
    outcomes: dict[str, int] = {}
    if not jobs:
        return outcomes
    with rt.database.session() as session:
        org = read_organisation(session)
    deliveries: list[int] = []
    for job in jobs:
        duty_id, fid = parse_job(job)
        try:
            outcome = fire(rt, duty_id, fid, now or utcnow(), org, deliveries)
        except Exception:  # one bad firing must not stop the others
            log.exception("clock loop: firing %s failed; the reconciler will schedule it again", job)
            continue
        clock_schedule.done(rt.redis, job)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if deliveries:  # after the batch, so its later firings do not wait; jobs of many rows, not one each
        schedule_rows(rt, deliveries)
    return outcomes


class Loop:
    """Fire what is due, sleep until the next firing, until stopped or orphaned."""

    def __init__(self, rt: Runtime, parent: int | None = None) -> None:
        self.rt, self.parent, self.stopped = rt, parent, False

    def stop(self, *_args) -> None:
        """Finish the firing in hand, then end."""
        self.stopped = True

    def orphaned(self) -> bool:
        """Whether the worker that started this loop is gone."""
        return self.parent is not None and os.getppid() != self.parent

    def run(self) -> None:
        """Loop until :meth:`stop` or the worker's end; Redis or database trouble is logged and waited out."""
        log.info("clock loop started (pid %s)", os.getpid())
        while not self.stopped and not self.orphaned():
            try:
                if fire_due(self.rt):
                    continue  # more may be due already
                soonest = clock_schedule.next_due(self.rt.redis)
                ahead = IDLE if soonest is None else soonest - time.time()
                clock_schedule.wait(self.rt.redis, min(max(ahead, 0.0), IDLE))
            except Exception:  # the loop outlives an outage; the reconciler covers the gap
                log.exception("clock loop: trouble; trying again in a second")
                time.sleep(IDLE)
        log.info("clock loop stopped")


def start(parent: int | None = None) -> subprocess.Popen:
    """Start a clock loop process for the worker ``parent`` (default: this process); it inherits the
    environment (settings) and the worker's output."""
    return subprocess.Popen([sys.executable, "-m", "worker.clock_loop", "--parent", str(parent or os.getpid())])


class Supervisor:
    """The worker's handle on its clock loop: started once, restarted when it died, stopped at the end."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def ensure(self) -> None:
        """Start the loop, or start it again when it ended."""
        if self.proc is not None and self.proc.poll() is None:
            return
        if self.proc is not None:
            log.warning("clock loop ended (code %s); starting it again", self.proc.returncode)
        self.proc = start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end; kill it when it does not."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main(argv: list[str] | None = None) -> None:
    """Run a clock loop (started by ``yuqing worker``)."""
    parser = argparse.ArgumentParser(description="the clock loop of a yuqing worker")
    parser.add_argument("--parent", type=int, default=None, help="end when this process is no longer the parent")
    args = parser.parse_args(argv)
    from bot.config import load
    from bot.logconfig import configure_logging
    from worker.runtime import build

    settings = load()
    configure_logging(settings.get("LOG_LEVEL", "INFO"))
    loop = Loop(build(settings), args.parent)
    signal.signal(signal.SIGTERM, loop.stop)
    signal.signal(signal.SIGINT, loop.stop)
    loop.run()


if __name__ == "__main__":
    main()
