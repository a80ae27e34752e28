"""Capabilities are a frozen value: what a platform can do, asked instead of its name."""

import dataclasses

import pytest

from bot.core.capabilities import CARD_API, NOTHING, Capabilities, RateLimit


def test_a_platform_nobody_configured_can_do_nothing_beyond_one_message_at_a_time():
    assert not NOTHING.updates_group_card and not NOTHING.dialogs_one_to_one and not NOTHING.mentions_in_groups
    assert not NOTHING.one_card_many_spaces and not NOTHING.batches_people and dict(NOTHING.rate_limits) == {}


def test_capabilities_cannot_be_changed_once_declared():
    caps = Capabilities(rate_limits={"person": RateLimit(30, 0.5)})
    with pytest.raises(dataclasses.FrozenInstanceError):
        caps.updates_group_card = True
    with pytest.raises(TypeError):
        caps.rate_limits["group"] = RateLimit(1, 1.0)


def test_cards_count_against_the_card_limit_only_where_a_platform_declares_one():
    shared = Capabilities(rate_limits={"person": RateLimit(20, 20.0), CARD_API: RateLimit(20, 20.0)})
    own = Capabilities(rate_limits={"person": RateLimit(30, 0.5)})
    assert shared.rate_api("person", has_buttons=True) == CARD_API
    assert shared.rate_api("group", has_buttons=False) == "group"
    assert own.rate_api("person", has_buttons=True) == "person"
