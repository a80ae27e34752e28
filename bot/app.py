"""The composition root: ``create_app()`` builds the web app (gunicorn: ``bot.app:create_app()``).

Nothing is built at import time. The web process verifies, parses, de-duplicates, enqueues and
answers; it never sends to a platform and never runs handler code.
"""

from __future__ import annotations

import logging

import redis
from flask import Flask

from bot import config as config_module
from bot.config import Settings
from bot.intake_api import api
from bot.logconfig import configure_logging
from bot.store import Database
from bot.files_route import files
from bot.platforms.registry import inbound_adapters
from bot.web import register_callbacks, web

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, database: Database | None = None) -> Flask:
    """Build the Flask app from validated settings; raises ConfigError when the environment is wrong
    (a channel half-configured, or configured while its library cannot be imported)."""
    settings = settings or config_module.load()
    configure_logging(settings.get("LOG_LEVEL", "INFO"))
    app = Flask("yuqing")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["yuqing.settings"] = settings
    app.extensions["yuqing.database"] = database or Database(settings.database_url)
    app.extensions["yuqing.redis"] = redis.Redis.from_url(
        settings.redis_url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
    )
    app.register_blueprint(web)
    app.register_blueprint(api)
    app.register_blueprint(files)
    register_callbacks(app, inbound_adapters(settings.channels, settings.values))
    log.info("web app ready; channels: %s", ", ".join(sorted(settings.channels)) or "none")
    return app
