"""The font the charts are drawn with: a subset of Noto Sans CJK SC Regular shipped in ``bot/figures/fonts/``
(SIL OFL 1.1; how it was made: tools/subset_font.py and fonts/README.md), so a chart reads the same on every
server whether or not it has a Chinese font installed.

:func:`check` is called when the worker starts: a missing or unreadable file is a configuration error
naming the path. :func:`families` registers the file with matplotlib once and gives the family list a chart
uses: the shipped font first, then the system fonts installed of :data:`FALLBACK`, for a character outside
the subset.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.core.errors import ConfigError

__all__ = ["FALLBACK", "PATH", "check", "families"]

PATH = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-subset.otf"
# Where a character is not in the subset, matplotlib falls back glyph by glyph along this list.
FALLBACK = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "DejaVu Sans")


def check(path: Path | str | None = None) -> str:
    """The font's family name; raises ConfigError naming ``path`` (default :data:`PATH`) when it is missing or not
    a font."""
    from matplotlib.ft2font import FT2Font

    path = Path(path or PATH)
    if not path.is_file():
        raise ConfigError(f"the chart font {path} is missing (reinstall the package, or run tools/subset_font.py)")
    try:
        return FT2Font(str(path)).family_name
    except (OSError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"the chart font {path} cannot be read: {exc}") from exc


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
