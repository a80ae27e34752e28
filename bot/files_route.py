"""``GET /files/<token>``: open a picture or file a person sent with a report (links on the desk's card).

The token (``bot.platforms.attachments``) names the platform's reference; it is resolved only now, so a
short-lived address is always fresh:

* DingTalk: ``POST /v1.0/robot/messageFiles/download`` (downloadCode + robotCode) → 302 to the
  ``downloadUrl`` it returns (that URL lives only a short while; we never store it);
* WeCom: ``media/get`` with the app's token, streamed through (the desk cannot hold our token); a
  picture whose media is gone but whose PicUrl is known → 302 to the PicUrl.

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
from bot.platforms.attachments import read_token

log = logging.getLogger(__name__)
files = Blueprint("files", __name__)
GONE = "{what}已无法打开：{why}。如需查看，请联系报告人重新发送。"
CHUNK = 64 * 1024


def _page(text: str, status: int) -> Response:
    html = f"<!doctype html><meta charset=utf-8><title>舆情助手</title><p>{text}</p>"
    return Response(html, status=status, content_type="text/html; charset=utf-8")


@files.get("/files/<token>")
def open_file(token: str):
    """Resolve the token's attachment and hand it over (302 or streamed), or say why not."""
    settings = current_app.extensions["yuqing.settings"]
    ref = read_token(settings.values, token)
    if ref is None:
        return _page("链接无效。", 404)
    what = LABELS.get(ref.get("k", ""), "附件") + (f"“{ref['n']}”" if ref.get("n") else "")
    if time.time() > int(ref.get("t") or 0):
        kept = "企业微信只保存 3 天" if ref["p"] == "wecom" else "钉钉已不再保留该文件"
        return _page(GONE.format(what=what, why=kept), 410)
    redis = current_app.extensions["yuqing.redis"]
    try:
        if ref["p"] == "dingtalk":
            return _dingtalk(settings, redis, ref)
        return _wecom(settings, redis, ref)
    except PlatformError as exc:
        log.warning("attachment not opened platform=%s kind=%s: %s", ref["p"], ref.get("k"), exc)
        if exc.retryable:
            return _page("平台暂时无法访问，请稍后再试。", 503)
        return _page(GONE.format(what=what, why="平台已不再保留该文件（或下载码已失效）"), 410)


def _dingtalk(settings, redis, ref: dict):
    if not settings.has("dingtalk"):
        return _page("钉钉未配置，无法打开该附件。", 503)
    from bot.platforms.dingtalk.client import DingTalkClient

    values = settings.values
    robot = values.get("DINGTALK_ROBOT_CODE") or values.get("DINGTALK_APP_KEY", "")
    answer = DingTalkClient(values, redis).api("POST", "/v1.0/robot/messageFiles/download",
                                               {"downloadCode": ref["c"], "robotCode": robot})
    url = str(answer.get("downloadUrl") or "")
    if not url:
        raise PlatformError("DingTalk messageFiles/download answered without a downloadUrl", retryable=True)
    return redirect(url, 302)


def _wecom(settings, redis, ref: dict):
    if not ref.get("m"):
        return redirect(ref["u"], 302) if ref.get("u") else _page("该附件没有可打开的地址。", 410)
    if not settings.has("wecom_app"):
        return _page("企业微信自建应用未配置，无法打开该附件。", 503)
    from bot.platforms.wecom.client import WeComClient

    values = settings.values
    client = WeComClient(values["WECOM_CORP_ID"], values["WECOM_SECRET"], values["WECOM_AGENT_ID"],
                         values.get("WECOM_API_BASE", ""), redis)
    try:
        upstream = client.get_media(ref["m"])
    except PlatformError:
        if ref.get("u"):  # a picture: its PicUrl may still answer
            return redirect(ref["u"], 302)
        raise
    headers = {"Content-Type": upstream.headers.get("Content-Type", "application/octet-stream")}
    disposition = upstream.headers.get("Content-Disposition")
    if ref.get("n"):
        disposition = f"inline; filename*=UTF-8''{quote(ref['n'])}"
    if disposition:
        headers["Content-Disposition"] = disposition
    if upstream.headers.get("Content-Length"):
        headers["Content-Length"] = upstream.headers["Content-Length"]
    body = upstream.iter_content(CHUNK)
    return Response(body, status=200, headers=headers, direct_passthrough=True)
