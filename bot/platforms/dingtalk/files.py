"""Opening a picture or file a person sent the robot (``/files/<token>``, ``bot.platforms.attachments``):
``POST /v1.0/robot/messageFiles/download`` (downloadCode + robotCode) → a 302 to the ``downloadUrl``
it returns (that URL lives only a short while; it is never stored)."""

from __future__ import annotations

from typing import Any, Mapping

from bot.core.errors import PlatformError
from bot.platforms.attachments import Opened

__all__ = ["open_attachment"]


def open_attachment(config: Mapping[str, str], channels: frozenset[str], redis: Any, ref: Mapping[str, Any]) -> Opened:
    """Where the attachment of ``ref`` (its downloadCode ``c``) can be read now; raises PlatformError."""
    if "dingtalk" not in channels:
        return Opened(page="钉钉未配置，无法打开该附件。", status=503)
    from bot.platforms.dingtalk.client import DingTalkClient

    robot = config.get("DINGTALK_ROBOT_CODE") or config.get("DINGTALK_APP_KEY", "")
    answer = DingTalkClient(config, redis).api("POST", "/v1.0/robot/messageFiles/download",
                                               {"downloadCode": ref["c"], "robotCode": robot})
    url = str(answer.get("downloadUrl") or "")
    if not url:
        raise PlatformError("DingTalk messageFiles/download answered without a downloadUrl", retryable=True)
    return Opened(url=url)
