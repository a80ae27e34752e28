"""Opening a picture or file a person sent the app (``/files/<token>``, ``bot.platforms.attachments``):
``media/get`` with the app's token, streamed through (the desk cannot hold our token); a picture whose
media is gone but whose PicUrl is known → a 302 to the PicUrl."""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote

from bot.core.errors import PlatformError
from bot.platforms.attachments import Opened

__all__ = ["open_attachment"]

CHUNK = 64 * 1024


def open_attachment(config: Mapping[str, str], channels: frozenset[str], redis: Any, ref: Mapping[str, Any]) -> Opened:
    """The attachment of ``ref`` (MediaId ``m``, PicUrl ``u``, name ``n``) as a stream or a redirect;
    raises PlatformError."""
    if not ref.get("m"):
        return Opened(url=ref["u"]) if ref.get("u") else Opened(page="该附件没有可打开的地址。", status=410)
    if "wecom_app" not in channels:
        return Opened(page="企业微信自建应用未配置，无法打开该附件。", status=503)
    from bot.platforms.wecom.client import WeComClient

    client = WeComClient(config["WECOM_CORP_ID"], config["WECOM_SECRET"], config["WECOM_AGENT_ID"],
                         config.get("WECOM_API_BASE", ""), redis)
    try:
        upstream = client.get_media(ref["m"])
    except PlatformError:
        if ref.get("u"):  # a picture: its PicUrl may still answer
            return Opened(url=ref["u"])
        raise
    headers = {"Content-Type": upstream.headers.get("Content-Type", "application/octet-stream")}
    disposition = upstream.headers.get("Content-Disposition")
    if ref.get("n"):
        disposition = f"inline; filename*=UTF-8''{quote(ref['n'])}"
    if disposition:
        headers["Content-Disposition"] = disposition
    if upstream.headers.get("Content-Length"):
        headers["Content-Length"] = upstream.headers["Content-Length"]
    return Opened(body=upstream.iter_content(CHUNK), headers=headers)
