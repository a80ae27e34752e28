"""Which adapter serves which route and which messenger sends for which platform, by channel.

Adapters are imported only when their channel is configured; each takes the settings' values
(the environment variable names of design.md) as a plain mapping.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Mapping

from bot.platforms.base import InboundAdapter, Messenger

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


def _load(dotted: str):
    module, _, name = dotted.partition(":")
    return getattr(import_module(module), name)


def inbound_adapters(channels: frozenset[str], config: Mapping[str, str]) -> dict[str, InboundAdapter]:
    """The adapter of every route whose channel is on (modules that do not exist yet are skipped)."""
    adapters = {}
    for route, (channel, dotted) in INBOUND.items():
        if channel in channels:
            try:
                adapters[route] = _load(dotted)(config)
            except ModuleNotFoundError:
                continue
    return adapters


def messengers(channels: frozenset[str], config: Mapping[str, str], **deps: Any) -> dict[str, Messenger]:
    """The messenger of every platform with a channel on; ``deps`` (redis, templates_dir) are passed on."""
    out = {}
    for platform, (needs, dotted) in OUTBOUND.items():
        if channels & set(needs):
            try:
                out[platform] = _load(dotted)(config, **deps)
            except ModuleNotFoundError:
                continue
    return out
