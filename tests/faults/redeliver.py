"""Redelivery through the stack: a WSGI middleware in front of the stack's web app records every raw
callback it receives and can redeliver it — at once (copies racing the original) or later, as the
platforms do after a timeout; ``settled`` tells when the workers have nothing left to do and
``effects`` counts what the bot did (emulators' records, outbox rows, cases, timeline entries).
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass

import redis
import requests
from rq import Queue
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import func, select, text

from bot.core import queues


@dataclass
class Recorded:
    """One raw request as it reached the web app."""

    method: str
    path: str
    query: str
    headers: dict
    body: bytes


class Redeliverer:
    """Records callbacks; with ``copies`` > 0 each one is also delivered ``copies`` more times at once."""

    def __init__(self, app) -> None:
        self.app, self.copies, self.seen = app, 0, []

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        self.seen.append(Recorded(environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("QUERY_STRING", ""),
                                  headers, body))
        twins = [threading.Thread(target=self._twin, args=(dict(environ), body)) for _ in range(self.copies)]
        for t in twins:
            t.start()
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    def _twin(self, environ, body: bytes) -> None:
        environ["wsgi.input"] = io.BytesIO(body)
        self.app(environ, lambda *_a, **_k: None)


def install(stack) -> Redeliverer:
    """Put a Redeliverer in front of the stack's web app."""
    recorder = Redeliverer(stack._web.app)
    stack._web.app = recorder
    return recorder


def replay(stack, req: Recorded) -> int:
    """Post ``req`` again, byte for byte, over HTTP; returns the status."""
    url = f"{stack.url}{req.path}" + (f"?{req.query}" if req.query else "")
    headers = {k: v for k, v in req.headers.items() if k not in ("host", "content-length")}
    return requests.request(req.method, url, data=req.body, headers=headers, timeout=20).status_code


def running(conn: redis.Redis, entry: str) -> bool:
    """Whether a started-registry entry (``job_id:execution_id``) is a job still running: a SIGKILLed
    worker's entry stays until RQ's cleanup (about 90 s) even after the job was enqueued again and done."""
    return conn.hget(f"rq:job:{entry.split(':')[0]}", "status") == b"started"


def idle(stack) -> bool:
    """No job waiting or running on any queue, and no outbox row pending."""
    conn = redis.Redis.from_url(stack.env["REDIS_URL"])
    for name in queues.ALL:
        queue = Queue(name, connection=conn, serializer=JSONSerializer)
        if queue.count or any(running(conn, entry) for entry in StartedJobRegistry(queue=queue).get_job_ids()):
            return False
    with stack.database.session() as session:
        pending = session.execute(text("SELECT COUNT(*) FROM outbox WHERE state NOT IN ('sent', 'failed')")).scalar()
    return pending == 0


def settled(stack, wait_for, pause: float = 0.5) -> None:
    """Wait until the stack is idle twice in a row, ``pause`` seconds apart."""
    def twice():
        if not idle(stack):
            return False
        time.sleep(pause)
        return idle(stack)
    wait_for(twice, what="the workers to finish\n" + stack.worker_log()[-3000:])


def effects(stack, people: dict[str, list[str]], groups: dict[str, list[str]]) -> dict[str, int]:
    """What the bot did so far: messages the emulators recorded per person/group, outbox rows, cases, timeline."""
    out = {}
    for platform, users in people.items():
        emu = getattr(stack.emulator, platform)
        out.update({f"{platform} to {u}": len(emu.messages_for_user(u)) for u in users})
    for platform, chats in groups.items():
        emu = getattr(stack.emulator, platform)
        out.update({f"{platform} in {g}": len(emu.messages_for_group(g)) for g in chats})
    with stack.database.session() as session:
        for table in ("outbox", "cases", "timeline", "inbound_events"):
            out[table] = session.execute(select(func.count()).select_from(text(table))).scalar()
    return out
