"""A worker Runtime for the worker's unit tests: the organisation stored in ``database``, the test's own Redis
database emptied, and the messengers given (none: nothing is sent)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import redis

from bot.config import load
from bot.core.org import Organisation
from bot.store.org_repo import apply_organisation
from worker.runtime import Runtime


def runtime_for(database, redis_url: str, org: Organisation, at: datetime, messengers: dict | None = None,
                anchor_file: str | None = None) -> Runtime:
    """A Runtime over ``database`` (``org`` stored as of ``at``) and ``redis_url`` (flushed: the test's own);
    the daily digest's anchors go to ``anchor_file`` (default: in a fresh temporary folder, never the checkout's
    var/)."""
    with database.session() as session:
        apply_organisation(session, org, at)
    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    anchors = anchor_file or str(Path(tempfile.mkdtemp(prefix="yq-anchors-")) / "anchors.txt")
    return Runtime(load({"REDIS_URL": redis_url, "ANCHOR_FILE": anchors}), database, conn, messengers or {})
