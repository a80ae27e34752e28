"""What jobs share inside one worker process: settings, database, Redis, messengers (built once)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import redis

from bot import config as config_module
from bot.config import Settings
from bot.platforms.base import Messenger
from bot.platforms.registry import messengers
from bot.store import Database


@dataclass
class Runtime:
    """The worker's long-lived objects."""

    settings: Settings
    database: Database
    redis: redis.Redis
    messengers: dict[str, Messenger]


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    """The process's runtime, built on first use from the environment."""
    return build(config_module.load())


def build(settings: Settings) -> Runtime:
    """A runtime from explicit settings (tests)."""
    conn = redis.Redis.from_url(settings.redis_url)
    return Runtime(
        settings=settings,
        database=Database(settings.database_url),
        redis=conn,
        messengers=messengers(settings.channels, settings.values, redis=conn, templates_dir=settings.templates_dir),
    )
