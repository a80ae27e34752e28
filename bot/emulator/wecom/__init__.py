"""The WeCom emulator: a strict local stand-in for WeCom's servers.

Written from the platform's documentation, independently of ``bot.platforms``. Modules:
``emulator`` (the class and its accessors), ``api`` (``/cgi-bin/`` routes), ``control``
(``/_emulator/wecom/`` routes), ``messaging`` and ``robots`` (what API calls do), ``cards`` and
``payloads`` (payload rules), ``records``, ``tokens``, ``codes``, ``faults``, ``crypto``,
``callbacks``, ``delivery``, ``passive`` and ``actor`` (acting as people).
"""

from bot.emulator.wecom.actor import ActError, Person
from bot.emulator.wecom.delivery import Delivery
from bot.emulator.wecom.emulator import WeComEmulator

__all__ = ["ActError", "Delivery", "Person", "WeComEmulator"]
