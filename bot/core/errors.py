"""The one error hierarchy of the project (style.md, convention 6).

Web answers: SignatureError → 401/403, PayloadError → 400 (413 for size),
UnsupportedEvent → 200 and ignored. Workers: PlatformError carries ``retryable``;
HandlerError carries a Chinese message for the user, never a traceback.
"""

from __future__ import annotations


class YuqingError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(YuqingError):
    """The environment or a configuration file is wrong; the message names what to fix."""


class SignatureError(YuqingError):
    """A request is not authentic: bad signature, wrong corp/app, timestamp outside the window."""

    status = 403


class PayloadError(YuqingError):
    """A request is authentic-looking but not well-formed (malformed, hostile or oversized body)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class UnsupportedEvent(YuqingError):
    """An authentic event we do not handle: answered 200 so the platform does not redeliver it."""


class PlatformError(YuqingError):
    """A platform API refused or failed a call.

    ``retryable`` says whether the same call may succeed later (throttling, 5xx, timeouts);
    ``code`` is the platform's own error code when there is one.
    """

    def __init__(self, message: str, *, code: str | int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable


class AlreadySent(PlatformError):
    """The platform refused a card because its id (WeCom ``task_id``, DingTalk ``outTrackId``) is taken.

    Raised only for an id the messenger validated, on a card within the platform's limits, so the one
    reason left is that a message with this id exists. On a **retry** (an earlier attempt of the same
    row whose outcome is unknown: a timeout, a 5xx, a crash) that message is ours: the worker records
    the row as sent with ``card_ref`` (so later updates work). On a first attempt it is a permanent
    failure the desk is told about (another message took the id).
    """

    def __init__(self, message: str, *, code: str | int | None = None, message_id: str = "",
                 card_ref: dict | None = None) -> None:
        super().__init__(message, code=code, retryable=False)
        self.message_id = message_id
        self.card_ref = dict(card_ref or {})


class HandlerError(YuqingError):
    """A user asked for something that cannot be done; ``message`` is the Chinese text they see.

    ``key`` is a stable identifier of the refusal (for tests and metrics), e.g. ``case.not_found``.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message
