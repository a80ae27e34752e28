"""Start an RQ worker with its scheduler on the project's queues (``yuqing worker``), and beside it the
clock's reconcile keeper (a thread) and clock loop (a process, worker/clock_loop.py)."""

from __future__ import annotations

import logging
import time

import redis
from rq import Queue, Worker
from rq.serializers import JSONSerializer

from bot.config import Settings, mask_url
from bot.core import queues
from bot.figures import font
from worker.clock_loop import Supervisor
from worker.reconciler import Keeper

log = logging.getLogger(__name__)


def make_queues(connection: redis.Redis) -> list[Queue]:
    """The project's queues in priority order, with the JSON serializer."""
    return [Queue(name, connection=connection, serializer=JSONSerializer) for name in queues.ALL]


def make_worker(settings: Settings, connection: redis.Redis | None = None, name: str | None = None) -> Worker:
    """An RQ worker on every queue of the project, using the settings' TTL and maintenance period."""
    connection = connection or redis.Redis.from_url(settings.redis_url)
    return Worker(
        make_queues(connection),
        connection=connection,
        name=name,
        serializer=JSONSerializer,
        worker_ttl=settings.worker_ttl,
        maintenance_interval=settings.maintenance_interval,
    )


def preload() -> None:
    """Import the jobs' modules and build the runtime once, before the worker forks its work horses,
    so each job starts warm (no connection is opened here: the horses open their own)."""
    import worker.clock  # noqa: F401
    import worker.delivery  # noqa: F401
    import worker.events  # noqa: F401
    import worker.reconciler  # noqa: F401
    from sqlalchemy.orm import configure_mappers

    from bot.platforms.render import environment
    from handlers.registry import load_router
    from worker.runtime import runtime

    load_router()  # the handler modules (bench/flow.py: importing them took a third of each event's job)
    configure_mappers()
    templates = environment(str(runtime().settings.templates_dir))
    for name in templates.list_templates(extensions=["j2"]):  # compiled once, not in every horse
        templates.get_template(name)


def wait_for_redis(settings: Settings, pause: float = 1.0, sleep=time.sleep) -> redis.Redis:
    """A connection to Redis once it answers: a worker started while Redis is down (a restart, a
    failover) waits for it, saying so every 30 s, instead of dying with a traceback."""
    connection = redis.Redis.from_url(settings.redis_url)
    waited, warn_at = 0.0, 0.0
    while True:
        try:
            connection.ping()
            if waited:
                log.info("Redis answers again after %.0f s", waited)
            return connection
        except redis.ConnectionError as exc:
            if waited >= warn_at:
                log.warning("Redis at %s does not answer (%s); the worker waits for it", mask_url(settings.redis_url), exc)
                warn_at += 30
            sleep(pause)
            waited += pause


def run_worker(settings: Settings, burst: bool = False) -> bool:
    """Run a worker with the scheduler until stopped (or until the queues are empty in ``burst``). A missing
    or unreadable chart font (the weekly digest's picture) is a ConfigError: one line, exit 2 (bot/cli.py)."""
    font.check()
    worker = make_worker(settings, wait_for_redis(settings))
    log.info("worker %s starting on %s", worker.name, ", ".join(queues.ALL))
    preload()
    keeper = loop = None
    if not burst:  # the clock: its loop fires due steps; the keeper reconciles every RECONCILE_INTERVAL and
        loop = Supervisor()  # restarts the loop if it died (worker/clock_loop.py, worker/reconciler.py)
        loop.ensure()
        keeper = Keeper(settings.redis_url, settings.reconcile_interval, watch=loop.ensure, worker_name=worker.name)
        keeper.start()
    try:
        return worker.work(burst=burst, with_scheduler=True, logging_level=settings.get("LOG_LEVEL", "INFO"))
    finally:
        if keeper is not None:
            keeper.stop()
        if loop is not None:
            loop.stop()
