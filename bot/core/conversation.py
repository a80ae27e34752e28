"""Dialogs as pure state machines, modelled on python-telegram-bot's ConversationHandler.

A :class:`Conversation` has entry points, states (a ``StrEnum``, readable in Redis), fallbacks and a
timeout; it declares its precedence among the dialogs (PTB's handler groups) and the buttons only its
owner may click (:class:`OwnerButtons`). A callback is ``(event, ctx, data) -> Step``: the next state (or
:data:`END`), the replies, and the dialog's data. The engine never stores anything: the worker loads a
:class:`DialogState`, passes it in, and saves what comes back (``worker/dialogs.py``).

    no dialog ──entry point──► state A ──callback──► state B … ──► END (state cleared)
        any state ──"取消"──► END ("已取消")      any state ──timeout──► END (stale firings ignored)

A dialog may tie its timeout to its data (``Conversation.lasts``: a report or a duty's record lives until its
duty is due, :func:`until_due`) and name what was lost in the notice sent when it expires
(``Conversation.expiry_notice``: "YQ-… 的初报尚未提交…"); the notice is kept with the stored state, so the
timeout firing needs no handler code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from bot.core.card import Card, Reply
from bot.core.event import Event
from bot.core.router import command_text

END = "__end__"
CANCEL_WORDS = ("取消", "退出", "cancel")
Matcher = Callable[[Event], bool]
LAST = 100
"""The precedence of a dialog whose entry point takes loose input (a link, any text): tried after every
dialog that starts on its own command word or button (precedence 0, the default)."""
DUE_LEAST = timedelta(hours=2)
"""The least a dialog tied to a duty is kept (:func:`until_due`), however near or past the duty's deadline."""
DUE_LONGEST = timedelta(hours=24)
"""The most a dialog tied to a duty is kept, however far its deadline: a forgotten dialog would take the
person's next typed text as its answer."""


def until_due(due: str | datetime | None, now: datetime) -> datetime:
    """When a dialog that fulfils or records a duty due at ``due`` (ISO or datetime; None: unknown) expires: at
    the deadline, at least ``DUE_LEAST`` and at most ``DUE_LONGEST`` from ``now`` (each step counts again)."""
    until = now + DUE_LEAST
    if due:
        until = max(until, datetime.fromisoformat(due) if isinstance(due, str) else due)
    return min(until, now + DUE_LONGEST)


