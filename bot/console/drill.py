"""The console's drill switch (演练): whether new cases open as drills, and the policy's scale.

The console writes a small JSON file; whoever opens cases (intake, in the worker) reads it with
:func:`drill_switch`. Only the stdlib is imported here, so the worker may import this module
without pulling in Flask (``bot/console/__init__.py`` imports its views lazily).

File: ``$DRILL_SWITCH_FILE`` if set, else ``var/drill.json`` in the checkout, holding
``{"on": true, "scale": 60, "changed_at": "2026-11-29T10:00:00+00:00"}``. A missing or unreadable
file means "off": a case is a drill only when someone switched drills on.

Intake reads it like this::

    from bot.console.drill import drill_switch
    switch = drill_switch()          # DrillSwitch(on=..., scale=..., changed_at=...)
    if switch.on: open the case with drill=True and the policy scaled by switch.scale
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["DrillSwitch", "DEFAULT_SCALE", "SCALES", "drill_switch", "set_drill_switch", "switch_file"]

DEFAULT_SCALE = 60
SCALES = (1, 10, 60, 360, 3600)  # the choices the console offers: ×60 turns four hours into four minutes
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class DrillSwitch:
    """``on``: open new cases as drills; ``scale``: divide the policy's durations by this."""

    on: bool = False
    scale: int = DEFAULT_SCALE
    changed_at: str = ""

    def to_dict(self) -> dict:
        """Plain data (what the file holds)."""
        return asdict(self)


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


def set_drill_switch(on: bool, scale: int = DEFAULT_SCALE, path: str | Path | None = None) -> DrillSwitch:
    """Store the switch atomically and return it; raises ValueError for a scale below 1, OSError."""
    if int(scale) < 1:
        raise ValueError("the drill scale must be at least 1")
    switch = DrillSwitch(on=bool(on), scale=int(scale), changed_at=datetime.now(timezone.utc).isoformat())
    target = switch_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False,
                                     prefix=".drill-", suffix=".json") as handle:
        json.dump(switch.to_dict(), handle)
    os.replace(handle.name, target)
    return switch
