"""Local stand-ins for the WeCom and DingTalk servers, for tests, ``yuqing demo`` and drills.

Independent of ``bot.platforms`` (it must not share the bot's mistakes): it may import flask,
the stdlib, crypto libraries and pyyaml only.
"""

from bot.emulator.directory import Directory
from bot.emulator.server import EmulatorServer, create_emulator_app

__all__ = ["Directory", "EmulatorServer", "create_emulator_app"]
