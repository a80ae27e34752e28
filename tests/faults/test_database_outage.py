"""The database refuses connections for a while (issue 11, "Crashes": "make the database refuse
connections for a while"), on SQLite and on PostgreSQL.

* SQLite: the test holds the file's write lock (``BEGIN EXCLUSIVE``) for the window; every writer
  (and the health check, which opens a transaction) waits its busy timeout and fails.
* PostgreSQL: a database of this test only; ``ALTER DATABASE … ALLOW_CONNECTIONS false`` and
  ``pg_terminate_backend`` on every session of it, so pooled and new connections alike are refused.

During the window people keep writing to the bot on both platforms (the web app answers 200: it only
touches Redis) and reminders fall due. Afterwards: every message is answered exactly once, every
reminder fired once and arrived, no event job was left in RQ's failed registry, the worker is the
same process (no crash loop); ``/healthz`` answered 503 during the window and answers 200 after.
The test's own ``redis-server`` (bot.localredis.start_private).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter

import psycopg
import pytest
import redis
import requests
from psycopg import sql
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from bot.core import queues
from bot.localredis import start_private
from bot.org.file import parse_org_file
from tests.faults import stackhelp
from tests.faults.redeliver import settled
from tests.faults.test_crash_firing import (
    MARK,
    add_duties,
    firings,
    received,
    step_rows,
)
from tests.integration.stack import SAMPLE_ORG, Stack, wait_for
from tests.support.databases import PG_ADMIN_URL

DINGTALK, WECOM = ["0523", "0601", "0524"], ["zhouks", "jiangks", "ligs"]
WINDOW = {"sqlite": 40, "postgres": 20}  # seconds; SQLite's busy timeout is 30 s, so /healthz needs longer


class SqliteOutage:
    """Hold the SQLite file's write lock: every other writer waits its busy timeout, then fails."""

    def __init__(self, url: str) -> None:
        self.path = url.removeprefix("sqlite:///")
        self.conn = None

    def start(self) -> None:
        self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.conn.execute("BEGIN EXCLUSIVE")

    def end(self) -> None:
        if self.conn is not None:
            self.conn.execute("ROLLBACK")
            self.conn.close()
            self.conn = None


class PgOutage:
    """Refuse every connection to one PostgreSQL database of this test, and cut the ones it has."""

    def __init__(self, url: str) -> None:
        self.name = url.rsplit("/", 1)[1]

    def _admin(self, statement) -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(statement)

    def start(self) -> None:
        self._admin(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(self.name)))
        self._admin(sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = {} "
                            "AND pid <> pg_backend_pid()").format(sql.Literal(self.name)))

    def end(self) -> None:
        self._admin(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(self.name)))


@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.slow),  # 55 s (SQLite's 30 s busy timeout): make soak
                        pytest.param("postgres", marks=pytest.mark.postgres)])
def outage_stack(request, tmp_path):
    try:
        server = start_private()
    except FileNotFoundError:
        pytest.skip("redis-server is not installed")
    template = request.getfixturevalue("pg_template") if request.param == "postgres" else None
    url = template.copy() if template else f"sqlite:///{tmp_path / 'stack.db'}"
    running = Stack(server.url, tmp_path, database_url=url,
                    extra_env={"RECONCILE_INTERVAL": "1", "WORKER_TTL": "20", "MAINTENANCE_INTERVAL": "2",
                               "DELIVERY_LEASE": "3"})
    running.org, running.kind = parse_org_file(SAMPLE_ORG), request.param
    running.outage = PgOutage(url) if template else SqliteOutage(url)
    yield running
    running.outage.end()
    running.stop()
    server.stop()
    if template:
        template.drop(url)


def answers(stack) -> dict[str, int]:
    return stackhelp.answers(stack, dingtalk=DINGTALK, wecom=WECOM)


def health(stack) -> int:
    return requests.get(f"{stack.url}/healthz", timeout=60).status_code


@pytest.mark.counts_messages
def test_the_database_refusing_connections_loses_no_event_and_no_reminder(outage_stack, capsys):
    stack, window = outage_stack, WINDOW[outage_stack.kind]
    settled(stack, lambda cond, what: wait_for(cond, timeout=60, what=what))
    assert health(stack) == 200
    before, worker_pid = answers(stack), stack.worker.pid
    duties = add_duties(stack, 6, first_in=4, spread=window / 2, escalate_after=None)
    started = time.monotonic()
    stack.outage.start()
    during: list[int] = []
    probe = threading.Thread(target=lambda: during.append(health(stack)))
    probe.start()
    sent = Counter()
    try:
        for round_ in range(3):
            for user in DINGTALK:
                stack.emulator.dingtalk.say_to_bot(user, "帮助")
                sent[user] += 1
            for user in WECOM:
                stack.emulator.wecom.act_as(user).send_text("帮助")
                sent[user] += 1
            time.sleep(window / 4)
        probe.join(timeout=window)
        time.sleep(max(0.0, window - (time.monotonic() - started)))
    finally:
        stack.outage.end()
    ended = time.monotonic()
    wait_for(lambda: health(stack) == 200, timeout=30, what="/healthz to answer 200 again")
    recovered = time.monotonic() - ended
    wait_for(lambda: all(answers(stack)[u] - before[u] >= n for u, n in sent.items()), timeout=240,
             what=f"every answer (sent {dict(sent)})\n" + stack.worker_log()[-3000:])
    wait_for(lambda: len(firings(stack)) >= len(duties), timeout=120, what="every reminder to fire")
    settled(stack, lambda cond, what: wait_for(cond, timeout=120, what=what))
    wait_for(lambda: {r.state for r in step_rows(stack)} == {"sent"}, timeout=60, what="the reminders' messages")

    got = {u: answers(stack)[u] - before[u] for u in sent}
    fired = firings(stack)
    lost = [r.dedup_id for r in step_rows(stack)
            if not received(stack, r.platform, f"g:{duties[int(r.dedup_id.split(':')[1])][1]}"
                            if r.dedup_id.split(":")[3] == "g" else r.dedup_id.split(":")[4],
                            duties[int(r.dedup_id.split(":")[1])][0], MARK[r.dedup_id.split(":")[3]])]
    conn = redis.Redis.from_url(stack.env["REDIS_URL"])
    failed_events = FailedJobRegistry(queues.EVENTS, connection=conn, serializer=JSONSerializer).get_job_ids()
    lateness = [(f.fired_at - f.step_at).total_seconds() for f in fired]
    with capsys.disabled():
        print(f"\n[database outage, {stack.kind}] {window} s refused; /healthz during {during}, 200 again "
              f"{recovered:.1f} s after; {sum(sent.values())} messages, answers {sum(got.values())}; "
              f"{len(duties)} reminders, fired {len(fired)} ({Counter(f.outcome for f in fired)}), lost {len(lost)}; "
              f"lateness max {max(lateness):.1f} s; failed event jobs {len(failed_events)}; "
              f"worker restarted: {stack.worker.pid != worker_pid or stack.worker.poll() is not None}")
    assert during == [503]
    assert got == dict(sent)  # each answered exactly once
    assert len(fired) == len(duties) and {f.outcome for f in fired} == {"sent"} and not lost
    assert not failed_events
    assert stack.worker.poll() is None  # the same worker, still running
