"""The domain's refusals: every one is a HandlerError carrying a stable key and a Chinese message."""

from __future__ import annotations

from bot.core.errors import HandlerError


class DomainError(HandlerError):
    """Base of every refusal the domain core raises."""


class IllegalTransition(DomainError):
    """A case or assignment cannot move from its current state with this action."""


class NotPermitted(DomainError):
    """The actor holds no role on this case that allows the action."""


class NotFound(DomainError):
    """A case, assignment, unit, person or duty named by id does not exist."""


class InvalidInput(DomainError):
    """An argument is missing or wrong (e.g. a return without a reason)."""
