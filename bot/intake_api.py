"""``POST /api/v1/cases``: intake from monitoring systems (design.md). A bearer token from ``API_TOKENS``
names the desk unit the case is opened for; the JSON item is checked against a small schema; the case
opens synchronously (the one write of the web layer) and the desk's card and the link preview are
left to the worker, enqueued by dotted name.

``confidential`` (a JSON boolean, default false) opens the case 涉密 (issue 21): no group ever sees its content.

Answers: 201 ``{"number", "created": true}``; 200 with the same number when the ``external_id`` was seen
for that unit; 401 bad or missing token; 413 body too large; 415 not JSON; 400 with the reason.
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import datetime, timezone
from typing import Any

import redis
from flask import Blueprint, Response, current_app, jsonify, request
from rq import Queue
from rq.serializers import JSONSerializer

from bot.core import queues
from bot.core.clock import utcnow
from bot.core.errors import HandlerError
from bot.domain.context import load_rules
from bot.domain.grade import Grade
from bot.domain.intake.links import normalise
from bot.store.api_cases import NoDeskActor, open_api_case
from bot.store.org_repo import read_organisation

log = logging.getLogger(__name__)
api = Blueprint("intake_api", __name__)
MAX_BYTES = 64 * 1024
LIMITS = {"external_id": 200, "title": 500, "link": 2048, "summary": 5000, "source": 64, "transfer_ref": 128,
          "transfer_source": 128}
REQUIRED = ("external_id", "title")
TIMES = ("first_seen_at", "transfer_deadline")
FLAGS = ("confidential",)  # JSON booleans: true or false, nothing else ("yes", 1 or null would be a guess)
FIELDS = frozenset(LIMITS) | frozenset(TIMES) | {"grade"} | frozenset(FLAGS)


class SchemaError(ValueError):
    """The item does not fit the schema; the message says why (in English, for the client's logs)."""


def _refuse(status: int, error: str, reason: str) -> tuple[Response, int]:
    log.info("API intake refused %s: %s", status, reason)
    return jsonify(error=error, reason=reason), status


def token_unit(header: str, tokens: dict[str, str]) -> str | None:
    """The desk unit of a ``Bearer <token>`` header (compared in constant time), or None."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    found = None
    for known, unit in tokens.items():
        if hmac.compare_digest(known.encode(), token.strip().encode()):
            found = unit
    return found


def _time(name: str, value: Any) -> datetime:
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise SchemaError(f"{name} must be an ISO 8601 time") from None
    if when.tzinfo is None:
        raise SchemaError(f"{name} needs a time zone (e.g. +08:00)")
    try:
        when = when.astimezone(timezone.utc)
    except OverflowError:
        when = None
    if when is None or not 2000 <= when.year <= 2100:
        raise SchemaError(f"{name} must lie between the years 2000 and 2100")
    return when


def _plain(name: str, value: str) -> str:
    """``value`` if it is plain text: no NUL or other control characters (but tab and new line), no lone
    surrogates; raises SchemaError."""
    if any(ord(c) < 32 and c not in "\t\n\r" or 0xD800 <= ord(c) <= 0xDFFF or c == "\x7f" for c in value):
        raise SchemaError(f"{name} holds control characters or invalid text")
    return value


def _grade(value: Any) -> Grade:
    try:
        return Grade(value) if isinstance(value, int) and not isinstance(value, bool) else Grade.from_key(str(value))
    except ValueError:
        raise SchemaError("grade must be 1-4 or general, sensitive, major, especially_major") from None


def check_item(body: Any) -> dict[str, Any]:
    """The item, validated and typed; raises SchemaError naming the first problem."""
    if not isinstance(body, dict):
        raise SchemaError("the body must be a JSON object")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise SchemaError(f"unknown field(s): {', '.join(unknown)}")
    item: dict[str, Any] = {}
    for name, limit in LIMITS.items():
        value = body.get(name)
        if value is None:
            if name in REQUIRED:
                raise SchemaError(f"{name} is required")
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise SchemaError(f"{name} must be a non-empty string of at most {limit} characters")
        item[name] = _plain(name, value.strip())
    if "link" in item:
        try:
            normalise(item["link"])
        except ValueError:
            raise SchemaError("link must be an http(s) URL") from None
    item.update({n: _time(n, body[n]) for n in TIMES if body.get(n) is not None})
    if body.get("grade") is not None:
        item["grade"] = _grade(body["grade"])
    for name in FLAGS:
        if name in body:
            if not isinstance(body[name], bool):
                raise SchemaError(f"{name} must be true or false (a JSON boolean)")
            item[name] = body[name]
    if "transfer_deadline" in item and "transfer_ref" not in item:
        raise SchemaError("transfer_deadline needs transfer_ref")
    return item


def _enqueue(case_id: int, link: str | None) -> None:
    conn = current_app.extensions["yuqing.redis"]
    try:
        Queue(queues.PREVIEW, connection=conn, serializer=JSONSerializer).enqueue(
            queues.ANNOUNCE_CASE, case_id, job_id=f"api-announce-{case_id}", result_ttl=3600)
        if link:
            Queue(queues.PREVIEW, connection=conn, serializer=JSONSerializer).enqueue(
                queues.PREVIEW_LINK, case_id, job_id=f"api-preview-{case_id}", result_ttl=3600)
    except redis.RedisError as exc:
        log.error("API case %s opened but its card and preview were not enqueued: %s", case_id, type(exc).__name__)


@api.post("/api/v1/cases")
def create_case():
    """Open a case for a monitoring system (see the module's docstring for the answers)."""
    settings = current_app.extensions["yuqing.settings"]
    unit = token_unit(request.headers.get("Authorization", ""), dict(settings.api_tokens))
    if unit is None:
        response, status = _refuse(401, "unauthorized", "missing or unknown bearer token")
        response.headers["WWW-Authenticate"] = 'Bearer realm="yuqing"'
        return response, status
    if (request.content_length or 0) > MAX_BYTES:
        return _refuse(413, "payload too large", f"the body may hold at most {MAX_BYTES} bytes")
    if request.mimetype != "application/json":
        return _refuse(415, "unsupported media type", "send the item as application/json")
    body = request.get_data(cache=False)
    if len(body) > MAX_BYTES:
        return _refuse(413, "payload too large", f"the body may hold at most {MAX_BYTES} bytes")
    try:
        item = check_item(_json(body))
    except SchemaError as exc:
        return _refuse(400, "bad request", str(exc))
    return _open(settings, unit, item)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested too deep
        raise SchemaError("the body is not valid UTF-8 JSON") from None


def _open(settings, unit: str, item: dict[str, Any]):
    database = current_app.extensions["yuqing.database"]
    with database.session() as session:
        org = read_organisation(session)
    rules = load_rules(org, settings.get("POLICY_FILE") or None, settings.get("HOLIDAY_FILE") or None)
    try:
        done = open_api_case(database, rules, unit, item, utcnow())  # a monitoring system's item: never a drill
    except NoDeskActor as exc:
        log.error("API token misconfigured: %s", exc.message)
        return _refuse(403, "forbidden", "this token's unit cannot open cases")
    except HandlerError as exc:
        return _refuse(400, "bad request", exc.message)
    if done.created:
        _enqueue(done.case_id, done.link)
        log.info("API intake opened case=%s unit=%s", done.number, unit)
    return jsonify(number=done.number, created=done.created), 201 if done.created else 200
