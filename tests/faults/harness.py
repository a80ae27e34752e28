"""The fuzzer's target: the web app of ``create_app`` (Flask test client) on a migrated SQLite database
holding the sample organisation and this test's own Redis DB, every channel on with the demo
credentials. ``send`` answers one request and checks what it changed; ``Figures`` are the tallies.
"""

from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from rq import Queue
from rq.serializers import JSONSerializer

from bot.app import create_app
from bot.config import ROOT, load
from bot.core import queues
from bot.core.clock import utcnow
from bot.core.event import Event
from bot.org.file import parse_org_file
from bot.store.org_repo import apply_organisation
from tests.faults.seeds import API_TOKEN, ENV, Req
from tests.support.services import CLAIM_KEY


@dataclass
class Figures:
    """What the fuzzer tried and what came of it."""

    tried: int = 0
    server_errors: int = 0
    unauthentic_changes: int = 0
    authentic_accepted: int = 0
    outbound: int = 0
    statuses: Counter = field(default_factory=Counter)
    routes: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)

    def report(self) -> str:
        """The figures as the run prints them."""
        return (f"inputs tried: {self.tried}; 5xx answers: {self.server_errors}; state changes by unauthentic "
                f"inputs: {self.unauthentic_changes}; outbound messages: {self.outbound}; authentic inputs "
                f"accepted as events/cases: {self.authentic_accepted}\n  by status: {dict(sorted(self.statuses.items()))}"
                f"\n  by route: {dict(sorted(self.routes.items()))}")


class Target:
    """The app under fuzz, its Redis and its database."""

    def __init__(self, database, redis_url: str, redis_client) -> None:
        with database.session() as session:
            apply_organisation(session, parse_org_file(ROOT / "examples" / "org.yaml"), utcnow())
        settings = load({**ENV, "REDIS_URL": redis_url, "API_TOKENS": f"{API_TOKEN}=u-desk",
                         "MAX_BODY_BYTES": str(256 * 1024)})
        self.app = create_app(settings, database=database)
        self.app.testing = True  # an exception reaches us with its traceback instead of a bare 500
        self.client = self.app.test_client()
        self.database, self.redis = database, redis_client
        self.baseline = self.rows()
        self.figures = Figures()

    def keys(self) -> list[bytes]:
        """Every key of the test's Redis database but the run's claim (tests/support/services.py)."""
        return [k for k in self.redis.keys("*") if k != CLAIM_KEY.encode()]

    def rows(self) -> dict[str, int]:
        """Row count of every table."""
        with self.database.session() as session:
            names = sa.inspect(session.get_bind()).get_table_names()
            return {n: session.execute(sa.text(f'SELECT COUNT(*) FROM "{n}"')).scalar() for n in names
                    if n != "alembic_version"}

    def send(self, req: Req) -> int:
        """Send ``req``; record its answer and any change it made; returns the status (599 for a crash)."""
        fig = self.figures
        fig.tried += 1
        fig.routes[req.path] += 1
        status = self._answer(req)
        fig.statuses[status] += 1
        if status >= 500:
            fig.server_errors += 1
        changed = bool(self.keys()) or (req.path == "/api/v1/cases" and self.rows() != self.baseline)
        if changed:
            self._judge_change(req, status)
        return status

    def _answer(self, req: Req) -> int:
        headers = dict(req.headers)
        if req.content_type:
            headers["Content-Type"] = req.content_type
        try:
            response = self.client.open(req.path, method=req.method, query_string=req.query, headers=headers,
                                        data=req.body)
            return response.status_code
        except Exception:  # noqa: BLE001 - the fuzzer's finding: an uncaught exception is a 500
            self.figures.failures.append((req.label, req.path, traceback.format_exc(limit=6)))
            return 599

    def _judge_change(self, req: Req, status: int) -> None:
        """A change is allowed only for an authentic request answered 2xx, and must be a well-formed job."""
        fig = self.figures
        if not req.authentic or status >= 300:
            fig.unauthentic_changes += 1
            fig.failures.append((req.label, req.path, f"state changed (status {status}): {self.keys()[:5]}"))
        else:
            fig.authentic_accepted += 1
            for job in Queue(queues.EVENTS, connection=self.redis, serializer=JSONSerializer).jobs:
                Event.from_dict(job.args[0])
        for key in self.keys():  # not flushdb: the run's claim on a shared Redis stays
            self.redis.delete(key)
        self.baseline = self.rows()

    def finish(self) -> Figures:
        """Close the run: outbound messages are the outbox's rows (the web process never sends)."""
        self.figures.outbound = self.rows().get("outbox", 0)
        if self.keys() or self.rows() != self.baseline:
            self.figures.unauthentic_changes += 1
            self.figures.failures.append(("end", "-", "state left behind at the end of the run"))
        return self.figures
