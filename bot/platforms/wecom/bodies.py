"""Message bodies for each WeCom destination, from a Card and the templates.

``templates/wecom/<kind>.json.j2`` renders the richest form — ``{"msgtype": "template_card"|
"markdown", ...}`` — and the messenger asks here for what each destination can carry:
the self-built app 1:1 takes both; the webhook robot, ``appchat/send`` and the smart bot in a
group take no button cards, so those get the kind's text fallback (``text/<kind>.txt.j2``) as
markdown; WeChat-plugin readers see neither cards nor markdown, so they get plain text.
Text and markdown are split at 2048 bytes (the smart bot's single-use ``response_url`` cannot
take several pieces: there the 20480-byte limit applies and a longer text is truncated).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.card import Card
from bot.platforms.render import render_json, render_text
from bot.platforms.wecom.buttons import card_keys
from bot.platforms.wecom.longtext import split_utf8, truncate_utf8

PLATFORM = "wecom"
AIBOT_MARKDOWN_LIMIT = 20480
TEXT_TYPES = ("text", "markdown")


class Bodies:
    """Renders a Card for WeCom destinations from ``templates_dir``."""

    def __init__(self, templates_dir: Path | str) -> None:
        self.templates_dir = Path(templates_dir)

    def rich(self, card: Card, task_id: str) -> dict[str, Any]:
        """The template's body (a template card or markdown), with ``task_id`` for cards."""
        return render_json(self.templates_dir, PLATFORM, card, task_id=task_id, keys=card_keys(card.buttons))

    def text(self, card: Card) -> str:
        """The plain-text fallback of ``card``."""
        return render_text(self.templates_dir, card)

    def pieces(self, card: Card, task_id: str, *, cards: bool, plain: bool) -> list[dict[str, Any]]:
        """Bodies to send, in order: one card, or text/markdown split at 2048 bytes.

        ``cards``: the destination takes template cards; ``plain``: the reader sees text only.
        """
        if plain:
            return [text_body("text", p) for p in split_utf8(self.text(card))]
        body = self.rich(card, task_id)
        msgtype = body.get("msgtype")
        if msgtype == "template_card" and cards:
            return [body]
        if msgtype in TEXT_TYPES:
            return [text_body(msgtype, p) for p in split_utf8(body[msgtype]["content"])]
        return [text_body("markdown", p) for p in split_utf8(self.text(card))]

    def aibot(self, card: Card, task_id: str, *, cards: bool) -> dict[str, Any]:
        """One body for a smart-bot ``response_url`` (markdown or, 1:1 only, a template card)."""
        body = self.rich(card, task_id)
        if body.get("msgtype") == "template_card" and cards:
            return body
        content = body["markdown"]["content"] if body.get("msgtype") == "markdown" else self.text(card)
        return text_body("markdown", truncate_utf8(content, AIBOT_MARKDOWN_LIMIT))


def text_body(msgtype: str, content: str) -> dict[str, Any]:
    """A text or markdown body (protocol, not layout: the content comes from a template)."""
    return {"msgtype": msgtype, msgtype: {"content": content}}
