"""``GET /files/<token>``: open a picture or file a person sent with a report (links on the desk's card).

The token (``bot.platforms.attachments``) names the platform's reference; it is resolved only now, so a
short-lived address is always fresh. How is the platform adapter's business
(``bot.platforms.attachments.open_attachment``: DingTalk's ``messageFiles/download`` → 302 to its
short-lived ``downloadUrl``; WeCom's ``media/get`` streamed through, or 302 to a picture's PicUrl);
this route turns its answer into HTTP. A token that names a blob (``b``: a picture or file the bot sent,
``bot.platforms.attachments.blob_link``) is served from the store's ``outbound_blobs`` while it is open.

This is the one place where the web process calls a platform: a read for a person holding a link, not
a message. What cannot be opened any more (the platform dropped it, the link's time is over) is a short
Chinese page with status 410; a token that is not ours is 404. Nothing is changed either way.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import quote

from flask import Blueprint, Response, current_app, redirect

from bot.core.errors import PlatformError
from bot.core.attachments import LABELS
from bot.platforms.attachments import GONE_NOTE, OUT_KEPT, Opened, open_attachment, read_token
from bot.store import blobs

log = logging.getLogger(__name__)
files = Blueprint("files", __name__)
GONE = "{what}已无法打开：{why}。如需查看，请联系报告人重新发送。"
SENT_GONE = "{what}的链接已过期（发出后 {days} 天内有效）。如需查看，请联系舆情办公室重新发送。"


def _page(text: str, status: int) -> Response:
    html = f"<!doctype html><meta charset=utf-8><title>舆情助手</title><p>{text}</p>"
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _answer(opened: Opened) -> Response:
    if opened.page:
        return _page(opened.page, opened.status)
    if opened.url:
        return redirect(opened.url, 302)
    return Response(opened.body, status=200, headers=dict(opened.headers), direct_passthrough=True)


def _sent(ref: dict) -> Response:
    """The bytes of an ``outbound_blobs`` row a link of ``blob_link`` names, while the link is open."""
    what = LABELS.get(ref.get("k", ""), "文件") + (f"“{ref['n']}”" if ref.get("n") else "")
    if time.time() > int(ref.get("t") or 0):
        return _page(SENT_GONE.format(what=what, days=OUT_KEPT.days), 410)
    with current_app.extensions["yuqing.database"].session() as session:
        row = blobs.read(session, int(ref["b"]))
        found = row is not None and row.sha256.startswith(str(ref.get("h") or "-"))
        content, mime, name = (bytes(row.content), row.mime, row.name) if found else (b"", "", "")
    if not found:
        return _page(f"{what}已不存在。", 410)
    return Response(content, status=200, headers={
        "Content-Type": mime, "Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, max-age=3600"})


@files.get("/files/<token>")
def open_file(token: str):
    """Resolve the token's attachment and hand it over (302 or streamed), or say why not."""
    settings = current_app.extensions["yuqing.settings"]
    ref = read_token(settings.values, token)
    if ref is None:
        return _page("链接无效。", 404)
    if ref.get("b"):  # a picture or file the bot sent (bot.core.media), kept in our store
        return _sent(ref)
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
