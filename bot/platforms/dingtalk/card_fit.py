"""DingTalk's card value limit: every ``cardParamMap`` value of ``createAndDeliver`` and
``PUT /v1.0/card/instances`` is at most 1 KB ("参数值（最长不超过1KB）"), counted here as 1 024 UTF-8 bytes.

Owns: making a rendered ``cardParamMap`` fit (:func:`within_limits`, used on every card the messenger
sends or updates, so nothing over-long ever leaves) and saying what must follow such a card
(:func:`follow_ups`, the messenger's ``fit``). Text (``title``, ``body``, ``status``) is cut on a character
boundary with the mark of ``bot/platforms/fitting.py`` and its full text follows as markdown, split at
:data:`MESSAGE_BYTES`; ``facts`` lose the ends of their longest values first; a button list (``btns``) is
first written compactly (no spaces in its JSON — the params and action ids stay as
``bot/platforms/dingtalk/cardback.py`` reads them), and when it still does not fit the card keeps the
buttons of its first part and each further part follows as a card of its own (「（续）」) — never dropped.
Sources and decisions: docs/platform-dingtalk.md, "Card value limits".
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from bot.core.card import Card
from bot.platforms.fitting import ELLIPSIS, cut_with_mark, full_text, size, split_buttons, truncate_utf8

__all__ = ["VALUE_LIMIT", "MESSAGE_BYTES", "within_limits", "follow_ups", "compact", "button_parts"]

VALUE_LIMIT = 1024  # bytes per cardParamMap value ("最长不超过1KB")
MESSAGE_BYTES = 12_000  # one follow-up markdown piece: msgParam ≤ 15 000 bytes, less the title and JSON escapes


def compact(btns: str) -> str:
    """A ``btns`` value written without spaces (the same list, fewer bytes); unchanged when not JSON."""
    try:
        return json.dumps(json.loads(btns), ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return btns


def _btns_size(items: list[Any]) -> int:
    return size(json.dumps(items, ensure_ascii=False, separators=(",", ":")))


def button_parts(btns: str, limit: int = VALUE_LIMIT) -> list[list[int]]:
    """The positions of the buttons of a ``btns`` value, in consecutive parts that each fit ``limit``."""
    items = json.loads(btns or "[]")
    parts = split_buttons(list(range(len(items))), lambda idx: _btns_size([items[i] for i in idx]), limit)
    return parts or [[]]


def _fit_facts(facts: str, limit: int) -> str:
    """A ``facts`` value within ``limit``: the longest value shortened (with …) until the list fits."""
    try:
        items = json.loads(facts)
    except (TypeError, ValueError):
        return truncate_utf8(facts, limit)
    text = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    while size(text) > limit and items:
        longest = max(items, key=lambda f: size(f.get("value", "")))
        value = longest.get("value", "")
        if size(value) <= size(ELLIPSIS):
            items.pop()
        else:
            longest["value"] = truncate_utf8(value, max(size(ELLIPSIS), size(value) // 2))
        text = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    return text


def within_limits(params: Mapping[str, str], in_group: bool, limit: int = VALUE_LIMIT) -> dict[str, str]:
    """``params`` with every value at most ``limit`` bytes: text cut with the mark (the full text follows
    in the group, or 1:1), ``facts`` shortened, ``btns`` compacted and, when still too long, only the
    buttons of the first part (the other parts follow as cards of their own)."""
    out = dict(params)
    if "btns" in out:
        out["btns"] = compact(out["btns"])
        if size(out["btns"]) > limit:
            items = json.loads(out["btns"])
            out["btns"] = json.dumps([items[i] for i in button_parts(out["btns"], limit)[0]],
                                     ensure_ascii=False, separators=(",", ":"))
    for key, value in out.items():
        if size(value) <= limit or key == "btns":
            continue
        out[key] = _fit_facts(value, limit) if key == "facts" else cut_with_mark(value, limit, in_group)
    return out


def _full_text(params: Mapping[str, str], limit: int) -> str:
    """The text the card shows cut, whole (facts as 「label：value」 lines, then body, then status)."""
    lines = []
    if size(params.get("title", "")) > limit:
        lines.append(params["title"])
    if size(params.get("facts", "")) > limit:
        try:
            lines += [f"{f.get('label', '')}：{f.get('value', '')}" for f in json.loads(params["facts"])]
        except (TypeError, ValueError):
            lines.append(params["facts"])
    lines += [params[k] for k in ("body", "status") if size(params.get(k, "")) > limit]
    return "\n".join(lines)


def follow_ups(card: Card, params: Mapping[str, str], limit: int = VALUE_LIMIT) -> list[Card]:
    """The cards that must follow ``card`` (rendered as ``params``) into its chat: its full text as
    ``notice`` markdown (split at :data:`MESSAGE_BYTES`) when a text was cut, then each further part of
    its buttons as a ``notice`` card 「<title>（续）」 carrying those buttons."""
    title = truncate_utf8(params.get("title", ""), 200)
    rest: list[Card] = []
    full = _full_text(params, limit)
    if full:
        rest += full_text(title, full, MESSAGE_BYTES)
    if size(compact(params.get("btns", "[]"))) > limit:
        parts = button_parts(compact(params["btns"]), limit)
        for n, part in enumerate(parts[1:], 2):
            rest.append(Card("notice", {"title": f"{title}（续 {n}/{len(parts)}）", "color": params.get("color", "gray"),
                                        "text": "更多选项："}, tuple(card.buttons[i] for i in part)))
    return rest
