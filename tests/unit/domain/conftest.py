"""Fixtures of the domain's unit tests: a small organisation, the default rules, an in-memory store."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.clock import SHANGHAI, FixedClock
from bot.core.org import Organisation
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from tests.unit.domain.memory_store import MemoryStore
from tests.unit.domain.sample_org import make_org


@pytest.fixture
def org() -> Organisation:
    return make_org()


@pytest.fixture
def rules(org) -> Rules:
    return Rules(org, default_policy(), WorkCalendar())


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    """Tuesday 2026-11-24 10:00 in Shanghai (a working day)."""
    return FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI))
