"""Long texts: WeCom truncates text and markdown over 2048 bytes, so the bot splits them itself.

Pieces end on a line break when one falls in the second half of the limit, else on a whole
UTF-8 character; no piece is empty and joining them gives the text back (modulo the break).
"""

from __future__ import annotations

LIMIT = 2048  # bytes, message/send text and markdown (webhook text is truncated there too)


def split_utf8(text: str, limit: int = LIMIT) -> list[str]:
    """``text`` in pieces of at most ``limit`` UTF-8 bytes each."""
    if limit < 4:
        raise ValueError("limit must hold at least one UTF-8 character")
    pieces: list[str] = []
    data = text.encode()
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # never inside a multi-byte character
            cut -= 1
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


def truncate_utf8(text: str, limit: int, marker: str = "…") -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes on a character boundary, ``marker`` appended."""
    data = text.encode()
    if len(data) <= limit:
        return text
    room = limit - len(marker.encode())
    return data[:room].decode("utf-8", errors="ignore") + marker
