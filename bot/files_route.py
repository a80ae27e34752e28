"""``GET /files/<token>``: open a picture or file a person sent with a report (links on the desk's card).

The token (``bot.platforms.attachments``) names the platform's reference; it is resolved only now, so a
short-lived address is always fresh. How is the platform adapter's business
(``bot.platforms.attachments.open_attachment``: DingTalk's ``messageFiles/download`` → 302 to its
short-lived ``downloadUrl``; WeCom's ``media/get`` streamed through, or 302 to a picture's PicUrl);
this route turns its answer into HTTP.

This is the one place where the web process calls a platform: a read for a person holding a link, not
a message. What cannot be opened any more (the platform dropped it, the link's time is over) is a short
Chinese page with status 410; a token that is not ours is 404. Nothing is changed either way.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, current_app, redirect

from bot.core.errors import PlatformError
from bot.core.attachments import LABELS
from bot.platforms.attachments import GONE_NOTE, Opened, open_attachment, read_token

log = logging.getLogger(__name__)
files = Blueprint("files", __name__)
GONE = "{what}已无法打开：{why}。如需查看，请联系报告人重新发送。"


def _page(text: str, status: int) -> Response:
    html = f"<!doctype html><meta charset=utf-8><title>舆情助手</title><p>{text}</p>"
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _answer(opened: Opened) -> Response:
    if opened.page:
        return _page(opened.page, opened.status)
    if opened.url:
        return redirect(opened.url, 302)
    return Response(opened.body, status=200, headers=dict(opened.headers), direct_passthrough=True)


@files.get("/files/<token>")
def open_file(token: str):
    """Resolve the token's attachment and hand it over (302 or streamed), or say why not."""
    settings = current_app.extensions["yuqing.settings"]
    ref = read_token(settings.values, token)
    if ref is None:
        return _page("链接无效。", 404)
    what = LABELS.get(ref.get("k", ""), "附件") + (f"“{ref['n']}”" if ref.get("n") else "")
    if time.time() > int(ref.get("t") or 0):
        return _page(GONE.format(what=what, why=GONE_NOTE[ref["p"]]), 410)
    redis = current_app.extensions["yuqing.redis"]
    try:
        return _answer(open_attachment(settings.values, settings.channels, redis, ref))
    except PlatformError as exc:
        log.warning("attachment not opened platform=%s kind=%s: %s", ref["p"], ref.get("k"), exc)
        if exc.retryable:
            return _page("平台暂时无法访问，请稍后再试。", 503)
        return _page(GONE.format(what=what, why="平台已不再保留该文件（或下载码已失效）"), 410)
