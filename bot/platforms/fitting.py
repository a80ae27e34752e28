"""Fitting messages into a platform's size limits: the one truncation helper of every platform.

Owns: measuring text in UTF-8 bytes, cutting it on a character boundary with a mark that says where the
rest is (:data:`MARK_PERSON`, :data:`MARK_GROUP`), splitting a long text into pieces for follow-up
messages (on a line break where one falls in the second half of a piece), splitting a button list into
parts that each fit, and :class:`Fitted` — what a messenger's ``fit`` answers: the card to send and the
cards that follow it into the same chat (the full text, the buttons that did not fit). No text is ever
lost: what a card cannot hold goes out after it. Where each platform's limits come from:
``docs/platform-dingtalk.md`` ("Card value limits") and ``docs/platform-wecom.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

from bot.core.card import Card

__all__ = ["MARK_PERSON", "MARK_GROUP", "ELLIPSIS", "Fitted", "size", "truncate_utf8", "cut_with_mark",
           "split_utf8", "split_buttons", "full_text"]

MARK_PERSON = "…（全文见私信）"  # a 1:1 card: the full text follows in the person's chat
MARK_GROUP = "…（全文见下条消息）"  # a group card: the full text follows in the group
ELLIPSIS = "…"

T = TypeVar("T")


@dataclass(frozen=True)
class Fitted:
    """What a messenger's ``fit`` answers: ``card`` to send now and ``rest`` — the cards to send after it
    to the same chat, in order (the full text of what ``card`` shows cut, button lists that did not fit)."""

    card: Card
    rest: tuple[Card, ...] = ()


def size(text: str) -> int:
    """``text``'s length in UTF-8 bytes (what the platforms' limits count)."""
    return len(text.encode())


def _boundary(data: bytes, cut: int) -> int:
    """The largest character boundary of UTF-8 ``data`` at or before byte ``cut``."""
    cut = max(0, min(cut, len(data)))
    while 0 < cut < len(data) and (data[cut] & 0xC0) == 0x80:  # a continuation byte: inside a character
        cut -= 1
    return cut


def truncate_utf8(text: str, limit: int, marker: str = ELLIPSIS) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes on a character boundary, ``marker`` appended when cut;
    raises ValueError when ``limit`` cannot hold the marker."""
    data = text.encode()
    if len(data) <= limit:
        return text
    room = limit - size(marker)
    if room < 0:
        raise ValueError(f"a limit of {limit} bytes cannot hold the mark {marker!r}")
    return data[:_boundary(data, room)].decode() + marker


def cut_with_mark(text: str, limit: int, in_group: bool = False) -> str:
    """``text`` within ``limit`` bytes, cut with the mark that says where its full text follows (1:1 or
    in the group) — the caller sends the full text after it."""
    return truncate_utf8(text, limit, MARK_GROUP if in_group else MARK_PERSON)


def split_utf8(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` UTF-8 bytes each, in order.

    A piece ends on a line break when one falls in the second half of the limit (the break is dropped),
    else on a whole character; no piece is empty and joining them gives the text back (modulo the
    breaks). Raises ValueError for a limit that cannot hold one character (< 4 bytes)."""
    if limit < 4:
        raise ValueError("limit must hold at least one UTF-8 character")
    pieces: list[str] = []
    data = text.encode()
    while len(data) > limit:
        cut = _boundary(data, limit)
        newline = data.rfind(b"\n", limit // 2, cut)
        if newline > 0:
            pieces.append(data[:newline].decode())
            data = data[newline + 1:]
        else:
            pieces.append(data[:cut].decode())
            data = data[cut:]
    if data or not pieces:
        pieces.append(data.decode())
    return [p for p in pieces if p] or [""]


def split_buttons(buttons: Sequence[T], measure: Callable[[Sequence[T]], int], limit: int) -> list[list[T]]:
    """``buttons`` in consecutive parts whose ``measure`` (bytes of the encoded list) is at most ``limit``,
    as few parts as that allows, none empty, every button kept in its order. Raises ValueError when a
    single button alone is over the limit (it can be sent in no part)."""
    parts: list[list[T]] = []
    current: list[T] = []
    for button in buttons:
        if current and measure([*current, button]) > limit:
            parts.append(current)
            current = []
        if measure([button]) > limit:
            raise ValueError(f"one button alone is over {limit} bytes")
        current.append(button)
    if current or not parts:
        parts.append(current)
    return parts


def full_text(title: str, text: str, piece_bytes: int | None = None) -> tuple[Card, ...]:
    """The ``notice`` cards that carry a card's whole ``text`` after it: one titled 「<title>（全文）」, or,
    when ``piece_bytes`` splits it (:func:`split_utf8`) into several, 「<title>（全文 n/m）」 each."""
    pieces = split_utf8(text, piece_bytes) if piece_bytes else [text]
    if len(pieces) == 1:
        return (Card("notice", {"title": f"{title}（全文）", "text": pieces[0]}),)
    return tuple(Card("notice", {"title": f"{title}（全文 {n}/{len(pieces)}）", "text": piece})
                 for n, piece in enumerate(pieces, 1))
