"""Databases for tests: SQLite files and PostgreSQL databases, migrated once and copied per test."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from bot.store import upgrade

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pg_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {str(exc).strip().splitlines()[0]}"


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _admin(statement: sql.Composable) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)


class PgTemplate:
    """A migrated template database of this run; :meth:`copy` makes a fresh database from it."""

    def __init__(self) -> None:
        self.name = f"yq_test_tmpl_{uuid.uuid4().hex[:10]}"
        _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        upgrade(_pg_url(self.name))
        self.copies: list[str] = []

    def copy(self) -> str:
        """Create a database from the template; returns its URL."""
        name = f"yq_test_{uuid.uuid4().hex[:12]}"
        _admin(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(self.name)))
        self.copies.append(name)
        return _pg_url(name)

    def drop(self, url: str) -> None:
        """Drop a copy made by :meth:`copy` (only those)."""
        name = url.rsplit("/", 1)[1]
        if name in self.copies:
            _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            self.copies.remove(name)

    def close(self) -> None:
        """Drop every copy and the template."""
        for name in list(self.copies):
            self.drop(_pg_url(name))
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


class SqliteTemplate:
    """A migrated SQLite file of this run; :meth:`copy` copies it into a test's folder."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        upgrade(f"sqlite:///{self.path}")

    def copy(self, folder: Path) -> str:
        """Copy the template into ``folder``; returns its URL."""
        target = folder / f"yq-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"
