"""The platforms the product can talk to, as a table that can be extended: one :class:`Platform` entry
per platform, plain data (its adapter classes are dotted ``"module:Class"`` names, as ``bot.core.queues``
names jobs, so nothing is imported here but what a setting names).

WeCom and DingTalk are shipped (:data:`SHIPPED`). A platform the product does not name comes in through
the setting ``YUQING_PLATFORMS`` — modules, comma-separated, each holding a ``PLATFORM`` entry — which
``bot.config.load`` hands to :func:`load_named` in every process (web, worker, CLI) before anything else:
its channels join the settings (``bot.config``), its routes the web app and its messenger the worker
(``bot.platforms.registry``), its group keys the org file (``bot.core.org.add_platform``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Mapping

from bot.core.errors import ConfigError
from bot.core.org import add_platform, forget_platform, group_keys

__all__ = ["Channel", "Platform", "SHIPPED", "channels", "forget", "load_named", "platforms", "register"]


@dataclass(frozen=True)
class Channel:
    """One channel's variables: on when all ``required`` are set (and ``needs``, another channel's), off
    when none are; ``optional`` variables with their defaults."""

    required: tuple[str, ...]
    optional: Mapping[str, str] = field(default_factory=dict, hash=False)
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Platform:
    """Everything the product needs to know of one platform, as data.

    * ``name`` — the platform's name in events, outbox rows, the org file (``<name>:`` user ids,
      ``prefer: <name>``, ``groups.<name>``) and templates (``<name>/<kind>.json.j2``);
    * ``messenger`` — its ``Messenger`` (``"module:Class"``, ``bot.platforms.base``), built with the
      settings' values and ``redis``, ``templates_dir``; ``sends_with`` — the channels any of which enables it;
    * ``routes`` — route → (channel, ``"module:Class"`` of its ``InboundAdapter``);
    * ``channels`` — the channels it declares (WeCom's and DingTalk's are ``bot.config.CHANNELS``, where
      design.md's variable names are);
    * ``group_keys`` — the keys of ``groups.<name>`` in the org file;
    * ``packages`` — a library's top-level module → the package that installs it.
    """

    name: str
    messenger: str
    sends_with: tuple[str, ...]
    routes: Mapping[str, tuple[str, str]] = field(default_factory=dict, hash=False)
    channels: Mapping[str, Channel] = field(default_factory=dict, hash=False)
    group_keys: tuple[str, ...] = ()
    packages: Mapping[str, str] = field(default_factory=dict, hash=False)


WECOM = Platform(
    name="wecom", messenger="bot.platforms.wecom.outbound:WeComMessenger",
    sends_with=("wecom_app", "wecom_aibot", "wecom_aibot_ws"),
    routes={"/wecom/callback": ("wecom_app", "bot.platforms.wecom.inbound:AppCallback"),
            "/wecom/aibot": ("wecom_aibot", "bot.platforms.wecom.aibot:AibotCallback")},
    group_keys=group_keys("wecom"), packages={"wechatpy": "wechatpy"})
DINGTALK = Platform(
    name="dingtalk", messenger="bot.platforms.dingtalk.outbound:DingTalkMessenger", sends_with=("dingtalk",),
    routes={"/dingtalk/robot": ("dingtalk", "bot.platforms.dingtalk.inbound:RobotCallback"),
            "/dingtalk/card": ("dingtalk", "bot.platforms.dingtalk.cardback:CardCallback"),
            "/dingtalk/events": ("dingtalk_events", "bot.platforms.dingtalk.events:EventCallback")},
    group_keys=group_keys("dingtalk"), packages={"dingtalk": "dingtalk-sdk"})
SHIPPED = (WECOM, DINGTALK)  # their channels: bot.config.CHANNELS; their group keys: bot.core.org (design.md)

_registered: dict[str, Platform] = {}  # by name: those registered besides the shipped ones


def platforms() -> dict[str, Platform]:
    """Every platform in the table: the shipped ones, then those registered, by name."""
    return {**{p.name: p for p in SHIPPED}, **_registered}


def channels() -> dict[str, Channel]:
    """The channels registered platforms declare (not the shipped ones': ``bot.config.CHANNELS``)."""
    return {name: channel for p in platforms().values() for name, channel in p.channels.items()}


def register(platform: Platform) -> Platform:
    """Add ``platform`` to the table (the same entry again changes nothing); raises ConfigError when its
    name, a route or a channel is another platform's."""
    table = platforms()
    known = table.get(platform.name)
    if known is not None:
        if known != platform:
            raise ConfigError(f"platform {platform.name} is registered twice, differently")
        return known
    for other in table.values():
        taken = (set(platform.routes) & set(other.routes)) | (set(platform.channels) & set(other.channels))
        if taken:
            raise ConfigError(f"platform {platform.name} would take {', '.join(sorted(taken))} from {other.name}")
    add_platform(platform.name, platform.group_keys)
    _registered[platform.name] = platform
    return platform


def forget(name: str) -> None:
    """Take a registered platform out of the table again (tests that register one for themselves); the
    shipped platforms stay."""
    if _registered.pop(name, None) is not None:
        forget_platform(name)


def load_named(names: str) -> list[Platform]:
    """Register the ``PLATFORM`` of each module named in ``names`` (``YUQING_PLATFORMS``: comma-separated);
    raises ConfigError naming a module that cannot be imported or holds no Platform."""
    loaded = []
    for module_name in filter(None, (n.strip() for n in names.split(","))):
        try:
            module = import_module(module_name)
        except ImportError as exc:
            raise ConfigError(f"YUQING_PLATFORMS names {module_name}, which cannot be imported ({exc})") from None
        platform = getattr(module, "PLATFORM", None)
        if not isinstance(platform, Platform):
            raise ConfigError(f"YUQING_PLATFORMS names {module_name}, which has no PLATFORM "
                              "(a bot.core.platform_table.Platform)")
        loaded.append(register(platform))
    return loaded
