"""The demo's web page: people's chats from the emulators, case board and timeline from the store.

Served by ``yuqing demo`` only, never by ``yuqing serve``; the page says it is a local emulator
(模拟环境). Exports:

* ``console`` — the Flask blueprint (``/`` and ``/console/…``);
* ``install(app, emulator_url=None, drill_file=None)`` — register it with its settings.

The console writes the drill switch (演练; ``bot.console.drill.set_drill_switch``); whoever opens cases reads
it with ``bot.core.drill_switch.drill_switch``. Flask is imported only when ``console`` or ``install`` is used.
"""

from __future__ import annotations

__all__ = ["console", "install"]


def install(app, emulator_url: str | None = None, drill_file: str | None = None) -> None:
    """Register the console on ``app``; ``emulator_url`` is the emulators' base URL (default:
    ``WECOM_API_BASE``), ``drill_file`` where the drill switch is kept (default: var/drill.json)."""
    from bot.console.page import EXTENSION, ConsoleSettings
    from bot.console.views import console as blueprint

    if emulator_url:
        app.extensions[EXTENSION] = ConsoleSettings(emulator_url.rstrip("/"), drill_file)
    elif drill_file:
        settings = app.extensions["yuqing.settings"]
        app.extensions[EXTENSION] = ConsoleSettings(settings.get("WECOM_API_BASE"), drill_file)
    app.register_blueprint(blueprint)


def __getattr__(name: str):
    if name == "console":
        from bot.console.views import console

        return console
    raise AttributeError(name)
