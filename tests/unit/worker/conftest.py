"""Fixtures the worker's unit tests share."""

from __future__ import annotations

import pytest

from tests.unit.handlers.unit_side import World


@pytest.fixture
def world(sqlite_database):
    """The unit side (store, rules, people) over the test's SQLite database."""
    return World(sqlite_database)
