"""Event to delivery: a callback accepted → the emulator holds the bot's answer (帮助), one event at
a time through the whole product — the emulators in this process, the web app under gunicorn and a
real ``yuqing worker`` — against a private redis-server and a migrated SQLite database with the
sample organisation. Baseline in the same run: an RQ no-op job (worker.jobs.noop) enqueued and
seen finished, run by the same worker. Both are polled every ``--poll`` seconds.

Prints the latency table, peak RSS of the web process and the worker (work horses included), and
last the ratio of the medians.

    .venv/bin/python bench/flow.py            # 60 events, 60 no-op jobs
    .venv/bin/python bench/flow.py --full     # the issue's 500 events
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness
from _harness import ms, percentile

WECOM_USER, DINGTALK_USER = "zhouks", "0524"


class Product:
    """Emulators (in process) + gunicorn web + one worker subprocess, as Stack does but with gunicorn."""

    def __init__(self, redis_url: str, folder: Path, name: str = "flow", org_file: Path | None = None,
                 extra_env: dict | None = None, before_start=None) -> None:
        from bot import config as config_module
        from bot.core.clock import utcnow
        from bot.emulator import Directory, EmulatorServer
        from bot.org.file import parse_org_file
        from bot.store import Database, upgrade
        from bot.store.org_repo import apply_organisation

        db = folder / f"{name}.db"
        db.unlink(missing_ok=True)
        self.env = harness.base_env(redis_url, f"sqlite:///{db}")
        self.env.update(extra_env or {})
        if org_file is not None:
            self.env["ORG_FILE"] = str(org_file)
        org = Path(self.env["ORG_FILE"])
        self.emulator = EmulatorServer(self.env, Directory.from_org_file(org, self.env))
        if before_start is not None:  # e.g. the emulators' limits, a call log (bench/fanout.py)
            before_start(self.emulator)
        self.emulator.start()
        for var in ("WECOM_API_BASE", "DINGTALK_OAPI_BASE", "DINGTALK_API_BASE"):
            self.env[var] = self.emulator.url
        port = harness.free_port()
        self.env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
        self.emulator.set_bot_url(self.env["PUBLIC_BASE_URL"])
        settings = config_module.load(self.env)
        upgrade(settings.database_url)
        database = Database(settings.database_url)
        with database.session() as session:
            apply_organisation(session, parse_org_file(org), utcnow())
        database.dispose()
        self.database_url = settings.database_url
        self.web = harness.start_gunicorn("bot.app:create_app()", self.env, port, folder / f"{name}-web.log")
        self.worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=self.env,
                                       cwd=str(harness.ROOT), stdout=open(folder / f"{name}-worker.log", "wb"),  # noqa: SIM115
                                       stderr=subprocess.STDOUT)

    def stop(self) -> None:
        harness.stop_process(self.worker)
        harness.stop_process(self.web)
        self.emulator.stop()


def wait(cond, poll: float, timeout: float = 30.0) -> bool:
    """Poll ``cond`` every ``poll`` seconds; False after ``timeout``."""
    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            return False
        time.sleep(poll)
    return True


def one_event(product: Product, i: int, poll: float) -> tuple[float, float] | None:
    """Send 帮助 as a WeCom (even ``i``) or DingTalk person; (ack seconds, accepted→answer seconds)."""
    wecom, dingtalk = product.emulator.wecom, product.emulator.dingtalk
    if i % 2 == 0:
        seen = lambda: len(wecom.messages_for_user(WECOM_USER))
        send = lambda: wecom.act_as(WECOM_USER).send_text("帮助")
    else:
        seen = lambda: len(dingtalk.messages_for_user(DINGTALK_USER))
        send = lambda: dingtalk.say_to_bot(DINGTALK_USER, "帮助")
    before, t0 = seen(), time.perf_counter()
    send()
    accepted = time.perf_counter()
    if not wait(lambda: seen() > before, poll):
        return None
    return accepted - t0, time.perf_counter() - accepted


def one_noop(queue, i: int, poll: float) -> float | None:
    """Enqueue worker.jobs.noop and poll until it is finished; seconds, or None on time-out."""
    from bot.core import queues

    t0 = time.perf_counter()
    job = queue.enqueue(queues.NOOP, f"bench-{i}", result_ttl=600)
    if not wait(lambda: job.get_status(refresh=True).value == "finished", poll):
        return None
    return time.perf_counter() - t0


def run(product: Product, args) -> dict:
    import redis
    from rq import Queue
    from rq.serializers import JSONSerializer

    from bot.core import queues

    conn = redis.Redis.from_url(product.env["REDIS_URL"])
    queue = Queue(queues.EVENTS, connection=conn, serializer=JSONSerializer)
    rss_web, rss_worker = harness.RssWatch(product.web.pid), harness.RssWatch(product.worker.pid)
    for i in range(4):  # warm both paths (first imports, first token fetches)
        one_event(product, i, args.poll)
        one_noop(queue, i, args.poll)
    flow, acks, noop, lost = [], [], [], 0
    for i in range(args.events):  # interleaved, so drift on a shared machine hits both alike
        got = one_event(product, i, args.poll)
        if got is None:
            lost += 1
        else:
            acks.append(got[0])
            flow.append(got[1])
        took = one_noop(queue, i, args.poll)
        if took is not None:
            noop.append(took)
    return {"flow": flow, "acks": acks, "noop": noop, "lost": lost,
            "rss_web": rss_web.stop(), "rss_worker": rss_worker.stop()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the issue's size: 500 events")
    parser.add_argument("--events", type=int, default=60, help="events (and as many no-op jobs)")
    parser.add_argument("--poll", type=float, default=0.002, help="polling period, seconds")
    args = parser.parse_args(argv)
    if args.full:
        args.events = 500
    harness.VAR.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the emulators' access log
    redis = harness.private_redis()
    product = None
    load = [os.getloadavg()[0]]
    try:
        product = Product(redis.url, harness.VAR)
        res = run(product, args)
        load.append(os.getloadavg()[0])
    finally:
        if product is not None:
            product.stop()
        redis.stop()
    print(f"event to delivery — {args.events} events (帮助, WeCom and DingTalk alternating), one at a time; "
          f"RQ worker {os.path.basename(sys.executable)} -m bot.cli worker; times in ms")
    print(f"{'path':<28} {'n':>5} {'p50':>8} {'p95':>8} {'max':>8}")
    for name, lat in (("callback ack", res["acks"]), ("accepted → answer received", res["flow"]),
                      ("no-op job round trip", res["noop"])):
        print(f"{name:<28} {len(lat):>5} {ms(percentile(lat, 50)):>8} {ms(percentile(lat, 95)):>8} "
              f"{ms(max(lat) if lat else 0):>8}")
    print(f"answers lost: {res['lost']}; peak RSS: web {res['rss_web']:.0f} MB, worker {res['rss_worker']:.0f} MB "
          f"(target ≤ 150 MB each); load average (1 min, 2 cores shared) {load[0]:.1f} at the start, "
          f"{load[1]:.1f} at the end")
    ratio = percentile(res["flow"], 50) / max(percentile(res["noop"], 50), 1e-9)
    print(f"ratios: event→delivery median / no-op job median {ratio:.2f} (target ≤ 3)")


if __name__ == "__main__":
    main()
