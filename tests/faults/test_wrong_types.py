"""Found by the fuzzer: a sealed smart-bot message whose ``event``, ``template_card_event``, ``text`` or
``selected_items`` was not a JSON object raised AttributeError (a 500). Every field of every authentic JSON
seed (smart bot, DingTalk robot, card click and its ``content``, events, the intake API), replaced by each
wrong type, is now answered without a 5xx; anything accepted is a well-formed event."""

from __future__ import annotations

import json

import pytest

from tests.faults import seeds as s
from tests.faults.harness import Target

WRONG = ([], [1], "x", 1, 1.5, None, True, {})


def paths(obj, prefix=()):
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))


def replaced(seed: dict, path: tuple, value) -> dict:
    out = json.loads(json.dumps(seed))
    inner = out
    for key in path[:-1]:
        inner = inner[key]
    inner[path[-1]] = value
    return out


def card_with_content(content: dict) -> dict:
    body = s.card_body()
    body["content"] = body["value"] = json.dumps(content)
    return body


SEEDS = {
    "aibot text": (s.aibot_text(), lambda o: s.seal_aibot(json.dumps(o))),
    "aibot click": (s.aibot_click(), lambda o: s.seal_aibot(json.dumps(o))),
    "robot": (s.robot_body(), lambda o: s.seal_robot(s.dumps(o))),
    "card": (s.card_body(), lambda o: s.seal_card(s.dumps(o))),
    "card content": (json.loads(s.card_body()["content"]), lambda o: s.seal_card(s.dumps(card_with_content(o)))),
    "event": ({"EventType": "user_leave_org", "UserId": [s.USER]}, lambda o: s.seal_event(json.dumps(o))),
    "api": (s.API_ITEM, lambda o: s.api_request(s.dumps(o))),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_a_field_of_the_wrong_type_is_never_a_500(name, sqlite_database, redis_url, redis_client):
    target = Target(sqlite_database, redis_url, redis_client)
    seed, seal = SEEDS[name]
    for path in paths(seed):
        for value in WRONG:
            target.send(seal(replaced(seed, path, value)))
    figures = target.finish()
    assert figures.server_errors == 0 and not figures.failures, figures.failures[:3]
