"""Message bodies for each WeCom destination, from a Card and the templates.

``templates/wecom/<kind>.json.j2`` renders the richest form — ``{"msgtype": "template_card"|
"markdown", ...}`` — and the messenger asks here for what each destination can carry:
the self-built app 1:1 takes both; the webhook robot, ``appchat/send`` and the smart bot in a
group take no button cards, so those get the kind's text fallback (``text/<kind>.txt.j2``) as
markdown; WeChat-plugin readers see neither cards nor markdown, so they get plain text.
Text and markdown are split at 2048 bytes (the smart bot's single-use ``response_url`` cannot
take several pieces: there the 20480-byte limit applies and a longer text is truncated).

Every card is fitted to WeCom's limits (``cardfit``): texts cut, at most 6 rows, and a card of more than 6
buttons sent as several cards (or, through a single-use ``response_url``, as its text). A card without live
buttons (``replace_text``) is sent fresh as a ``text_notice`` that opens ``home_url`` (PUBLIC_BASE_URL), since
``replace_text`` works only in ``update_template_card``; with no ``home_url``, as its text. With the case board
on (``board``, issue 26) a settled card that names one case opens that case's board page instead
(``home_url/board/cases/YQ-…``: the reader signs in there with WeCom).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.card import Card
from bot.core.presentation import named_numbers
from bot.platforms.render import render_json, render_text
from bot.platforms.wecom import cardfit
from bot.platforms.wecom.buttons import card_keys
from bot.platforms.wecom.longtext import split_utf8, truncate_utf8

PLATFORM = "wecom"
AIBOT_MARKDOWN_LIMIT = 20480
TEXT_TYPES = ("text", "markdown")


class Bodies:
    """Renders a Card for WeCom destinations from ``templates_dir``; settled cards open ``home_url``."""

    def __init__(self, templates_dir: Path | str, home_url: str = "", board: bool = False) -> None:
        self.templates_dir = Path(templates_dir)
        self.home_url = home_url
        self.board = board  # the case board is served (BOARD_SECRET_KEY): settled case cards open its case page

    def rich(self, card: Card, task_id: str) -> dict[str, Any]:
        """The template's body (a template card, fitted to WeCom's limits, or markdown), with ``task_id``
        for cards; ``replace_text`` is kept (this is the form ``update_template_card`` takes)."""
        body = render_json(self.templates_dir, PLATFORM, card, task_id=task_id, keys=card_keys(card.buttons))
        if body.get("msgtype") == "template_card":
            body = {**body, "template_card": cardfit.fit(body["template_card"])}
        return body

    def rich_parts(self, card: Card, task_id: str) -> list[dict[str, Any]]:
        """:meth:`rich` split into bodies of at most 6 buttons (one body unless the card has more)."""
        body = self.rich(card, task_id)
        if body.get("msgtype") != "template_card":
            return [body]
        return [{**body, "template_card": part} for part in cardfit.parts(body["template_card"])]

    def cards(self, card: Card, task_id: str) -> list[dict[str, Any]] | None:
        """The card as a fresh send shows it (settled cards as a ``text_notice``), in parts of at most 6
        buttons; None when the template renders no card or a settled card has no ``home_url`` to open."""
        parts = self.rich_parts(card, task_id)
        if parts[0].get("msgtype") != "template_card":
            return None
        if parts[0]["template_card"].get("replace_text"):
            if not self.home_url:
                return None
            return [{**parts[0], "template_card": cardfit.settled(parts[0]["template_card"], self.opens(card))}]
        return parts

    def opens(self, card: Card) -> str:
        """Where a settled card leads when tapped: the board's page of the one case it names (board on), else
        ``home_url``."""
        numbers = named_numbers(card) if self.board and self.home_url else set()
        if len(numbers) == 1:
            return f"{self.home_url.rstrip('/')}/board/cases/{numbers.pop()}"
        return self.home_url

    def text(self, card: Card) -> str:
        """The plain-text fallback of ``card``."""
        return render_text(self.templates_dir, card)

    def pieces(self, card: Card, task_id: str, *, cards: bool, plain: bool) -> list[dict[str, Any]]:
        """Bodies to send, in order: the card (in parts of at most 6 buttons), or text/markdown split at 2048 bytes.

        ``cards``: the destination takes template cards; ``plain``: the reader sees text only.
        """
        if plain:
            return [text_body("text", p) for p in split_utf8(self.text(card))]
        body = self.rich(card, task_id)
        msgtype = body.get("msgtype")
        fresh = self.cards(card, task_id) if msgtype == "template_card" and cards else None
        if fresh:
            return fresh
        if msgtype in TEXT_TYPES:
            return [text_body(msgtype, p) for p in split_utf8(body[msgtype]["content"])]
        return [text_body("markdown", p) for p in split_utf8(self.text(card))]

    def aibot(self, card: Card, task_id: str, *, cards: bool) -> dict[str, Any]:
        """One body for a smart-bot ``response_url`` (markdown or, 1:1 only, a template card of at most 6
        buttons: a single-use URL takes one message, so a card that needs several goes as its text)."""
        body = self.rich(card, task_id)
        fresh = self.cards(card, task_id) if body.get("msgtype") == "template_card" and cards else None
        if fresh and len(fresh) == 1:
            return fresh[0]
        content = body["markdown"]["content"] if body.get("msgtype") == "markdown" else self.text(card)
        return text_body("markdown", truncate_utf8(content, AIBOT_MARKDOWN_LIMIT))


def text_body(msgtype: str, content: str) -> dict[str, Any]:
    """A text or markdown body (protocol, not layout: the content comes from a template)."""
    return {"msgtype": msgtype, msgtype: {"content": content}}
