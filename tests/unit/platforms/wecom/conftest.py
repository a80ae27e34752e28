"""A real emulator server (the local mock of WeCom's web API) and a messenger pointed at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.emulator import Directory, EmulatorServer
from bot.platforms.wecom.outbound import WeComMessenger
from tests.unit.platforms.wecom.sealing import CONFIG

TEMPLATES = Path(__file__).resolve().parents[4] / "templates"
HOOK = "hook-food-0001"
CHAT = "wrFood0001"
HOME = "https://yuqing.example.gov.cn"  # PUBLIC_BASE_URL: what a settled card opens
ENV = {**CONFIG, "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "app-secret-for-tests", "PUBLIC_BASE_URL": HOME}


@pytest.fixture(scope="module")
def emulator_server():
    """Both emulators on a free port, shared by a module's tests."""
    directory = Directory(wecom_users={"zhouks": "周科长", "fenggs": "冯干事", "ligs": "李干事"},
                          wecom_hooks={HOOK: "食品生产安全监督管理科"}, wecom_aibot_chats={CHAT: "食品生产安全监督管理科"},
                          group_members={HOOK: ["zhouks", "fenggs"], CHAT: ["zhouks", "fenggs"]})
    server = EmulatorServer(ENV, directory).start()
    yield server
    server.stop()


@pytest.fixture
def wecom(emulator_server):
    """The WeCom emulator, reset."""
    emulator_server.wecom.reset()
    return emulator_server.wecom


@pytest.fixture
def messenger(emulator_server, wecom, redis_client):
    """A messenger for the emulator, tokens cached in this test's Redis."""
    return WeComMessenger({**ENV, "WECOM_API_BASE": emulator_server.url}, redis=redis_client,
                          templates_dir=TEMPLATES, timeout=5)
