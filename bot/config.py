"""Settings from the environment (names fixed by design.md), read and validated once at start-up.

A channel is on when all its variables are set, off when none are, and a ConfigError naming the
missing variables when only some are. Secrets never appear in ``repr`` or :meth:`Settings.describe`.

``YUQING_PLATFORMS`` names modules of platforms the product does not ship (``bot.core.platform_table``);
loading the settings registers them, and their channels are read here like WeCom's and DingTalk's.
``TEMPLATES_DIR`` may name several folders (``os.pathsep``-separated), searched in order: a folder of
a platform's own templates before the shipped one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core import platform_table
from bot.core.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

# channel name → (required variables, optional variables with defaults)
CHANNELS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "wecom_app": (
        ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_AES_KEY"),
        {"WECOM_API_BASE": "https://qyapi.weixin.qq.com"},
    ),
    "wecom_aibot": (("WECOM_AIBOT_TOKEN", "WECOM_AIBOT_AES_KEY"), {}),
    "wecom_aibot_ws": (
        ("WECOM_AIBOT_ID", "WECOM_AIBOT_SECRET"),
        {"WECOM_AIBOT_WS_URL": "wss://openws.work.weixin.qq.com"},
    ),
    "dingtalk": (
        (
            "DINGTALK_APP_KEY",
            "DINGTALK_APP_SECRET",
            "DINGTALK_ROBOT_CODE",
            "DINGTALK_CARD_TEMPLATE_ID",
            "DINGTALK_CARD_ROUTE_KEY",
            "DINGTALK_CARD_CALLBACK_SECRET",
        ),
        {"DINGTALK_OAPI_BASE": "https://oapi.dingtalk.com", "DINGTALK_API_BASE": "https://api.dingtalk.com"},
    ),
    "dingtalk_notice": (("DINGTALK_AGENT_ID",), {}),
    "dingtalk_events": (("DINGTALK_TOKEN", "DINGTALK_AES_KEY"), {}),
}

# channels that need another channel's variables too
CHANNEL_NEEDS = {"dingtalk_notice": ("DINGTALK_APP_KEY", "DINGTALK_APP_SECRET"), "dingtalk_events": ("DINGTALK_APP_KEY",)}

SECRET_WORDS = ("SECRET", "TOKEN", "AES_KEY", "PASSWORD")

# General settings: name → default. Periods are in seconds so tests can run them fast.
GENERAL: dict[str, str] = {
    "DATABASE_URL": "",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ORG_FILE": "",
    "POLICY_FILE": "",
    "HOLIDAY_FILE": "",
    "ANCHOR_FILE": "",  # the daily anchor lines, outside the database; default var/anchors.txt (load)
    "TIMEZONE": "Asia/Shanghai",
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    "API_TOKENS": "",
    "TEMPLATES_DIR": "",
    "YUQING_PLATFORMS": "",
    "MAX_BODY_BYTES": "262144",
    "RECONCILE_INTERVAL": "60",
    "WORKER_TTL": "60",
    "MAINTENANCE_INTERVAL": "60",
    "DELIVERY_LEASE": "120",
    "LOG_LEVEL": "INFO",
    # the board (issue 26): off unless BOARD_SECRET_KEY is set; BOARD_TOKENS are operators' token=person-id pairs
    "BOARD_SECRET_KEY": "",
    "BOARD_TOKENS": "",
    # the identity providers' sign-in pages (the board's OAuth); the demo and tests point them at the emulators
    "WECOM_OPEN_BASE": "https://open.weixin.qq.com",
    "WECOM_LOGIN_BASE": "https://login.work.weixin.qq.com",
    "DINGTALK_LOGIN_BASE": "https://login.dingtalk.com",
    "DINGTALK_JSAPI_URL": "https://g.alicdn.com/dingding/dingtalk-jsapi/3.0.25/dingtalk.open.js",
    "DINGTALK_CORP_ID": "",  # the organisation's corpId, for the in-app free login (requestAuthCode)
}

BOARD_SECRET_MIN = 16  # characters of BOARD_SECRET_KEY: it signs every board session


def is_secret(name: str) -> bool:
    """Whether a variable's value must never be printed."""
    return any(word in name for word in SECRET_WORDS) or name in ("API_TOKENS", "BOARD_TOKENS")


@dataclass(frozen=True)
class Settings:
    """Validated settings. ``values`` holds every known variable that is set (or defaulted)."""

    values: Mapping[str, str] = field(repr=False)
    channels: frozenset[str]
    api_tokens: Mapping[str, str] = field(repr=False)
    templates_dir: Path  # the search path of TEMPLATES_DIR: one folder, or several joined by os.pathsep
    timezone: str
    max_body_bytes: int
    reconcile_interval: float
    worker_ttl: int
    maintenance_interval: int
    database_url: str = field(repr=False, default="")
    redis_url: str = field(repr=False, default="")
    board_tokens: Mapping[str, str] = field(repr=False, default_factory=dict)  # BOARD_TOKENS: token → person id

    def get(self, name: str, default: str = "") -> str:
        """The value of a variable (after defaults), or ``default``."""
        return self.values.get(name, default)

    def has(self, channel: str) -> bool:
        """Whether a channel (a key of CHANNELS) is configured."""
        return channel in self.channels

    def describe(self) -> dict[str, str]:
        """Every known variable with secrets masked: for `yuqing` to print, never the raw values."""
        out = {}
        for name in sorted(self.values):
            value = self.values[name]
            out[name] = ("***" if value else "") if is_secret(name) else value
        if self.redis_url and "@" in self.redis_url:
            out["REDIS_URL"] = "***"
        if "@" in self.database_url:
            out["DATABASE_URL"] = mask_url(self.database_url)
        return out


