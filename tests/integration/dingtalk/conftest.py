"""A stack with DingTalk's encrypted event subscription switched on as well."""

from __future__ import annotations

import pytest

EVENT_ENV = {"DINGTALK_TOKEN": "demoeventtoken", "DINGTALK_AES_KEY": "1234567890123456789012345678901234567890123"}


@pytest.fixture
def events_stack(redis_url, tmp_path):
    """The whole product with DINGTALK_TOKEN and DINGTALK_AES_KEY set."""
    from tests.integration.stack import Stack

    running = Stack(redis_url, tmp_path, extra_env=EVENT_ENV)
    yield running
    running.stop()
