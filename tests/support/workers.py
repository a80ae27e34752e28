"""``yuqing worker`` processes that tests start, each in a session of its own so that stopping one takes its
work horses and scheduler with it: a worker killed after its warm-shutdown wait used to leave a forked child
behind, still on the run's Redis database, whose scheduler then moved a later test's scheduled job
(tests/unit/worker/test_inbox_sweep.py failed that way in a CI run)."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_started: list[subprocess.Popen] = []


def spawn_worker(env: Mapping[str, str], log: Path, append: bool = False) -> subprocess.Popen:
    """Start ``python -m bot.cli worker`` with ``env``, its output in ``log``, in a new session."""
    out = open(log, "ab" if append else "wb")  # noqa: SIM115 - the worker's stdout for its lifetime
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=dict(env), cwd=str(ROOT),
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    _started.append(proc)
    return proc


def stop_workers(processes: Iterable[subprocess.Popen], timeout: float = 15) -> None:
    """SIGTERM each (RQ's warm shutdown), wait up to ``timeout`` s, then SIGKILL what is left of each one's
    session — the worker, its work horse, anything it forked."""
    processes = list(processes)
    for proc in processes:
        if proc.poll() is None:
            proc.terminate()
    for proc in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # its session: pgid == pid (start_new_session)
        proc.wait()


@atexit.register
def _none_left() -> None:
    """A run that ends without a test's teardown (interrupted) still takes its workers' sessions down: they are
    out of pytest's process group, so a signal to the run no longer reaches them."""
    for proc in _started:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
