"""A real DingTalk emulator on a local port and a messenger pointed at it: fixtures for tests that send
through the real ``DingTalkMessenger`` without the whole stack (import them into a conftest or a test module)."""

from __future__ import annotations

import pytest

from bot.config import ROOT
from bot.demo import DEMO_ENV
from bot.emulator import Directory, EmulatorServer

SAMPLE_ORG = ROOT / "examples" / "org.yaml"


@pytest.fixture
def emulator():
    """Both emulators over HTTP with the demo credentials and the sample org."""
    server = EmulatorServer(DEMO_ENV, Directory.from_org_file(SAMPLE_ORG, DEMO_ENV)).start()
    yield server
    server.stop()


@pytest.fixture
def config(emulator):
    """The bot's DingTalk settings, pointed at the emulator."""
    return {**DEMO_ENV, "DINGTALK_OAPI_BASE": emulator.url, "DINGTALK_API_BASE": emulator.url}


@pytest.fixture
def messenger(config, redis_client):
    """The real DingTalkMessenger, pointed at the emulator."""
    from bot.platforms.dingtalk.outbound import DingTalkMessenger

    return DingTalkMessenger(config, redis=redis_client, templates_dir=ROOT / "templates")
