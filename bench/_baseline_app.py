"""The callback benchmark's baseline: a Flask app that only verifies, decrypts and answers.

It uses the product's own inbound adapters (bot.platforms.registry) on the same routes, so the
signature checks, decryption and parsing are the real ones; it does no dedup and no enqueue and
touches neither Redis nor the database. Serve with gunicorn: ``_baseline_app:create_app()``
(``--pythonpath bench``).
"""

from __future__ import annotations

from flask import Flask, Response, current_app

from bot import config as config_module
from bot.platforms.registry import inbound_adapters
from bot.web import raw_request


def _answer(route: str) -> Response:
    answer = current_app.extensions["bench.inbound"][route].handle(raw_request())
    return Response(answer.body, status=answer.status, content_type=answer.content_type)


def create_app() -> Flask:
    """The baseline app for the configured channels; raises ConfigError when the environment is wrong."""
    settings = config_module.load()
    app = Flask("bench-baseline")
    adapters = inbound_adapters(settings.channels, settings.values)
    app.extensions["bench.inbound"] = adapters
    for route in adapters:
        app.add_url_rule(route, f"cb:{route}", lambda route=route: _answer(route), methods=["GET", "POST"])
    return app
