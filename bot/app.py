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
    register_board(app, settings, app.extensions["yuqing.database"])
    log.info("web app ready; channels: %s", ", ".join(sorted(settings.channels)) or "none")
    return app


def register_board(app: Flask, settings: Settings, database: Database) -> bool:
    """Serve the case board (``/board…``: its pages and its WeCom / DingTalk sign-in) when BOARD_SECRET_KEY is
    set; without it every ``/board`` address answers 404 and the start-up log says why."""
    if not settings.get("BOARD_SECRET_KEY"):
        log.info("board off: BOARD_SECRET_KEY is not set, so /board answers 404")
        return False
    from bot.board import board_blueprint
    from bot.board.oauth import oauth_blueprint

    app.register_blueprint(board_blueprint(settings, database))
    app.register_blueprint(oauth_blueprint(settings, database))
    app.config["YUQING_BOARD"] = True  # the console links to it (bot/console/templates/_side.html)
    # the path only: the first address a start prints is the one people open (`yuqing demo` prints its console's)
    log.info("board on: /board (sign-in: %s%s)",
             ", ".join(name for name, on in (("WeCom", settings.get("WECOM_CORP_ID")),
                                              ("DingTalk", settings.get("DINGTALK_APP_KEY"))) if on) or "no platform",
             f", {len(settings.board_tokens)} operator token(s)" if settings.board_tokens else "")
    return True
