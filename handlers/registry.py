"""The router every handler module registers on, and the context handlers receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import pkgutil
from importlib import import_module
from typing import Any

from bot.core.conversation import Conversation
from bot.core.org import Organisation, Person
from bot.core.router import Router
from bot.domain.context import Rules
from bot.domain.repository import CaseStore

router = Router()
dialogs: dict[str, Conversation] = {}

# every module of the package registers by decorator when imported; these are not intents
NOT_INTENTS = {"registry", "engine", "hooks"}


@dataclass
class Context:
    """What a handler may use: the organisation, the person acting (None: a stranger), the time, the
    CaseStore its domain commands run in (the event's own transaction), and the rules in force."""

    org: Organisation
    person: Person | None
    now: datetime
    store: CaseStore | None = None
    rules: Rules | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def dialog(conversation: Conversation) -> Conversation:
    """Register a dialog (call at import time of its module)."""
    if conversation.name in dialogs:
        raise ValueError(f"dialog {conversation.name!r} registered twice")
    dialogs[conversation.name] = conversation
    return conversation


def load() -> Router:
    """Import every intent and dialog module of the package (once) and return the router."""
    import handlers

    for info in pkgutil.iter_modules(handlers.__path__):
        if info.name not in NOT_INTENTS and not info.name.startswith("_"):
            import_module(f"handlers.{info.name}")
    return router
