"""Route an event to one handler: typed commands by their first word, button clicks by action key.

Handlers are registered by decorator and stay plain functions ``(event, ctx) -> list[Reply]``.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from bot.core.card import Reply
from bot.core.event import Event

Handler = Callable[[Event, Any], list[Reply]]
_MENTION = re.compile(r"^\s*(@\S+\s+)+")


def command_text(event: Event) -> str:
    """The event's text without leading @-mentions and surrounding blanks."""
    return _MENTION.sub("", event.text or "").strip()


class Router:
    """Commands (first word of the text), actions (button keys) and one fallback."""

    def __init__(self) -> None:
        self.commands: dict[str, Handler] = {}
        self.actions: dict[str, Handler] = {}
        self.fallback: Handler | None = None

    def command(self, *words: str) -> Callable[[Handler], Handler]:
        """Register a handler for texts whose first word is one of ``words``."""
        def register(fn: Handler) -> Handler:
            for word in words:
                self.commands[word.lower()] = fn
            return fn
        return register

    def action(self, *keys: str) -> Callable[[Handler], Handler]:
        """Register a handler for clicks on buttons with one of the dotted ``keys``."""
        def register(fn: Handler) -> Handler:
            for key in keys:
                self.actions[key] = fn
            return fn
        return register

    def otherwise(self, fn: Handler) -> Handler:
        """Register the handler of everything nothing else matched."""
        self.fallback = fn
        return fn

    def find(self, event: Event) -> Handler | None:
        """The handler for ``event``, or None."""
        if event.kind == "click":
            return self.actions.get(event.action) or self.fallback
        words = command_text(event).split(maxsplit=1)
        if words and words[0].lower() in self.commands:
            return self.commands[words[0].lower()]
        return self.fallback

    def dispatch(self, event: Event, ctx: Any) -> list[Reply]:
        """Run the matching handler; no handler → no reply."""
        handler = self.find(event)
        return list(handler(event, ctx)) if handler else []
