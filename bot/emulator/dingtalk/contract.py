"""The generic card template's variable contract, as the emulator reads it.

Owns: the variables of the one template the project imports on DingTalk's card platform, how
the emulator renders a card from them, and the checks a card must pass. All values arrive as
strings (``cardParamMap``); lists are JSON-encoded strings. See docs/emulator-dingtalk.md.

    title   plain text, required
    color   header colour of the grade: red | orange | yellow | blue | green | gray
    facts   JSON list of {"label": str, "value": str}
    body    markdown
    btns    JSON list of {"text", "color", "action": {"type": "sendCardRequest",
            "params": {"actionId": str, "params": {str: str}}}} or
            {"text", "color", "action": {"type": "openLink", "params": {"url": str}}}
    status  plain text status line ("" for none)
"""

from __future__ import annotations

import json
from typing import Mapping

__all__ = ["VARIABLES", "COLORS", "render", "problems", "buttons"]

VARIABLES = ("title", "color", "facts", "body", "btns", "status")
COLORS = ("red", "orange", "yellow", "blue", "green", "gray")
VALUE_LIMIT = 1024  # bytes per value, as the createAndDeliver page states


def render(params: Mapping[str, str]) -> dict:
    """What a person sees: title, color, facts, body, buttons, status, and any problems."""
    return {
        "title": params.get("title", ""),
        "color": params.get("color", "gray"),
        "facts": _facts(params.get("facts", "")) or [],
        "body": params.get("body", ""),
        "buttons": buttons(params),
        "status": params.get("status", ""),
        "problems": problems(params),
    }


def buttons(params: Mapping[str, str]) -> list[dict]:
    """The buttons on the card: ``{text, color, type, action_id, params, url}`` each."""
    out = []
    for btn in _json_list(params.get("btns", "")) or []:
        if not isinstance(btn, dict):
            continue
        action = btn.get("action") if isinstance(btn.get("action"), dict) else {}
        ap = action.get("params") if isinstance(action.get("params"), dict) else {}
        out.append({"text": btn.get("text", ""), "color": btn.get("color", "gray"),
                    "type": action.get("type", ""), "action_id": ap.get("actionId"),
                    "params": ap.get("params") or {}, "url": ap.get("url")})
    return out


def problems(params: Mapping[str, str]) -> list[str]:
    """Everything about these variables that would render badly on the real template."""
    found = [f"unknown variable {k!r}" for k in params if k not in VARIABLES]
    found += [f"{k!r} is longer than {VALUE_LIMIT} bytes" for k, v in params.items()
              if isinstance(v, str) and len(v.encode()) > VALUE_LIMIT]
    if not params.get("title"):
        found.append("'title' is missing")
    if params.get("color", "gray") not in COLORS:
        found.append(f"'color' must be one of {', '.join(COLORS)}")
    if "facts" in params and _facts(params["facts"]) is None:
        found.append("'facts' must be a JSON list of {label, value} strings")
    if "btns" in params:
        found += _button_problems(params["btns"])
    return found


def _facts(raw: str) -> list[dict] | None:
    items = _json_list(raw)
    if items is None:
        return None
    ok = all(isinstance(i, dict) and isinstance(i.get("label"), str)
             and isinstance(i.get("value"), str) for i in items)
    return [{"label": i["label"], "value": i["value"]} for i in items] if ok else None


def _button_problems(raw: str) -> list[str]:
    items = _json_list(raw)
    if items is None:
        return ["'btns' must be a JSON list"]
    found, ids = [], set()
    for n, btn in enumerate(buttons({"btns": raw})):
        if not btn["text"]:
            found.append(f"button {n} has no text")
        if btn["type"] == "sendCardRequest":
            if not btn["action_id"]:
                found.append(f"button {n} has no actionId")
            elif btn["action_id"] in ids:
                found.append(f"button {n} repeats actionId {btn['action_id']!r}")
            ids.add(btn["action_id"])
        elif btn["type"] == "openLink":
            if not btn["url"]:
                found.append(f"button {n} has no url")
        else:
            found.append(f"button {n} has action type {btn['type']!r}")
    return found


def _json_list(raw: str) -> list | None:
    if raw == "":
        return []
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, list) else None
