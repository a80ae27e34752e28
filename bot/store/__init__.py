"""Persistence: SQLAlchemy 2 models, repositories and Alembic migrations.

SQLite is the embedded default, PostgreSQL the production database.
"""

from bot.store.db import Database, upgrade
from bot.store.models import Base

__all__ = ["Base", "Database", "upgrade"]
