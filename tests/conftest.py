"""Shared fixtures: Redis (a database of this run's own) and migrated databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import os

import pytest

from bot.store import Database
from tests.support.databases import PgTemplate, SqliteTemplate, pg_reachable
from tests.support.services import find_redis, strict

os.environ.setdefault("TZ", "UTC")


@pytest.fixture(scope="session")
def redis_service():
    """The run's Redis (shared server on a claimed db, private server, or fakeredis)."""
    service = find_redis()
    yield service
    service.close()


@pytest.fixture
def redis_url(redis_service):
    """URL of an empty Redis database for this test."""
    redis_service.reset()
    return redis_service.url


@pytest.fixture
def redis_client(redis_service, redis_url):
    """A client of this test's empty Redis database."""
    client = redis_service.client()
    yield client
    client.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied per test."""
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def pg_template():
    """A migrated PostgreSQL template database, or a skip (a failure in strict mode)."""
    reason = pg_reachable()
    if reason:
        if strict():
            pytest.fail(f"strict mode: {reason}")
        pytest.skip(reason)
    template = PgTemplate()
    yield template
    template.close()


@pytest.fixture
def sqlite_database(sqlite_template, tmp_path):
    """A fresh, migrated SQLite database."""
    db = Database(sqlite_template.copy(tmp_path))
    yield db
    db.dispose()


@pytest.fixture
def postgres_database(request):
    """A fresh, migrated PostgreSQL database, dropped after the test."""
    template = request.getfixturevalue("pg_template")
    url = template.copy()
    db = Database(url)
    yield db
    db.dispose()
    template.drop(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request):
    """A fresh, migrated database of each kind (the store's tests run on both)."""
    return request.getfixturevalue(f"{request.param}_database")


@pytest.fixture
def stack(redis_url, tmp_path):
    """The whole product (emulators, web over HTTP, a real worker) for one test."""
    from tests.integration.stack import Stack

    running = Stack(redis_url, tmp_path)
    yield running
    running.stop()
