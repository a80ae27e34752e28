"""memchat: a chat platform that exists only in the tests, added the way docs/architecture.md says a
platform is added — this package (its ``PLATFORM`` entry, inbound, outbound, capabilities), its templates
(``../templates/memchat/``) and an emulator stub (``stub``) — with no file of the product changed.

The wire is invented and small. Inbound, ``POST /memchat/callback``: a JSON body signed with
``MEMCHAT_SECRET`` (headers ``x-memchat-timestamp``, ``x-memchat-signature`` = hex HMAC-SHA256 of
``"<timestamp>\\n<body>"``; 5 minute window). Outbound: JSON calls to ``MEMCHAT_API_BASE`` under
``/memchat/api/`` with ``Authorization: Bearer <MEMCHAT_SECRET>``.

Enabled by the settings ``YUQING_PLATFORMS=tests.integration.third_platform.memchat`` and
``MEMCHAT_SECRET`` (+ ``MEMCHAT_API_BASE``); its templates are found by putting its folder in front of the
shipped one in ``TEMPLATES_DIR``.
"""

from bot.core.platform_table import Channel, Platform

__all__ = ["PLATFORM", "NAME"]

NAME = "memchat"
_HERE = __name__

PLATFORM = Platform(
    name=NAME,
    messenger=f"{_HERE}.outbound:MemchatMessenger",
    sends_with=("memchat",),
    routes={"/memchat/callback": ("memchat", f"{_HERE}.inbound:MemchatCallback")},
    channels={"memchat": Channel(("MEMCHAT_SECRET",), {"MEMCHAT_API_BASE": "http://127.0.0.1:9"})},
    group_keys=("room",),
)
