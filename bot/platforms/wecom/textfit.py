"""What must follow a WeCom template card whose text ``cardfit`` cut: the card's whole text (its text
fallback, ``text/<kind>.txt.j2``) as a ``notice``, which WeCom sends as text split at 2048 bytes
(``longtext``) — the WeCom side of the follow-ups of ``bot/platforms/fitting.py`` (docs/platform-wecom.md).

A card is "cut" when a title, the sub-title or a row's value ends in ``cardfit``'s mark after fitting and
did not before; a button label shortened to WeCom's advice is not text to follow (the button says it).
Cards that go as text or markdown (groups, WeChat-plugin readers) are split, never cut: nothing follows.
"""

from __future__ import annotations

from typing import Any

from bot.core.card import Card
from bot.platforms.fitting import Fitted, full_text, truncate_utf8
from bot.platforms.render import render_json
from bot.platforms.wecom import cardfit
from bot.platforms.wecom.bodies import PLATFORM, Bodies
from bot.platforms.wecom.buttons import card_keys

__all__ = ["fit"]


def _texts(card: dict[str, Any]) -> list[str]:
    main = card.get("main_title") if isinstance(card.get("main_title"), dict) else {}
    rows = [r.get("value", "") for r in card.get("horizontal_content_list") or [] if isinstance(r, dict)]
    return [str(t or "") for t in (main.get("title"), main.get("desc"), card.get("sub_title_text"), *rows)]


def cut(card: dict[str, Any]) -> bool:
    """Whether ``cardfit`` cuts some text of the rendered template card ``card``."""
    before, after = set(_texts(card)), _texts(cardfit.fit(card))
    return any(t.endswith(cardfit.MARK) and t not in before for t in after)


def fit(bodies: Bodies, card: Card) -> Fitted:
    """``card`` and, when WeCom's card shows some of its text cut, its whole text to follow as a notice."""
    body = render_json(bodies.templates_dir, PLATFORM, card, task_id="fit", keys=card_keys(card.buttons))
    if body.get("msgtype") != "template_card" or not cut(body["template_card"]):
        return Fitted(card)
    title = truncate_utf8(str((body["template_card"].get("main_title") or {}).get("title", "")), 120)
    return Fitted(card, full_text(title, bodies.text(card)))
