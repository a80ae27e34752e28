"""A stack with an API token for the desk (``API_TOKENS``), and helpers to read cases from its store."""

from __future__ import annotations

import pytest

API_TOKEN = "monitor-token-1"


@pytest.fixture
def intake_stack(redis_url, tmp_path):
    """The whole product, with ``API_TOKENS`` mapping a token to the desk unit ``u-desk``."""
    from tests.integration.stack import Stack

    env = {"API_TOKENS": f"{API_TOKEN}=u-desk"}
    running = Stack(redis_url, tmp_path, extra_env=env)
    yield running
    running.stop()


def detail(stack, number: str | None = None):
    """A case's detail from the stack's database (by default this year's first case), or None."""
    from bot.store.case_views import case_detail
    from tests.integration.unit_flow import case_no

    number = number or case_no(1)

    with stack.database.session() as session:
        return case_detail(session, number)
