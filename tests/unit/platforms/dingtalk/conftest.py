"""A real DingTalk emulator on a local port and a messenger pointed at it (tests/support/dingtalk_emulator.py)."""

from tests.support.dingtalk_emulator import config, emulator, messenger  # noqa: F401 - fixtures
