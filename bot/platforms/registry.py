"""Which adapter serves which route and which messenger sends for which platform, by channel: built from
the platform table (``bot.core.platform_table``: WeCom, DingTalk, and any platform ``YUQING_PLATFORMS``
registers).

Adapters are imported only when their channel is configured; each takes the settings' values
(the environment variable names of design.md) as a plain mapping. A configured channel whose
library cannot be imported (``wechatpy``, ``dingtalk-sdk``) is a ConfigError naming the package:
a channel that is set up must never be switched off in silence.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Mapping

from bot.core.errors import ConfigError
from bot.core.platform_table import Platform, platforms
from bot.platforms.base import InboundAdapter, Messenger

__all__ = ["PACKAGES", "check_packages", "inbound_adapters", "messengers"]

# a library's top-level module → the package that installs it (pyproject.toml's dependencies; a platform's
# entry adds its own)
PACKAGES: dict[str, str] = {"cryptography": "cryptography"}


def _package(top: str) -> str:
    known = dict(PACKAGES)
    for platform in platforms().values():
        known.update(platform.packages)
    return known.get(top, top)


def _load(channel: str, dotted: str):
    """The class ``module:Class`` of a configured channel; raises ConfigError when a library it needs is missing."""
    module, _, name = dotted.partition(":")
    try:
        return getattr(import_module(module), name)
    except ImportError as exc:
        top = (exc.name or "").partition(".")[0]
        if not top or top == "bot":
            raise  # our own module is broken: a bug, not the environment
        package = _package(top)
        raise ConfigError(f"channel {channel} is configured but the package {package} cannot be imported "
                          f"({exc}): install it (pip install {package}) or unset the channel's variables") from None


def _sender(platform: Platform, on: frozenset[str]) -> str | None:
    """The first of the platform's sending channels that is on, or None."""
    return next((channel for channel in platform.sends_with if channel in on), None)


def _wanted(on: frozenset[str]) -> list[tuple[str, str]]:
    """(channel, "module:Class") of every adapter and messenger a channel that is on needs."""
    table = platforms().values()
    wanted = [(channel, dotted) for p in table for channel, dotted in p.routes.values() if channel in on]
    for platform in table:
        channel = _sender(platform, on)
        if channel:
            wanted.append((channel, platform.messenger))
    return wanted


def check_packages(on: frozenset[str]) -> None:
    """Import what every configured channel needs, before a process starts serving; raises ConfigError
    naming the package that cannot be imported (channels that are off need nothing)."""
    for channel, dotted in _wanted(on):
        _load(channel, dotted)


def inbound_adapters(on: frozenset[str], config: Mapping[str, str]) -> dict[str, InboundAdapter]:
    """The adapter of every route whose channel is on; raises ConfigError when its library is missing."""
    return {route: _load(channel, dotted)(config)
            for p in platforms().values() for route, (channel, dotted) in p.routes.items() if channel in on}


def messengers(on: frozenset[str], config: Mapping[str, str], **deps: Any) -> dict[str, Messenger]:
    """The messenger of every platform with a channel on; ``deps`` (redis, templates_dir) are passed on;
    raises ConfigError when its library is missing."""
    out = {}
    for platform in platforms().values():
        channel = _sender(platform, on)
        if channel:
            out[platform.name] = _load(channel, platform.messenger)(config, **deps)
    return out
