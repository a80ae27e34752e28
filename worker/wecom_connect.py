"""``yuqing wecom-connect``: the connector process of the WeCom smart bot's long connection.

Wires the platform's :class:`~bot.platforms.wecom.connector.Connector` to the inbox: every event
it reads is taken exactly as the web route takes a callback (``bot.inbox.take``: kept in the database,
then deduplicated on the msgid and enqueued as the RQ job ``queues.HANDLE_EVENT``). SIGTERM and SIGINT stop it and release its lease, so a
waiting connector takes over at once.
"""

from __future__ import annotations

import logging
import signal
from functools import partial

import redis

from bot import inbox
from bot.config import Settings
from bot.core.errors import ConfigError
from bot.platforms.wecom.connector import LEASE, Connector
from bot.platforms.wecom.inbound import DEDUP_TTL
from bot.store import Database

log = logging.getLogger(__name__)


def build_connector(settings: Settings, *, lease: float = LEASE, heartbeat: float = 30.0, name: str = "") -> Connector:
    """A connector for the configured smart bot; raises ConfigError when the long connection is off."""
    if not settings.has("wecom_aibot_ws"):
        raise ConfigError("the smart bot's long connection is not configured: set WECOM_AIBOT_ID and "
                          "WECOM_AIBOT_SECRET (and unset WECOM_AIBOT_TOKEN, the callback mode)")
    conn = redis.Redis.from_url(settings.redis_url)
    accept = partial(inbox.take, Database(settings.database_url), conn, ttl=DEDUP_TTL)
    return Connector(settings.values, conn, accept, lease=lease, heartbeat=heartbeat, name=name)


def run_connector(settings: Settings, *, lease: float = LEASE, heartbeat: float = 30.0) -> None:
    """Run until SIGTERM or SIGINT; raises ConfigError when the long connection is off."""
    connector = build_connector(settings, lease=lease, heartbeat=heartbeat)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: connector.stop.set())
    log.info("aibot connector %s starting (lease %.0f s)", connector.name, lease)
    connector.run()
