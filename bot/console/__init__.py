"""The demo's web page: people's chats from the emulators, case board and timeline from the store.

Served by ``yuqing demo`` only, never by ``yuqing serve``. For now it shows the organisation and
the state of the services; the chats and the board arrive with issue 9.
"""

from bot.console.views import console

__all__ = ["console"]
