"""WeCom's template-card limits, applied to a rendered card before it is sent (docs/platform-wecom.md, "Card limits").

WeCom documents hard limits for a card's lists — at most 6 buttons (``button_list``), at most 6 rows
(``horizontal_content_list``), a button ``key`` of at most 1024 bytes, a ``task_id`` of ``[0-9A-Za-z_-@]``,
at most 128 bytes — and only *advises* lengths for its texts (document 90236, "建议不超过"): ``main_title.title``
36 characters, ``main_title.desc`` 44, ``sub_title_text`` 160, a row's ``value`` 30, a button's ``text`` 10.
We keep to the advice (the emulator refuses anything longer: a card it accepts is one WeCom shows whole):

* :func:`fit` cuts each text at a character boundary with 「…」, moves rows beyond the sixth into the
  sub-title, and checks every key (printable ASCII, ≤ 1024 bytes);
* :func:`parts` splits a card of more than 6 buttons into cards of at most 6 (the later ones titled 「（续n）」,
  each with its own task_id), so the adapter never sends more;
* :func:`settled` turns a card whose buttons are gone (``replace_text``, which only ``update_template_card``
  honours) into the form a *fresh* send can show: a ``text_notice`` with the outcome in ``main_title.desc`` and a
  ``card_action`` opening ``url``.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.core.errors import ConfigError
from bot.platforms.wecom.buttons import MAX_KEY_BYTES, valid_key

MAX_BUTTONS = 6
MAX_ROWS = 6
TITLE, TITLE_DESC, SUB_TITLE, VALUE, BUTTON_TEXT = 36, 44, 160, 30, 10
MARK = "…"


def cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: cut at a character boundary and marked with 「…」."""
    return text if len(text) <= limit else text[:limit - len(MARK)] + MARK


def fit(card: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``card`` within WeCom's limits (texts cut, rows ≤ 6); raises ConfigError for a key WeCom
    would refuse (42039) — a key is ours, never cut."""
    card = copy.deepcopy(card)
    main = card.get("main_title")
    if isinstance(main, dict):
        for field, limit in (("title", TITLE), ("desc", TITLE_DESC)):
            if isinstance(main.get(field), str):
                main[field] = cut(main[field], limit)
    rows = card.get("horizontal_content_list")
    if isinstance(rows, list):
        kept, moved = rows[:MAX_ROWS], rows[MAX_ROWS:]
        if moved:
            extra = "\n".join(f"{r.get('keyname', '')}：{r.get('value', '')}" for r in moved if isinstance(r, dict))
            card["sub_title_text"] = "\n".join(t for t in (card.get("sub_title_text") or "", extra) if t)
        for row in kept:
            if isinstance(row, dict) and isinstance(row.get("value"), str):
                row["value"] = cut(row["value"], VALUE)
        card["horizontal_content_list"] = kept
    if isinstance(card.get("sub_title_text"), str):
        card["sub_title_text"] = cut(card["sub_title_text"], SUB_TITLE)
    for button in card.get("button_list") or []:
        button["text"] = cut(str(button.get("text", "")), BUTTON_TEXT)
        key = button.get("key")
        if key is not None and not valid_key(key):
            raise ConfigError(f"WeCom button key {key[:40]!r}…: not printable ASCII or over {MAX_KEY_BYTES} bytes")
    return card


def parts(card: dict[str, Any]) -> list[dict[str, Any]]:
    """``card`` as cards of at most 6 buttons each, in order (one card when it has 6 or fewer)."""
    buttons = card.get("button_list") or []
    if len(buttons) <= MAX_BUTTONS:
        return [card]
    chunks = [buttons[i:i + MAX_BUTTONS] for i in range(0, len(buttons), MAX_BUTTONS)]
    out = [{**card, "button_list": chunks[0]}]
    title = str((card.get("main_title") or {}).get("title", ""))
    for n, chunk in enumerate(chunks[1:], start=2):
        suffix = f"（续{n}）"
        out.append({key: value for key, value in card.items() if key in ("card_type", "source")}
                   | {"main_title": {"title": cut(title, TITLE - len(suffix)) + suffix}, "button_list": chunk,
                      "task_id": f"{card.get('task_id', '')}-{n}"})
    return out


def settled(card: dict[str, Any], url: str) -> dict[str, Any]:
    """The fresh-send form of a card whose buttons are gone: a ``text_notice`` showing the outcome
    (``replace_text``) under the title, its body and rows, opening ``url`` when tapped (never a link of its own)."""
    main = dict(card.get("main_title") or {})
    main["desc"] = cut(str(card.get("replace_text", "")), TITLE_DESC)
    notice = {key: value for key, value in card.items()
              if key in ("source", "sub_title_text", "horizontal_content_list", "task_id")}
    return notice | {"card_type": "text_notice", "main_title": main, "card_action": {"type": 1, "url": url}}
