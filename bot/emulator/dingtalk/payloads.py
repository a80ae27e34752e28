"""The message bodies DingTalk accepts, checked the way its servers check them.

Owns: the robot OpenAPI ``msgKey``/``msgParam`` catalogue (new API errors), the sessionWebhook
body (custom-robot format, old API errors) and the work-notification ``msg`` (snake_case).
"""

from __future__ import annotations

import json

from bot.emulator.dingtalk.errors import ApiError, OapiError

__all__ = ["robot_message", "webhook_message", "notice_message"]

MSG_PARAM_LIMIT = 15000
NOTICE_LIMIT = 2048

# msgKey → (required msgParam fields, error code when one is missing)
ROBOT_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "sampleText": (("content",), "miss.param.contentOfText"),
    "sampleMarkdown": (("title", "text"), "miss.param.markdownTotext"),
    "sampleImageMsg": (("photoURL",), "miss.param.photoTophotoUrl"),
    "sampleLink": (("text", "title", "messageUrl"), "miss.param.messageUrlOfLink"),
    "sampleActionCard": (("title", "text", "singleTitle", "singleURL"), "miss.param.actionCardTosingleUrl"),
    "sampleActionCard2": (("title", "text", "actionTitle1", "actionURL1", "actionTitle2", "actionURL2"),
                          "miss.param.actionCardTobtns"),
    "sampleActionCard3": (("title", "text", "actionTitle1", "actionURL1"), "miss.param.actionCardTobtns"),
    "sampleActionCard4": (("title", "text", "actionTitle1", "actionURL1"), "miss.param.actionCardTobtns"),
    "sampleActionCard5": (("title", "text", "actionTitle1", "actionURL1"), "miss.param.actionCardTobtns"),
    "sampleActionCard6": (("title", "text", "buttonTitle1", "buttonUrl1"), "miss.param.actionCardTobtns"),
    "sampleAudio": (("mediaId", "duration"), "miss.param.audio"),
    "sampleFile": (("mediaId", "fileName", "fileType"), "miss.param.file"),
    "sampleVideo": (("duration", "videoMediaId", "videoType"), "miss.param.video"),
}

WEBHOOK_TYPES: dict[str, tuple[str, ...]] = {
    "text": ("content",), "markdown": ("title", "text"), "link": ("title", "text", "messageUrl"),
    "actionCard": ("title", "text"), "feedCard": ("links",),
}

NOTICE_TYPES: dict[str, tuple[str, ...]] = {
    "text": ("content",), "markdown": ("title", "text"), "link": ("messageUrl", "picUrl", "title", "text"),
    "action_card": ("markdown",), "oa": ("head", "body"), "image": ("media_id",),
    "voice": ("media_id", "duration"), "file": ("media_id",),
}


def robot_message(msg_key, msg_param) -> dict:
    """The parsed ``msgParam`` of a robot OpenAPI send; raises ApiError as the platform does."""
    if not msg_key:
        raise ApiError(400, "invalidParameter.msgKey.empty", "缺少msgKey")
    if msg_key not in ROBOT_KEYS:
        raise ApiError(400, "invalidParameter.msgKey.invalid", "msgKey无效")
    if not isinstance(msg_param, str):
        raise ApiError(400, "invalidParameter.msgParam.invalid", "msgParam必须是json格式")
    if len(msg_param.encode()) > MSG_PARAM_LIMIT:
        raise ApiError(400, "invalidParameter.msgParam.tooLong", "消息内容太长")
    try:
        param = json.loads(msg_param)
    except ValueError:
        raise ApiError(400, "invalidParameter.msgParam.invalid", "msgParam必须是json格式") from None
    if not isinstance(param, dict):
        raise ApiError(400, "invalidParameter.msgParam.invalid", "msgParam必须是json格式")
    fields, code = ROBOT_KEYS[msg_key]
    if msg_key == "sampleMarkdown" and not param.get("title"):
        code = "miss.param.markdownTotitle"
    missing = [f for f in fields if param.get(f) in (None, "")]
    if missing:
        raise ApiError(400, code, f"消息内容不合法，需要{missing[0]}属性")
    return param


def webhook_message(body) -> tuple[str, dict]:
    """(msgtype, content) of a sessionWebhook body; raises OapiError as the platform does."""
    if not isinstance(body, dict):
        raise OapiError(40035, "缺少参数 json")
    msgtype = body.get("msgtype")
    if msgtype not in WEBHOOK_TYPES:
        raise OapiError(400105, "不支持的消息类型")
    content = body.get(msgtype)
    if not isinstance(content, dict) or any(content.get(f) in (None, "") for f in WEBHOOK_TYPES[msgtype]):
        raise OapiError(40035, f"缺少参数 {msgtype}")
    if msgtype == "actionCard" and not (content.get("btns") or content.get("singleURL")):
        raise OapiError(40035, "缺少参数 actionCard.btns 或 singleURL")
    return msgtype, content


def notice_message(msg) -> tuple[str, dict]:
    """(msgtype, content) of a work notification ``msg``; raises OapiError 40035 when invalid."""
    if isinstance(msg, str):
        try:
            msg = json.loads(msg)
        except ValueError:
            raise OapiError(40035, "不合法的参数 msg") from None
    if not isinstance(msg, dict):
        raise OapiError(40035, "缺少参数 msg")
    if len(json.dumps(msg, ensure_ascii=False).encode()) > NOTICE_LIMIT:
        raise OapiError(40035, "不合法的参数 msg: 超过2048字节")
    msgtype = msg.get("msgtype")
    if msgtype not in NOTICE_TYPES:
        raise OapiError(40035, "不合法的参数 msgtype")
    content = msg.get(msgtype)
    if not isinstance(content, dict) or any(content.get(f) in (None, "") for f in NOTICE_TYPES[msgtype]):
        raise OapiError(40035, f"缺少参数 msg.{msgtype}")
    return msgtype, content
