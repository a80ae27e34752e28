"""The board: server-rendered case pages for signed-in people (issue 26, docs/board.md).

``board_blueprint(settings, database)`` gives the pages, the ``/board/login`` chooser, token sign-in and
logout (``bot.board.pages``); the OAuth routes are ``bot.board.oauth.oauth_blueprint``. Sessions and CSRF:
``bot.board.session``; who sees what: ``bot.board.access``.
"""

from __future__ import annotations

__all__ = ["board_blueprint"]


def board_blueprint(settings, database, clock=None):
    """The board's blueprint (under ``/board``); ``clock`` (an object with ``now()``) for tests."""
    from bot.board.pages import build_blueprint

    return build_blueprint(settings, database, clock)
