"""Which adapter serves which route and which messenger sends for which platform, by channel.

Adapters are imported only when their channel is configured; each takes the settings' values
(the environment variable names of design.md) as a plain mapping. A configured channel whose
library cannot be imported (``wechatpy``, ``dingtalk-sdk``) is a ConfigError naming the package:
a channel that is set up must never be switched off in silence.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Mapping

from bot.core.errors import ConfigError
from bot.platforms.base import InboundAdapter, Messenger

__all__ = ["INBOUND", "OUTBOUND", "PACKAGES", "check_packages", "inbound_adapters", "messengers"]

# route → (channel, "module:Class")
INBOUND: dict[str, tuple[str, str]] = {
    "/wecom/callback": ("wecom_app", "bot.platforms.wecom.inbound:AppCallback"),
    "/wecom/aibot": ("wecom_aibot", "bot.platforms.wecom.aibot:AibotCallback"),
    "/dingtalk/robot": ("dingtalk", "bot.platforms.dingtalk.inbound:RobotCallback"),
    "/dingtalk/card": ("dingtalk", "bot.platforms.dingtalk.cardback:CardCallback"),
    "/dingtalk/events": ("dingtalk_events", "bot.platforms.dingtalk.events:EventCallback"),
}

# platform → (channels any of which enables it, "module:Class")
OUTBOUND: dict[str, tuple[tuple[str, ...], str]] = {
    "wecom": (("wecom_app", "wecom_aibot", "wecom_aibot_ws"), "bot.platforms.wecom.outbound:WeComMessenger"),
    "dingtalk": (("dingtalk",), "bot.platforms.dingtalk.outbound:DingTalkMessenger"),
}


# a library's top-level module → the package that installs it (pyproject.toml's dependencies)
PACKAGES: dict[str, str] = {"wechatpy": "wechatpy", "dingtalk": "dingtalk-sdk", "cryptography": "cryptography"}


def _load(channel: str, dotted: str):
    """The class ``module:Class`` of a configured channel; raises ConfigError when a library it needs is missing."""
    module, _, name = dotted.partition(":")
    try:
        return getattr(import_module(module), name)
    except ImportError as exc:
        top = (exc.name or "").partition(".")[0]
        if not top or top == "bot":
            raise  # our own module is broken: a bug, not the environment
        package = PACKAGES.get(top, top)
        raise ConfigError(f"channel {channel} is configured but the package {package} cannot be imported "
                          f"({exc}): install it (pip install {package}) or unset the channel's variables") from None


def _wanted(channels: frozenset[str]) -> list[tuple[str, str]]:
    """(channel, "module:Class") of every adapter and messenger a channel that is on needs."""
    wanted = [(channel, dotted) for channel, dotted in INBOUND.values() if channel in channels]
    for needs, dotted in OUTBOUND.values():
        on = [channel for channel in needs if channel in channels]
        if on:
            wanted.append((on[0], dotted))
    return wanted


def check_packages(channels: frozenset[str]) -> None:
    """Import what every configured channel needs, before a process starts serving; raises ConfigError
    naming the package that cannot be imported (channels that are off need nothing)."""
    for channel, dotted in _wanted(channels):
        _load(channel, dotted)


def inbound_adapters(channels: frozenset[str], config: Mapping[str, str]) -> dict[str, InboundAdapter]:
    """The adapter of every route whose channel is on; raises ConfigError when its library is missing."""
    return {route: _load(channel, dotted)(config)
            for route, (channel, dotted) in INBOUND.items() if channel in channels}


def messengers(channels: frozenset[str], config: Mapping[str, str], **deps: Any) -> dict[str, Messenger]:
    """The messenger of every platform with a channel on; ``deps`` (redis, templates_dir) are passed on;
    raises ConfigError when its library is missing."""
    out = {}
    for platform, (needs, dotted) in OUTBOUND.items():
        on = [channel for channel in needs if channel in channels]
        if on:
            out[platform] = _load(on[0], dotted)(config, **deps)
    return out
