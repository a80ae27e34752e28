"""The drill switch (演练): whether new cases open as drills, and the scale their clocks run at.

The console writes it (``bot/console/drill.py``: :func:`set_drill_switch`); whoever opens cases reads it
with :func:`drill_switch` — the worker for chat intake and the web for ``POST /api/v1/cases`` — and hands
the switch to the domain command that opens the case, which scales the case's clocks. Only the stdlib is
imported here (``bot.core``).

File: ``$DRILL_SWITCH_FILE`` if set, else ``var/drill.json`` in the checkout, holding
``{"on": true, "scale": 60, "changed_at": "2026-11-29T10:00:00+00:00"}``. A missing or unreadable
file means "off": a case is a drill only when someone switched drills on.

Intake reads it like this::

    from bot.core.drill_switch import drill_switch
    switch = drill_switch()          # DrillSwitch(on=..., scale=..., changed_at=...)
    open_case(..., drill=switch.on, drill_scale=switch.scale)   # the domain scales a drill's clocks
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["DrillSwitch", "DEFAULT_SCALE", "drill_switch", "switch_file"]

DEFAULT_SCALE = 60  # ×60 turns four hours into four minutes
ROOT = Path(__file__).resolve().parents[2]  # the checkout


@dataclass(frozen=True)
class DrillSwitch:
    """``on``: open new cases as drills; ``scale``: divide the policy's durations by this."""

    on: bool = False
    scale: int = DEFAULT_SCALE
    changed_at: str = ""

    def to_dict(self) -> dict:
        """Plain data (what the file holds)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "DrillSwitch":
        """The switch as handed on in plain data (``to_dict``); off, at scale 1, for none."""
        data = data or {}
        return cls(on=bool(data.get("on")), scale=int(data.get("scale") or 1),
                   changed_at=str(data.get("changed_at") or ""))


def switch_file(path: str | Path | None = None) -> Path:
    """Where the switch is kept: ``path``, else ``$DRILL_SWITCH_FILE``, else ``var/drill.json``."""
    if path:
        return Path(path)
    return Path(os.environ.get("DRILL_SWITCH_FILE") or ROOT / "var" / "drill.json")


def drill_switch(path: str | Path | None = None) -> DrillSwitch:
    """The switch as last set; off (scale ×60) when never set or unreadable. Never raises."""
    try:
        data = json.loads(switch_file(path).read_text(encoding="utf-8"))
        scale = int(data.get("scale", DEFAULT_SCALE))
        return DrillSwitch(on=data.get("on") is True, scale=scale if scale >= 1 else DEFAULT_SCALE,
                           changed_at=str(data.get("changed_at", "")))
    except (OSError, ValueError, TypeError, AttributeError):
        return DrillSwitch()
