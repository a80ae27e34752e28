"""bot/app.py serves the board only when BOARD_SECRET_KEY is set; without it /board answers 404 and the log says why."""

from __future__ import annotations

import logging

from bot import config
from bot.app import create_app
from bot.demo import DEMO_ENV

ENV = {**DEMO_ENV, "REDIS_URL": "redis://127.0.0.1:1/0"}  # never connected to: the board needs no Redis


def test_without_a_secret_key_there_is_no_board(sqlite_database, caplog):
    caplog.set_level(logging.INFO, logger="bot.app")
    app = create_app(config.load(ENV), database=sqlite_database)
    client = app.test_client()
    for path in ("/board", "/board/login", "/board/login/wecom", "/board/callback/dingtalk"):
        assert client.get(path).status_code == 404, path
    assert "board off: BOARD_SECRET_KEY is not set" in caplog.text
    assert not app.config.get("YUQING_BOARD")


def test_with_a_secret_key_the_board_and_its_sign_in_are_served(sqlite_database, caplog):
    caplog.set_level(logging.INFO, logger="bot.app")
    settings = config.load({**ENV, "BOARD_SECRET_KEY": "app-test-board-secret-0123456789", "BOARD_TOKENS": "t0k3n-x=p-li"})
    app = create_app(settings, database=sqlite_database)
    client = app.test_client()
    assert client.get("/board").status_code == 302
    assert client.get("/board/login/wecom").status_code == 302
    assert client.get("/board/login/dingtalk?inapp=1").status_code == 200
    assert "board on: /board" in caplog.text and "1 operator token(s)" in caplog.text and "t0k3n-x" not in caplog.text
    assert app.config["YUQING_BOARD"] is True
