"""What every benchmark script shares: percentiles, a private Redis, gunicorn processes, a paced
HTTP load client (loopback only, bounded count and time) and peak RSS from /proc.

Nothing here asserts a time; the scripts print tables and one last line of ratios.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def percentile(values: list[float], q: float) -> float:
    """The ``q`` percentile (0–100) of ``values`` by nearest rank; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ms(seconds: float) -> str:
    """Seconds as milliseconds, one decimal."""
    return f"{seconds * 1000:.1f}"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0) -> None:
    """Wait until something accepts on 127.0.0.1:``port``; raises RuntimeError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def peak_rss_mb(pid: int) -> float:
    """Peak resident set (VmHWM) of ``pid`` and its children in MB — the largest single process."""
    best = 0.0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return best


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


class RssWatch:
    """Samples the peak RSS of a process tree every 0.2 s (children come and go: RQ work horses)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, peak_rss_mb(self.pid))
            self._stop.wait(0.2)

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, peak_rss_mb(self.pid))
        return self.peak


def start_gunicorn(app: str, env: dict, port: int, log: Path, workers: int = 2,
                   pythonpath: str = "") -> subprocess.Popen:
    """gunicorn as ``yuqing serve`` runs it (gthread, 8 threads, access log) serving ``app``."""
    args = [GUNICORN, "-b", f"127.0.0.1:{port}", "-w", str(workers), "-k", "gthread", "--threads", "8",
            "--timeout", "30", "--graceful-timeout", "10", "--access-logfile", "-"]
    if pythonpath:
        args += ["--pythonpath", pythonpath]
    proc = subprocess.Popen([*args, app], env=env, cwd=str(ROOT), stdout=open(log, "ab"),  # noqa: SIM115
                            stderr=subprocess.STDOUT)
    wait_port(port)
    return proc


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL after ``timeout``."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Prepared:
    """One ready request: method, path with query, headers, body."""

    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class LoadResult:
    """Latencies (seconds, from each request's scheduled start to its answer) and failures."""

    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0


def run_load(port: int, requests: list[Prepared], rate: float, threads: int = 64,
             limit: float = 120.0) -> LoadResult:
    """Send ``requests`` to 127.0.0.1:``port`` at ``rate`` per second (request i at i/rate), from
    ``threads`` keep-alive connections; latency counts from the scheduled start (no coordinated
    omission). Stops after ``limit`` seconds whatever is left."""
    result, lock, counter = LoadResult(), threading.Lock(), iter(range(len(requests)))
    start = time.perf_counter() + 0.2

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                i = next(counter, None)
            if i is None or time.perf_counter() - start > limit:
                break
            due = start + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            status = _send(conn, requests[i])
            took = time.perf_counter() - due
            with lock:
                if isinstance(status, int):
                    result.latencies.append(took)
                if status != 200:
                    result.failures.append(str(status))
            if not isinstance(status, int):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()

    pool = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    result.wall = time.perf_counter() - start
    return result


def _send(conn: http.client.HTTPConnection, req: Prepared) -> int | str:
    """The answer's status, or the name of the error that stopped the request."""
    try:
        conn.request(req.method, req.path, body=req.body, headers=req.headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__


def private_redis():
    """A private ``redis-server`` (bot.localredis.start_private): never the shared one's databases."""
    from bot.localredis import start_private

    return start_private()


def base_env(redis_url: str, database_url: str) -> dict:
    """The process environment for the product with the demo credentials."""
    from bot.demo import DEMO_ENV

    env = {**os.environ, **DEMO_ENV, "REDIS_URL": redis_url, "DATABASE_URL": database_url,
           "ORG_FILE": str(ROOT / "examples" / "org.yaml"), "LOG_LEVEL": "INFO", "POLICY_FILE": quiet_policy()}
    env["PYTHONPATH"] = str(ROOT)
    return env


def quiet_policy() -> str:
    """A policy file with the digests off: a worker started after the digest time on a working day would send
    the day's digest (and on Mondays the weekly one with its chart) into the measured traffic."""
    VAR.mkdir(parents=True, exist_ok=True)
    path = VAR / "quiet-policy.yaml"
    path.write_text("digests: {daily: off, weekly: off}\n", encoding="utf-8")
    return str(path)


def rss_mb(pid: int) -> float:
    """Resident set (VmRSS) of ``pid`` now, in MB; 0.0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssSeries:
    """Samples the resident set of named processes every ``period`` seconds: ``samples[name]`` is a
    list of MB. ``pick`` gives each name's pids at sampling time (the largest counts), so a gunicorn
    master can be followed through its workers; transient children (RQ work horses) are left out by
    passing only the long-lived pids."""

    def __init__(self, pick: dict, period: float = 0.5) -> None:
        self.pick, self.period = pick, period
        self.samples: dict[str, list[float]] = {name: [] for name in pick}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pids in self.pick.items():
                self.samples[name].append(max((rss_mb(p) for p in pids()), default=0.0))
            self._stop.wait(self.period)

    def stop(self) -> dict[str, list[float]]:
        """Stop sampling; the samples."""
        self._stop.set()
        self._thread.join()
        return self.samples


@dataclass
class Drift:
    """How a series moved after its warm-up: the medians of ``windows`` equal slices, and the largest
    relative departure of any of them from the first (0.05 = 5 %)."""

    medians: list[float]
    worst: float


def drift(samples: list[float], warmup: float = 0.2, windows: int = 8) -> Drift:
    """Leave out the first ``warmup`` share of ``samples``, cut the rest into ``windows`` slices, and
    compare each slice's median with the first slice's."""
    rest = samples[int(len(samples) * warmup):]
    size = max(1, len(rest) // windows)
    medians = [percentile(rest[i:i + size], 50) for i in range(0, size * windows, size) if rest[i:i + size]]
    base = medians[0] if medians and medians[0] else 1.0
    return Drift(medians, max((abs(m - base) / base for m in medians), default=0.0))
