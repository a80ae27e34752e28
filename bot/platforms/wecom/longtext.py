"""Long texts: WeCom truncates text and markdown over 2048 bytes, so the bot splits them itself.

The splitting and cutting are the one helper of every platform, ``bot/platforms/fitting.py``: pieces end
on a line break when one falls in the second half of the limit, else on a whole UTF-8 character; no
piece is empty and joining them gives the text back (modulo the break). This module holds WeCom's limit.
"""

from __future__ import annotations

from bot.platforms import fitting
from bot.platforms.fitting import truncate_utf8

__all__ = ["LIMIT", "split_utf8", "truncate_utf8"]

LIMIT = 2048  # bytes, message/send text and markdown (webhook text is truncated there too)


def split_utf8(text: str, limit: int = LIMIT) -> list[str]:
    """``text`` in pieces of at most ``limit`` (WeCom's 2048) UTF-8 bytes each (:func:`fitting.split_utf8`)."""
    return fitting.split_utf8(text, limit)
