"""The font the charts are drawn with: a subset of Noto Sans CJK SC Regular shipped in ``bot/figures/fonts/``
(SIL OFL 1.1; how it was made: tools/subset_font.py and fonts/README.md), so a chart reads the same on every
server whether or not it has a Chinese font installed.

:func:`check` is called when the worker starts: a missing or unreadable file is a configuration error
naming the path. :func:`families` registers the file with matplotlib once and gives the family list a chart
uses: the shipped font first, then the system fonts installed of :data:`FALLBACK`, for a character outside
the subset.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path

from bot.core.errors import ConfigError

__all__ = ["FALLBACK", "PATH", "check", "families"]

PATH = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-subset.otf"
# Where a character is not in the subset, matplotlib falls back glyph by glyph along this list.
FALLBACK = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "DejaVu Sans")


def check(path: Path | str | None = None) -> str:
    """The font's family name; raises ConfigError naming ``path`` (default :data:`PATH`) when it is missing or not
    a font. Read with the standard library (the sfnt header and its ``name`` table), so the worker's start does
    not load matplotlib: it is imported only when a chart is drawn."""
    path = Path(path or PATH)
    if not path.is_file():
        raise ConfigError(f"the chart font {path} is missing (reinstall the package, or run tools/subset_font.py)")
    try:
        return _family_name(path.read_bytes())
    except (OSError, ValueError, struct.error) as exc:
        raise ConfigError(f"the chart font {path} cannot be read: {exc}") from exc


def _family_name(data: bytes) -> str:
    """nameID 1 (the family) of an OpenType/TrueType file; raises ValueError when it is not one."""
    if data[:4] not in (b"OTTO", b"\x00\x01\x00\x00", b"true"):
        raise ValueError("not an OpenType or TrueType font")
    (count,) = struct.unpack_from(">H", data, 4)
    tables = {data[12 + 16 * i:16 + 16 * i]: struct.unpack_from(">II", data, 20 + 16 * i) for i in range(count)}
    if b"cmap" not in tables or b"name" not in tables:
        raise ValueError("it has no cmap or name table")
    start, _ = tables[b"name"]
    _, records, strings = struct.unpack_from(">HHH", data, start)
    for i in range(records):
        platform, _, _, name_id, length, offset = struct.unpack_from(">HHHHHH", data, start + 6 + 12 * i)
        if name_id == 1 and platform in (0, 3):  # Unicode / Windows: UTF-16BE
            raw = data[start + strings + offset:start + strings + offset + length]
            return raw.decode("utf-16-be")
    raise ValueError("it names no family")


@lru_cache(maxsize=4)
def families(path: Path | str | None = None) -> tuple[str, ...]:
    """Register the font with matplotlib (once per path) and return the family list for ``font.family``."""
    from matplotlib import font_manager

    family = check(path)
    font_manager.fontManager.addfont(str(path or PATH))
    return (family, *(name for name in FALLBACK if _installed(font_manager, name)))


def _installed(font_manager, name: str) -> bool:
    """Whether matplotlib finds ``name`` (a family it cannot find would be logged on every first use)."""
    try:
        font_manager.findfont(name, fallback_to_default=False)
    except ValueError:
        return False
    return True
