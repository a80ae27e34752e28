"""Alembic environment: runs online against the configured URL."""

from alembic import context

from bot.store.db import make_engine
from bot.store import accepted, cases, intake, timeline  # noqa: F401 - their tables join Base.metadata
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run the migrations in one connection."""
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
