"""The router every handler module registers on, and the context handlers receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import pkgutil
from importlib import import_module
from typing import Any, Mapping

from bot.core import queues
from bot.core.capabilities import NOTHING, Capabilities
from bot.core.card import Reply
from bot.core.card_copies import NO_COPIES, CardCopies
from bot.core.conversation import Conversation, OwnerButtons
from bot.core.event import Event
from bot.core.org import Organisation, Person
from bot.core.router import Router
from bot.domain.context import Rules
from bot.domain.records import Actor
from bot.domain.repository import CaseStore

router = Router()
dialogs: dict[str, Conversation] = {}

# every module of the package registers by decorator when imported; these are not intents
NOT_INTENTS = {"registry", "engine"}


@dataclass
class Context:
    """What a handler may use: the organisation, the person acting (None: a stranger), the time, the
    CaseStore its domain commands and reads run in (the event's own transaction), the base rules in force
    (the domain scales a case's own), what each configured platform can do (``capabilities``, by platform;
    ask :meth:`can`), and the copies of the cards already sent (``card_copies``, from the worker's outbox).

    ``extra`` is what the worker passes for the event: ``answer_where`` (where to answer a prompt, in words),
    ``event_chat``, ``jobs`` (follow-up jobs; add with :meth:`after_commit`) and ``export_link`` (a case number →
    its board download link, or None when the board is off)."""

    org: Organisation
    person: Person | None
    now: datetime
    store: CaseStore | None = None
    rules: Rules | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    capabilities: Mapping[str, Capabilities] = field(default_factory=dict)
    card_copies: CardCopies = NO_COPIES

    def can(self, platform: str) -> Capabilities:
        """What ``platform`` can do (nothing when it is not configured)."""
        return self.capabilities.get(platform, NOTHING)

    @property
    def person_id(self) -> str | None:
        """The acting person's id (None: a stranger)."""
        return self.person.id if self.person is not None else None

    def actor(self, event: Event) -> Actor:
        """The person acting, from the platform ``event`` came from."""
        return Actor(self.person.id, event.platform)

    def after_commit(self, job: str, *args: Any, queue: str = queues.PREVIEW) -> None:
        """Ask the worker to enqueue ``job(*args)`` once the event's transaction committed."""
        self.extra.setdefault("jobs", []).append({"queue": queue, "job": job, "args": list(args)})


def dialog(conversation: Conversation) -> Conversation:
    """Register a dialog (call at import time of its module); a click on one of its owner-bound buttons that
    no running dialog takes is answered by ``handlers/ended_dialog_clicks.py``. Raises ValueError for a
    second dialog of the same name or a button key that is already routed."""
    if conversation.name in dialogs:
        raise ValueError(f"dialog {conversation.name!r} registered twice")
    keys = conversation.owner_buttons.keys if conversation.owner_buttons else ()
    if taken := [key for key in keys if key in router.actions]:
        raise ValueError(f"dialog {conversation.name!r}: buttons {taken} are already routed")
    dialogs[conversation.name] = conversation
    if keys:
        router.action(*keys)(_ended_dialog_click)
    return conversation


def owner_buttons_of(action: str) -> OwnerButtons | None:
    """The owner-bound buttons, declared by a registered dialog, that include the button key ``action``."""
    return next((c.owner_buttons for c in dialogs.values()
                 if c.owner_buttons is not None and action in c.owner_buttons.keys), None)


def _ended_dialog_click(event: Event, ctx: Context) -> list[Reply]:
    from handlers.ended_dialog_clicks import answer_ended_click  # it imports this module

    return answer_ended_click(event, ctx)


def load_router() -> Router:
    """Import every intent and dialog module of the package (once) and return the router."""
    import handlers

    for info in pkgutil.iter_modules(handlers.__path__):
        if info.name not in NOT_INTENTS and not info.name.startswith("_"):
            import_module(f"handlers.{info.name}")
    return router
