"""Plain data at the boundaries survives JSON, the RQ job argument format."""

import json

from bot.core.card import Button, Card, Reply, Target
from bot.core.event import Event


def test_event_round_trips_through_json_and_ignores_unknown_keys():
    ev = Event(platform="dingtalk", kind="click", user_id="0524", chat_id="cid1==", chat_type="group",
               dedup_key="ts|track|0524|case.ack", received_at="2026-11-29T02:00:00+00:00", action="case.ack",
               params={"case": "YQ-2026-0001"}, reply={"session_webhook": "http://x"})
    data = json.loads(json.dumps(ev.to_dict()))
    assert Event.from_dict({**data, "future_field": 1}) == ev


def test_reply_with_card_buttons_and_target_round_trips():
    reply = Reply(Card("warning", {"number": "YQ-2026-0001"}, (Button("签收", "case.ack", {"n": 1}, "primary"),)),
                  to=Target("group", "u-food", "dingtalk"), update=True)
    assert Reply.from_dict(json.loads(json.dumps(reply.to_dict()))) == reply
