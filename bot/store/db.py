"""Engine, sessions and migrations for one database URL."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
SHORT_WAIT = 1.0
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, wait: float = 30) -> Engine:
    """An engine for ``url``; SQLite gets its folder created, a busy timeout, foreign keys on, and real
    transactions: pysqlite's own BEGIN handling is turned off and SQLAlchemy emits BEGIN itself, so a
    SAVEPOINT inside the worker's per-event transaction rolls back with it (SQLAlchemy's documented recipe).
    BEGIN IMMEDIATE takes the write lock up front: concurrent writers wait (busy timeout) instead of
    failing on a stale read snapshot; SQLite is the embedded default, PostgreSQL carries real concurrency.
    ``wait``: seconds to wait for SQLite's write lock, or for a PostgreSQL connection, lock and statement
    (a request's short engine waits little and does not wait for the disk either; the worker's waits long)."""
    url = normalise_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": wait})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            if wait < 30:  # a request's writes: no fsync per commit (WAL: safe from a crash of the app)
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # pragma: no cover - trivial
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if wait < 30:
        ms = int(wait * 1000)
        # a request's writes commit without waiting for the WAL flush (synchronous_commit off: a crash of
        # the database server itself may lose the last fraction of a second; bot/store/accepted.py says why)
        args = {"connect_timeout": max(int(wait), 1),
                "options": f"-c lock_timeout={ms} -c statement_timeout={ms} -c synchronous_commit=off"}
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=args)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """One database: its engine and a session factory. Build one per process."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._short: Engine | None = None

    @property
    def short(self) -> Engine:
        """An engine that waits at most ``SHORT_WAIT`` seconds (made on first use): for writes in a
        request, which must answer within the platform's timeout whatever holds the database."""
        if self._short is None:
            self._short = make_engine(self.url, wait=SHORT_WAIT)
        return self._short

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        """Run ``SELECT 1``; raises the driver's error when the database does not answer."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self._short is not None:
            self._short.dispose()


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and ``url`` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the latest)."""
    command.upgrade(alembic_config(url), revision)
