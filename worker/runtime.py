"""What jobs share inside one worker process: settings, database, Redis, messengers (built once)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import redis

from bot import config as config_module
from bot.config import Settings
from bot.core.capabilities import NOTHING, Capabilities
from bot.core.org import Organisation
from bot.domain.clock.policy_file import load_policy
from bot.domain.clock.workdays import load_calendar
from bot.domain.context import Rules
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

    @property
    def capabilities(self) -> dict[str, Capabilities]:
        """What each configured platform can do, as its messenger declares it."""
        return {platform: messenger.capabilities for platform, messenger in self.messengers.items()}

    def capabilities_of(self, platform: str) -> Capabilities:
        """What ``platform`` can do (nothing when no messenger sends for it)."""
        messenger = self.messengers.get(platform)
        return NOTHING if messenger is None else messenger.capabilities

    def rules(self, org: Organisation) -> Rules:
        """The rules in force for ``org``: the policy and holiday files are re-read when they change."""
        return rules_for(org, self.settings.get("POLICY_FILE"), self.settings.get("HOLIDAY_FILE"))


def _stamp(path: str) -> float:
    return os.stat(path).st_mtime if path and os.path.exists(path) else 0.0


def rules_for(org: Organisation, policy_file: str, holiday_file: str) -> Rules:
    """Rules from the files (cached per file version); raises PolicyFileError/HolidayFileError/ConfigError."""
    policy, calendar = _files(policy_file, _stamp(policy_file), holiday_file, _stamp(holiday_file))
    return Rules(org, policy, calendar)


@lru_cache(maxsize=4)
def _files(policy_file: str, _policy_stamp: float, holiday_file: str, _holiday_stamp: float):
    return load_policy(policy_file or None), load_calendar(holiday_file or None)


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
