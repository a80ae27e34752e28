"""A configured channel whose library cannot be imported is a start-up error naming the package — never a
channel switched off in silence with its routes answering 404; a channel that is off needs no library.

Each case runs in a fresh interpreter with the library made unimportable (``sys.modules[name] = None``,
what Python does for a package that is not installed), so nothing leaks into this process's modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.config import CHANNELS, ROOT
from bot.demo import DEMO_ENV

WECOM_APP = {k: DEMO_ENV[k] for k in CHANNELS["wecom_app"][0]}
WECOM_AIBOT = {k: DEMO_ENV[k] for k in CHANNELS["wecom_aibot"][0]}
WECOM_AIBOT_WS = {"WECOM_AIBOT_ID": "aibot-1", "WECOM_AIBOT_SECRET": "aibot-secret"}
DINGTALK = {k: v for k, v in DEMO_ENV.items() if k.startswith("DINGTALK_") and k != "DINGTALK_AGENT_ID"}
DINGTALK_EVENTS = {**DINGTALK, "DINGTALK_TOKEN": "eventtoken", "DINGTALK_AES_KEY": "a" * 43}

PROBE = """
import json, sys
for name in sys.argv[2:]:
    sys.modules[name] = None  # as if the package were not installed
from bot import config
from bot.core.errors import ConfigError
from bot.platforms import registry
env = json.loads(sys.argv[1])
out = {}
for step in ("check_packages", "inbound_adapters", "messengers", "create_app"):
    try:
        settings = config.load(env)
        if step == "check_packages":
            getattr(registry, step)(settings.channels)
            out[step] = "ok"
        elif step == "inbound_adapters":
            out[step] = sorted(registry.inbound_adapters(settings.channels, settings.values))
        elif step == "messengers":
            out[step] = sorted(registry.messengers(settings.channels, settings.values, redis=None,
                                                   templates_dir=settings.templates_dir))
        else:
            from bot.app import create_app
            out[step] = sorted(str(r) for r in create_app(settings).url_map.iter_rules() if "/wecom/" in str(r)
                               or "/dingtalk/" in str(r))
    except ConfigError as exc:
        out[step] = "ConfigError: " + str(exc)
    except AttributeError as exc:
        out[step] = "AttributeError: " + str(exc)
print(json.dumps(out))
"""


def probe(env: dict[str, str], hidden: tuple[str, ...], tmp_path) -> dict:
    """What each start-up step does with ``env`` when the modules ``hidden`` cannot be imported."""
    full = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}", "REDIS_URL": "redis://127.0.0.1:1/0"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WECOM_", "DINGTALK_"))}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(full), *hidden], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("env", "hidden", "package"), [
    (WECOM_APP, "wechatpy", "wechatpy"),
    (WECOM_AIBOT, "wechatpy", "wechatpy"),
    (DINGTALK_EVENTS, "dingtalk", "dingtalk-sdk"),
], ids=["wecom_app", "wecom_aibot", "dingtalk_events"])
def test_a_configured_channel_without_its_library_refuses_to_start_naming_the_package(env, hidden, package, tmp_path):
    out = probe(env, (hidden,), tmp_path)
    for step in ("create_app", "inbound_adapters", "check_packages"):
        assert str(out[step]).startswith("ConfigError: "), (step, out[step])  # not a channel without routes
        assert f"the package {package} cannot be imported" in out[step] and "\n" not in out[step]


def test_the_smart_bots_long_connection_without_wechatpy_refuses_to_start(tmp_path):
    out = probe(WECOM_AIBOT_WS, ("wechatpy",), tmp_path)
    assert "the package wechatpy cannot be imported" in out["check_packages"]
    assert "the package wechatpy cannot be imported" in out["messengers"]


def test_channels_that_are_off_need_no_library(tmp_path):
    out = probe(DINGTALK, ("wechatpy", "dingtalk"), tmp_path)
    assert out == {"check_packages": "ok", "inbound_adapters": ["/dingtalk/card", "/dingtalk/robot"],
                   "messengers": ["dingtalk"], "create_app": ["/dingtalk/card", "/dingtalk/robot"]}
    nothing = probe({}, ("wechatpy", "dingtalk"), tmp_path)
    assert nothing == {"check_packages": "ok", "inbound_adapters": [], "messengers": [], "create_app": []}
