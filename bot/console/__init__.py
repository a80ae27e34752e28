"""The demo's web page: people's chats from the emulators, case board and timeline from the store.

Served by ``yuqing demo`` only, never by ``yuqing serve``; the page says it is a local emulator
(模拟环境). Exports:

* ``console`` — the Flask blueprint (``/`` and ``/console/…``);
* ``install(app, emulator_url=None)`` — register it with its settings.

Its 开始演练 opens one drill case from a shipped scenario (``bot.console.drill``: it runs ``yuqing drill start``);
real intake is never a drill. Flask is imported only when ``console`` or ``install`` is used.
"""

from __future__ import annotations

__all__ = ["console", "install"]


def install(app, emulator_url: str | None = None) -> None:
    """Register the console on ``app``; ``emulator_url`` is the emulators' base URL (default:
    ``WECOM_API_BASE``)."""
    from bot.console.page import EXTENSION, ConsoleSettings
    from bot.console.views import console as blueprint

    if emulator_url:
        app.extensions[EXTENSION] = ConsoleSettings(emulator_url.rstrip("/"))
    app.register_blueprint(blueprint)


def __getattr__(name: str):
    if name == "console":
        from bot.console.views import console

        return console
    raise AttributeError(name)
