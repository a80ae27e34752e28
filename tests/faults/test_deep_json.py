"""Found by the fuzzer: JSON nested beyond the parser's recursion limit raised RecursionError (a 500)
on every JSON route; it is a malformed body (400), authentic or not, and changes nothing."""

from __future__ import annotations

import json

import pytest

from tests.faults import seeds as s
from tests.faults.harness import Target

DEEP = "[" * 20_000 + "]" * 20_000  # within every size limit, far beyond the recursion limit


def deep_requests():
    card = s.card_body()
    card["content"] = DEEP
    return {"robot": s.seal_robot(DEEP.encode()), "card body": s.seal_card(DEEP.encode()),
            "card content": s.seal_card(s.dumps(card)), "aibot envelope": s.seal_aibot("{}").but(body=DEEP.encode()),
            "aibot plaintext": s.seal_aibot(DEEP), "events envelope": s.seal_event("{}").but(body=DEEP.encode()),
            "events plaintext": s.seal_event(DEEP), "api": s.api_request(DEEP.encode())}


@pytest.mark.parametrize("name", sorted(deep_requests()))
def test_deeply_nested_json_is_a_400_that_changes_nothing(name, sqlite_database, redis_url, redis_client):
    target = Target(sqlite_database, redis_url, redis_client)
    req = deep_requests()[name]
    assert target.send(req) == 400
    figures = target.finish()
    assert figures.server_errors == 0 and figures.unauthentic_changes == 0 and not figures.failures
    assert json.loads(target.client.get("/healthz").data)["status"] == "ok"
