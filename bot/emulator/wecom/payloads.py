"""Message-body rules per channel: which msgtypes each accepts, required fields, length limits.

Text and markdown over 2048 bytes are truncated, as the official message/send page says
("最长不超过2048个字节，超过将截断"); the cut falls on a whole UTF-8 character. The webhook robot
rejects markdown over 4096 bytes and text over 5120 bytes with 40058 ("markdown.content exceed
max length 4096"), as WeCom is seen to answer; between 2048 and 5120 bytes its text is truncated.
A fresh template card's ``replace_text`` is ignored (``cards.as_sent``): it belongs to updates.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.cards import as_sent, validate_card
from bot.emulator.wecom.errcodes import WeComError

TRUNCATE_AT = 2048
APP_TYPES = ("text", "markdown", "textcard", "news", "template_card", "image", "file")
APPCHAT_TYPES = ("text", "markdown", "textcard", "news", "image", "file")
WEBHOOK_TYPES = ("text", "markdown", "markdown_v2", "news", "template_card", "image", "file")
WEBHOOK_CARD_TYPES = ("text_notice", "news_notice")
AIBOT_TYPES = ("markdown", "template_card")
WEBHOOK_LIMITS = {"text": 5120, "markdown": 4096, "markdown_v2": 4096}
AIBOT_MARKDOWN_LIMIT = 20480


@dataclass
class Body:
    """A message body as delivered: ``msgtype``, its object ``content``, whether it was truncated."""

    msgtype: str
    content: dict
    truncated: bool = False


def truncate_utf8(text: str, limit: int = TRUNCATE_AT) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` UTF-8 bytes on a character boundary, and whether it was cut."""
    data = text.encode()
    if len(data) <= limit:
        return text, False
    return data[:limit].decode("utf-8", errors="ignore"), True


def app_body(data: dict, allowed: tuple[str, ...] = APP_TYPES) -> Body:
    """The body of a ``message/send`` or ``appchat/send`` request; raises WeComError."""
    msgtype = _msgtype(data, allowed)
    content = _object(data, msgtype)
    if msgtype in ("text", "markdown"):
        return _text_body(msgtype, content, hard_limit=None)
    if msgtype in ("image", "file"):  # the media itself: media_msgs.check_app
        _require(content, "media_id", errcodes.MISSING_MEDIA_ID)
    elif msgtype == "textcard":
        _require(content, "title", errcodes.MISSING_TITLE)
        _require(content, "description", errcodes.MISSING_DESCRIPTION)
        _require(content, "url", errcodes.CARD_URL_MISSING)
    elif msgtype == "news":
        _check_articles(content)
    else:
        content = as_sent(validate_card(content))
    return Body(msgtype, content)


def webhook_body(data: dict) -> Body:
    """The body of a webhook robot message; raises WeComError."""
    msgtype = _msgtype(data, WEBHOOK_TYPES)
    content = _object(data, msgtype)
    if msgtype in WEBHOOK_LIMITS:
        return _text_body(msgtype, content, hard_limit=WEBHOOK_LIMITS[msgtype],
                          truncate=msgtype == "text")
    if msgtype == "news":
        _check_articles(content)
        return Body(msgtype, content)
    if msgtype == "file":  # the media itself: media_msgs.check_robot
        _require(content, "media_id", errcodes.MISSING_MEDIA_ID)
        return Body(msgtype, content)
    if msgtype == "image":  # base64 + md5: media_msgs.check_robot
        return Body(msgtype, content)
    if content.get("card_type") not in WEBHOOK_CARD_TYPES:
        raise WeComError(errcodes.CARD_TYPE_INVALID, "webhook cards are text_notice or news_notice")
    return Body(msgtype, validate_card(content, require_task_id=False))


def aibot_body(data: dict, chattype: str) -> Body:
    """The body of a smart-bot reply through ``response_url``; raises WeComError."""
    msgtype = _msgtype(data, AIBOT_TYPES)
    content = _object(data, msgtype)
    if msgtype == "markdown":
        return _text_body(msgtype, content, hard_limit=AIBOT_MARKDOWN_LIMIT, truncate=False)
    if chattype != "single":
        raise WeComError(errcodes.INVALID_MSGTYPE, "template_card only in a single chat")
    return Body(msgtype, as_sent(validate_card(content)))


def _msgtype(data: dict, allowed: tuple[str, ...]) -> str:
    msgtype = data.get("msgtype")
    if msgtype not in allowed:
        raise WeComError(errcodes.INVALID_MSGTYPE, f"msgtype {msgtype!r} not supported here")
    return msgtype


def _object(data: dict, msgtype: str) -> dict:
    content = data.get(msgtype)
    if not isinstance(content, dict):
        raise WeComError(errcodes.INVALID_PARAMETER, f"{msgtype} object missing")
    return content


def _text_body(msgtype: str, content: dict, hard_limit: int | None, truncate: bool = True) -> Body:
    text = content.get("content")
    if not isinstance(text, str) or not text:
        raise WeComError(errcodes.EMPTY_CONTENT, f"{msgtype}.content empty")
    if hard_limit is not None and len(text.encode()) > hard_limit:
        raise WeComError(errcodes.INVALID_PARAMETER, f"{msgtype}.content exceed max length {hard_limit}")
    cut, truncated = truncate_utf8(text) if truncate else (text, False)
    return Body(msgtype, {**content, "content": cut}, truncated)


def _require(content: dict, field: str, code: int) -> None:
    if not content.get(field):
        raise WeComError(code, f"{field} missing")


def _check_articles(content: dict) -> None:
    articles = content.get("articles")
    if not isinstance(articles, list) or not 1 <= len(articles) <= 8:
        raise WeComError(errcodes.INVALID_PARAMETER, "news.articles must hold 1 to 8 articles")
    for article in articles:
        _require(article if isinstance(article, dict) else {}, "title", errcodes.MISSING_TITLE)