def mask_url(url: str) -> str:
    """``url`` with its credentials masked (for logs and `yuqing` output); one without any as it is."""
    if "@" not in url:
        return url
    head, _, tail = url.rpartition("@")
    scheme, _, _ = head.partition("://")
    return f"{scheme}://***@{tail}"


def _channel_table() -> dict[str, tuple[tuple[str, ...], Mapping[str, str], tuple[str, ...]]]:
    """Every channel: the shipped platforms' (CHANNELS) and those registered platforms declare."""
    table = {name: (required, optional, CHANNEL_NEEDS.get(name, ())) for name, (required, optional) in CHANNELS.items()}
    for name, channel in platform_table.channels().items():
        if name in table:
            raise ConfigError(f"channel {name} is declared twice")
        table[name] = (channel.required, channel.optional, channel.needs)
    return table


def _channels(env: Mapping[str, str]) -> tuple[frozenset[str], dict[str, str]]:
    on: set[str] = set()
    values: dict[str, str] = {}
    errors: list[str] = []
    for name, (required, optional, needs) in _channel_table().items():
        present = [v for v in required if env.get(v)]
        if not present:
            continue
        missing = [v for v in required if not env.get(v)]
        missing += [v for v in needs if not env.get(v)]
        if missing:
            errors.append(f"channel {name} is half-configured: missing {', '.join(missing)}")
            continue
        on.add(name)
        for v in required:
            values[v] = env[v]
        for v, default in optional.items():
            values[v] = env.get(v) or default
    if {"wecom_aibot", "wecom_aibot_ws"} <= on:
        errors.append("WECOM_AIBOT_TOKEN (callback mode) and WECOM_AIBOT_ID (long connection) exclude each other: set one")
    if errors:
        raise ConfigError("; ".join(errors))
    return frozenset(on), values


def _api_tokens(raw: str) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        token, sep, unit = item.partition("=")
        if not sep or not token.strip() or not unit.strip():
            raise ConfigError("API_TOKENS must be comma-separated token=desk-unit-id pairs")
        tokens[token.strip()] = unit.strip()
    return tokens


def _board_tokens(raw: str, secret: str) -> dict[str, str]:
    """BOARD_TOKENS as token → person id; raises ConfigError for a malformed list or one without a secret key."""
    tokens: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        token, sep, person = item.partition("=")
        token, person = token.strip(), person.strip()
        if not sep or not token or not person:
            raise ConfigError("BOARD_TOKENS must be comma-separated token=person-id pairs (e.g. s3cr3t-t0ken=p-li)")
        if token in tokens:
            raise ConfigError("BOARD_TOKENS names one token twice")
        tokens[token] = person
    if tokens and not secret:
        raise ConfigError("BOARD_TOKENS is set but BOARD_SECRET_KEY is not: the board is off without its secret key")
    return tokens


def _board_secret(raw: str) -> str:
    if raw and len(raw) < BOARD_SECRET_MIN:
        raise ConfigError(f"BOARD_SECRET_KEY must be at least {BOARD_SECRET_MIN} characters (it signs the board's "
                          "sessions); generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    return raw


def _number(env: Mapping[str, str], name: str, kind: type) -> int | float:
    raw = env.get(name) or GENERAL[name]
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


def default_database_url() -> str:
    """The embedded default: a SQLite file under ``var/`` of the checkout."""
    return f"sqlite:///{ROOT / 'var' / 'yuqing.db'}"


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings; raises ConfigError naming every problem."""
    env = dict(os.environ if env is None else env)
    platform_table.load_named(env.get("YUQING_PLATFORMS", ""))
    channels, channel_values = _channels(env)
    values = {name: env.get(name) or default for name, default in GENERAL.items()}
    values = {k: v for k, v in values.items() if v}
    values.update(channel_values)
    values["DATABASE_URL"] = env.get("DATABASE_URL") or default_database_url()
    values["ANCHOR_FILE"] = env.get("ANCHOR_FILE") or str(ROOT / "var" / "anchors.txt")  # 存证锚点 (issue 24)
    try:
        ZoneInfo(values["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {values['TIMEZONE']!r} is not a known time zone") from None
    for name in ("ORG_FILE", "POLICY_FILE", "HOLIDAY_FILE"):
        if values.get(name) and not Path(values[name]).is_file():
            raise ConfigError(f"{name} points to {values[name]!r}, which is not a file")
    folders = [f for f in (env.get("TEMPLATES_DIR") or str(ROOT / "templates")).split(os.pathsep) if f]
    for folder in folders or [env.get("TEMPLATES_DIR", "")]:
        if not folder or not Path(folder).is_dir():
            raise ConfigError(f"TEMPLATES_DIR {folder!r} is not a directory")
    templates = Path(os.pathsep.join(str(Path(f)) for f in folders))
    return Settings(
        values=values,
        channels=channels,
        api_tokens=_api_tokens(env.get("API_TOKENS", "")),
        board_tokens=_board_tokens(env.get("BOARD_TOKENS", ""), _board_secret(env.get("BOARD_SECRET_KEY", ""))),
        database_url=values["DATABASE_URL"],
        redis_url=values["REDIS_URL"],
        templates_dir=templates,
        timezone=values["TIMEZONE"],
        max_body_bytes=int(_number(env, "MAX_BODY_BYTES", int)),
        reconcile_interval=float(_number(env, "RECONCILE_INTERVAL", float)),
        worker_ttl=int(_number(env, "WORKER_TTL", int)),
        maintenance_interval=int(_number(env, "MAINTENANCE_INTERVAL", int)),
    )
