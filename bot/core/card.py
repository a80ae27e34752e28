"""Platform-neutral outbound messages: a Card of a kind with its data, buttons, and where it goes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A button: ``action`` is a dotted key (``case.ack``), ``params`` travel back on click."""

    label: str
    action: str
    params: dict[str, Any] = field(default_factory=dict)
    style: str = "default"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Button:
        """Inverse of :meth:`to_dict`."""
        return cls(**data)


@dataclass(frozen=True)
class Card:
    """A message of ``kind`` (a template stem) rendered from ``data``; ``buttons`` may be empty."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return {"kind": self.kind, "data": self.data, "buttons": [b.to_dict() for b in self.buttons]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        """Inverse of :meth:`to_dict`."""
        return cls(
            kind=data["kind"],
            data=dict(data.get("data") or {}),
            buttons=tuple(Button.from_dict(b) for b in data.get("buttons") or ()),
        )


@dataclass(frozen=True)
class Target:
    """Where a message goes: a ``person`` (org person id), a ``group`` (org unit id), or a ``card``
    (the outbox id of a card we sent earlier, to update it)."""

    kind: str
    id: str
    platform: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        """Inverse of :meth:`to_dict`."""
        return cls(**data)


@dataclass(frozen=True)
class Reply:
    """What a handler wants said: ``card`` to ``to`` (None: answer the event where it came from);
    ``update`` replaces the clicked card instead of sending a new message — or, with
    ``to=Target("card", <outbox id>)``, an earlier copy of ours; ``case_id`` files the message under
    its case (so later updates can find every copy)."""

    card: Card
    to: Target | None = None
    update: bool = False
    case_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return {"card": self.card.to_dict(), "to": self.to.to_dict() if self.to else None, "update": self.update,
                "case_id": self.case_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        """Inverse of :meth:`to_dict`."""
        to = data.get("to")
        return cls(card=Card.from_dict(data["card"]), to=Target.from_dict(to) if to else None,
                   update=bool(data.get("update")), case_id=data.get("case_id"))
