"""Targets of the organisation become outbox messages on the right platform."""

from pathlib import Path

import pytest

from bot.core.card import Card, Target
from bot.org.file import parse_org_file
from worker.addressing import Unreachable, group_addresses, target_messages

ORG = parse_org_file(Path(__file__).resolve().parents[3] / "examples" / "org.yaml")
CARD = Card("notice", {"text": "hi"})


def test_a_person_is_reached_on_their_preferred_platform():
    [m] = target_messages(ORG, Target("person", "p-li"), CARD, "d1")
    assert (m.platform, m.method, m.address["user_id"]) == ("dingtalk", "person", "0524")
    [m] = target_messages(ORG, Target("person", "p-li", "wecom"), CARD, "d1")
    assert (m.platform, m.address["user_id"]) == ("wecom", "ligs")


def test_a_wechat_plugin_reader_is_marked():
    [m] = target_messages(ORG, Target("person", "p-feng"), CARD, "d1")
    assert m.address == {"user_id": "fenggs", "wechat_plugin": True}


def test_a_unit_with_groups_on_both_platforms_gets_both_with_secrets_resolved():
    messages = target_messages(ORG, Target("group", "u-quality"), CARD, "d2")
    assert sorted(m.platform for m in messages) == ["dingtalk", "wecom"]
    assert len({m.dedup_id for m in messages}) == 2
    groups = group_addresses(ORG, "u-quality", {"WECOM_HOOK_QUALITY": "key-q"})
    assert groups["wecom"]["wecom_webhook_key"] == "key-q"


def test_unreachable_targets_are_refused():
    with pytest.raises(Unreachable):
        target_messages(ORG, Target("person", "p-nobody"), CARD, "d3")
    with pytest.raises(Unreachable):
        target_messages(ORG, Target("group", "u-price", "wecom"), CARD, "d3")
