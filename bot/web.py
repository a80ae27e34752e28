"""HTTP routes: verify → parse → keep → dedup → enqueue → answer. Nothing else.

This module holds the frame every route shares: :func:`callback` and :func:`register_callbacks`, which add a
route for each inbound adapter a configured channel needs (the platform table, ``bot.core.platform_table``,
through ``bot.platforms.registry.inbound_adapters``; ``bot.app.create_app`` wires them), ``/healthz``,
``/metrics`` and the error answers. The accept step itself is ``bot.inbox.take``; docs/architecture.md walks
one event from here to the worker.
"""

from __future__ import annotations

import logging

import redis
from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from bot import __version__
from bot.core import PayloadError, SignatureError
from bot.core.clock import utcnow
from bot.inbox import take
from bot.platforms.base import RawRequest

log = logging.getLogger(__name__)
web = Blueprint("web", __name__)


def _database():
    return current_app.extensions["yuqing.database"]


def _redis() -> redis.Redis:
    return current_app.extensions["yuqing.redis"]


def _check(probe) -> dict:
    try:
        probe()
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - health reports any failure as "not ok" with its type
        return {"ok": False, "error": type(exc).__name__}


def raw_request() -> RawRequest:
    """The Flask request as plain data; the body is read once, before anything parses it."""
    body = request.get_data(cache=False)
    return RawRequest(method=request.method, path=request.path, args=request.args.to_dict(),
                      headers={k.lower(): v for k, v in request.headers.items()}, body=body,
                      received_at=utcnow().isoformat())


def callback(route: str):
    """Verify → parse → keep → dedup → enqueue → answer, for the adapter serving ``route``."""
    adapter = current_app.extensions["yuqing.inbound"][route]
    answer = adapter.handle(raw_request())
    for event in answer.events:
        take(_database(), _redis(), event, adapter.dedup_ttl)
    return Response(answer.body, status=answer.status, content_type=answer.content_type)


def register_callbacks(app, adapters: dict) -> None:
    """Add a route for every configured inbound adapter."""
    app.extensions["yuqing.inbound"] = adapters
    for route in adapters:
        app.add_url_rule(route, f"callback:{route}", lambda route=route: callback(route), methods=["GET", "POST"])


@web.get("/healthz")
def healthz():
    """Liveness and readiness: 200 when the database and Redis answer, else 503; JSON either way."""
    checks = {"database": _check(_database().ping), "redis": _check(_redis().ping)}
    ok = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if ok else "degraded", "version": __version__, **checks}
    return jsonify(body), 200 if ok else 503


@web.get("/metrics")
def metrics():
    """Prometheus text format: Redis up, and the clock's and outbox's figures (bot/clock_report.py)."""
    from bot.clock_report import metrics_text

    up = 1 if _check(_redis().ping)["ok"] else 0
    text = f"# HELP yuqing_redis_up Whether Redis answers.\n# TYPE yuqing_redis_up gauge\nyuqing_redis_up {up}\n"
    if up:
        try:
            text += metrics_text(_database(), _redis(), utcnow())
        except (redis.RedisError, SQLAlchemyError) as exc:  # the figures wait; liveness is /healthz's job
            log.warning("metrics: clock figures unavailable: %s", exc)
    return text, 200, {"Content-Type": "text/plain; version=0.0.4"}


@web.app_errorhandler(SignatureError)
def _signature_error(exc: SignatureError):
    log.warning("refused: not authentic: %s", exc)
    return jsonify(error="forbidden", reason=str(exc)), exc.status


@web.app_errorhandler(PayloadError)
def _payload_error(exc: PayloadError):
    log.warning("refused: malformed: %s", exc)
    return jsonify(error="bad request", reason=str(exc)), exc.status


@web.app_errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    log.warning("refused: body over the size limit")
    return jsonify(error="payload too large"), 413


@web.app_errorhandler(redis.RedisError)
def _queue_down(exc: redis.RedisError):
    log.error("cannot accept event: Redis unavailable (%s); the platform will retry", type(exc).__name__)
    return jsonify(error="temporarily unavailable"), 503
