"""Plain data and names shared by every layer: events, cards, errors, Redis keys, queue names, time.

Nothing here imports Flask, RQ, SQLAlchemy, a platform SDK or another package of ours.
"""

from bot.core.card import Button, Card, Reply, Target
from bot.core.errors import (
    ConfigError,
    HandlerError,
    PayloadError,
    PlatformError,
    SignatureError,
    UnsupportedEvent,
    YuqingError,
)
from bot.core.event import Event
from bot.core.router import Router

__all__ = [
    "Button",
    "Card",
    "ConfigError",
    "Event",
    "HandlerError",
    "PayloadError",
    "PlatformError",
    "Reply",
    "Router",
    "SignatureError",
    "Target",
    "UnsupportedEvent",
    "YuqingError",
]