@dataclass(frozen=True)
class Step:
    """What a callback decided: the next state (END leaves), replies, and the dialog's new data."""

    state: str
    replies: tuple[Reply, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


Callback = Callable[[Event, Any, dict[str, Any]], Step]


@dataclass(frozen=True)
class DialogState:
    """A running dialog as stored per (platform, chat, user): JSON-able, versioned for the timer guard."""

    dialog: str
    state: str
    data: dict[str, Any]
    expires_at: str
    version: int = 1
    notice: str = ""  # what the person is told when it expires ('' : the generic notice)

    def expired(self, now: datetime) -> bool:
        """Whether the dialog's timeout has passed at ``now``."""
        return now >= datetime.fromisoformat(self.expires_at)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        out = {"dialog": self.dialog, "state": self.state, "data": self.data, "expires_at": self.expires_at,
               "version": self.version}
        if self.notice:
            out["notice"] = self.notice
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogState:
        """Inverse of :meth:`to_dict`."""
        return cls(data["dialog"], data["state"], dict(data.get("data") or {}), data["expires_at"],
                   int(data.get("version", 1)), str(data.get("notice") or ""))


def is_text(event: Event) -> bool:
    """Matcher: any typed text (1:1 or @-mention)."""
    return event.kind in ("text", "mention", "link") and bool(command_text(event) or event.url)


def is_cancel(event: Event) -> bool:
    """Whether the person asked to leave the dialog."""
    return event.kind != "click" and command_text(event).lower() in CANCEL_WORDS


@dataclass(frozen=True)
class OwnerButtons:
    """Buttons of a dialog that only the person whose dialog sent them may click (anyone can click a card in
    a group), and ``word``: the command that starts the dialog, which names its step in the answers to a
    click by someone else (“这是…的报告步骤”) or after the dialog ended (“请发送“报告 YQ-…””)."""

    keys: tuple[str, ...]
    word: str

    def __post_init__(self) -> None:
        if not self.keys or not all(self.keys) or not self.word.strip():
            raise ValueError("owner buttons need their keys and the word that starts the dialog")


@dataclass
class Conversation:
    """One dialog: ``entry_points`` start it, ``states`` map a state to its handlers, ``fallbacks``
    apply in every state, ``timeout`` ends it when the person goes quiet. ``precedence`` orders the entry
    points of all dialogs: lower is tried first, equal ones by ``name`` — never by module name or import
    order. ``owner_buttons``: its buttons only its owner may use (``handlers/dialog_owner.py``). ``lasts``
    (data, now) → when it expires instead of ``timeout`` from now; ``expiry_notice`` (data) → what the person
    is told when it does ('' for the generic notice)."""

    name: str
    entry_points: list[tuple[Matcher, Callback]]
    states: dict[str, list[tuple[Matcher, Callback]]]
    fallbacks: list[tuple[Matcher, Callback]] = field(default_factory=list)
    timeout: timedelta = timedelta(minutes=30)
    precedence: int = 0
    owner_buttons: OwnerButtons | None = None
    lasts: Callable[[dict[str, Any], datetime], datetime] | None = None
    expiry_notice: Callable[[dict[str, Any]], str] | None = None

    def entry(self, event: Event) -> Callback | None:
        """The entry callback that takes ``event``, or None."""
        return next((cb for match, cb in self.entry_points if match(event)), None)

    def handler(self, state: str, event: Event) -> Callback | None:
        """The callback for ``event`` in ``state`` (state handlers first, then fallbacks), or None."""
        for match, cb in [*self.states.get(state, []), *self.fallbacks]:
            if match(event):
                return cb
        return None

    def start(self, event: Event, ctx: Any, now: datetime) -> tuple[DialogState | None, list[Reply]] | None:
        """Start the dialog if an entry point takes ``event``; None if none does."""
        callback = self.entry(event)
        if callback is None:
            return None
        return self._apply(callback(event, ctx, {}), now, version=1)

    def advance(self, current: DialogState, event: Event, ctx: Any, now: datetime
                ) -> tuple[DialogState | None, list[Reply]] | None:
        """Feed ``event`` to a running dialog; None when no handler of its state takes it."""
        callback = self.handler(current.state, event)
        if callback is None:
            return None
        return self._apply(callback(event, ctx, dict(current.data)), now, version=current.version + 1)

    def _apply(self, step: Step, now: datetime, version: int) -> tuple[DialogState | None, list[Reply]]:
        if step.state == END:
            return None, list(step.replies)
        if step.state not in self.states:
            raise ValueError(f"dialog {self.name}: unknown state {step.state!r}")
        expires = (self.lasts(step.data, now) if self.lasts else now + self.timeout).isoformat()
        notice = self.expiry_notice(step.data) if self.expiry_notice else ""
        return DialogState(self.name, step.state, step.data, expires, version, notice), list(step.replies)


def cancelled_reply() -> Reply:
    """What the person sees after 取消."""
    return Reply(Card("notice", {"text": "已取消当前操作。需要时发送“帮助”查看可用指令。"}))


def expired_reply(state: DialogState | None = None) -> Reply:
    """What the person sees when a dialog timed out: the dialog's own notice (naming what was lost), else a
    generic one."""
    text = (state.notice if state is not None else "") or "上一次操作等待太久，已自动结束。如需继续，请重新开始。"
    return Reply(Card("notice", {"text": text}))
