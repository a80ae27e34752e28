"""WeCom's error codes as the emulator answers them, and the exception that carries one.

Codes and their meaning follow the official global table (developer.work.weixin.qq.com
document 90313); the English ``errmsg`` texts copy what WeCom is seen to return where known.
WeCom answers errors with HTTP 200 and ``{"errcode": N, "errmsg": "..."}``.
"""

from __future__ import annotations

import itertools

SYSTEM_BUSY = -1
INVALID_SECRET = 40001
INVALID_MEDIA_TYPE = 40004
INVALID_UPLOAD_TYPE = 40005
INVALID_FILE_SIZE = 40006
INVALID_MEDIA_ID = 40007
INVALID_IMAGE_SIZE = 40009
INVALID_VIDEO_SIZE = 40011
INVALID_USERID = 40003
INVALID_MSGTYPE = 40008
INVALID_CORPID = 40013
INVALID_OAUTH_CODE = 40029
INVALID_TOKEN = 40014
INVALID_AGENTID = 40056
INVALID_PARAMETER = 40058
MISSING_TOKEN = 41001
MISSING_CORPID = 41002
MISSING_SECRET = 41004
MISSING_MEDIA_DATA = 41005
MISSING_MEDIA_ID = 41006
MISSING_OAUTH_CODE = 41008
MISSING_AGENTID = 41011
MISSING_TITLE = 41016
MISSING_DESCRIPTION = 41033
TOKEN_EXPIRED = 42001
INVALID_TASK_ID = 42014
CODE_USED = 42022
CARD_KEYNAME_MISSING = 42027
CARD_URL_MISSING = 42028
CARD_TYPE_INVALID = 42031
CARD_HORIZONTAL_LIST = 42035
CARD_OPTION_LIST = 42037
CARD_BUTTON_TEXT = 42038
CARD_BUTTON_KEY = 42039
CARD_JUMP_LIST = 42042
CARD_QUESTION_KEY = 42043
CARD_ACTION_INVALID = 42045
CARD_SUBMIT_KEY = 42046
CARD_SUBMIT_TEXT = 42049
CARD_MENU_KEY_CONFLICT = 42051
EMPTY_CONTENT = 44004
API_FREQ_LIMIT = 45009
API_CONCURRENCY_LIMIT = 45033
REDIRECT_URI_UNAUTHORIZED = 50001
INVALID_RESPONSE_CODE = 60140
ALL_RECIPIENTS_INVALID = 81013
ALL_RECIPIENTS_EMPTY = 82001
INVALID_CHATID = 86001
CHATID_NOT_FOUND = 86003
INVALID_CHAT_NAME = 86004
INVALID_CHAT_OWNER = 86005
CHAT_MEMBER_COUNT = 86006
INVALID_CHAT_MEMBER = 86007
NOT_OWN_CHAT = 86008
INVALID_WEBHOOK = 93000
INVALID_AIBOT_CHATID = 93006
NOT_IN_CHAT = 93008
INVALID_REQ_ID = 846605
STREAM_EXPIRED = 846608

MESSAGES = {
    SYSTEM_BUSY: "system busy",
    INVALID_SECRET: "invalid credential",
    INVALID_MEDIA_TYPE: "invalid media type",
    INVALID_UPLOAD_TYPE: "invalid type",
    INVALID_FILE_SIZE: "invalid file size",
    INVALID_MEDIA_ID: "invalid media_id",
    INVALID_IMAGE_SIZE: "invalid image size",
    INVALID_VIDEO_SIZE: "invalid video size",
    MISSING_MEDIA_DATA: "media data missing",
    MISSING_MEDIA_ID: "media_id missing",
    INVALID_USERID: "invalid userid",
    INVALID_MSGTYPE: "invalid message type",
    INVALID_CORPID: "invalid corpid",
    INVALID_TOKEN: "invalid access_token",
    INVALID_AGENTID: "invalid agentid",
    INVALID_PARAMETER: "invalid Request Parameter",
    MISSING_TOKEN: "access_token missing",
    MISSING_CORPID: "corpid missing",
    MISSING_SECRET: "corpsecret missing",
    MISSING_AGENTID: "agentid missing",
    MISSING_TITLE: "missing title",
    MISSING_DESCRIPTION: "missing description",
    TOKEN_EXPIRED: "access_token expired",
    INVALID_TASK_ID: "taskid has existed or empty or exceed max len",
    CODE_USED: "code has been used",
    CARD_KEYNAME_MISSING: "Template_Card.horizontal_content_list.keyname missing",
    CARD_URL_MISSING: "Template_Card url missing",
    CARD_TYPE_INVALID: "Template_Card.card_type invalid",
    CARD_HORIZONTAL_LIST: "Template_Card.horizontal_content_list size invalid",
    CARD_OPTION_LIST: "Template_Card.option_list size invalid",
    CARD_BUTTON_TEXT: "Template_Card.button_list.text missing or invalid",
    CARD_BUTTON_KEY: "Template_Card.button_list.key missing or invalid",
    CARD_JUMP_LIST: "Template_Card.jump_list size invalid",
    CARD_QUESTION_KEY: "Template_Card.question_key missing or invalid",
    CARD_ACTION_INVALID: "Template_Card.card_action missing or invalid",
    CARD_SUBMIT_KEY: "Template_Card.submit_button.key missing or invalid",
    CARD_SUBMIT_TEXT: "Template_Card.submit_button.text missing or invalid",
    CARD_MENU_KEY_CONFLICT: "Template_Card.action_menu.action_list.key conflict",
    EMPTY_CONTENT: "empty content",
    API_FREQ_LIMIT: "api freq out of limit",
    API_CONCURRENCY_LIMIT: "api concurrent out of limit",
    INVALID_OAUTH_CODE: "invalid code",
    MISSING_OAUTH_CODE: "missing code",
    REDIRECT_URI_UNAUTHORIZED: "redirect_uri unauthorized",
    INVALID_RESPONSE_CODE: "invalid response_code",
    ALL_RECIPIENTS_INVALID: "user & party & tag all invalid",
    ALL_RECIPIENTS_EMPTY: "user & party & tag all empty",
    INVALID_CHATID: "invalid chatid",
    CHATID_NOT_FOUND: "chatid not found",
    INVALID_CHAT_NAME: "invalid chat name",
    INVALID_CHAT_OWNER: "invalid chat owner",
    CHAT_MEMBER_COUNT: "invalid chat member count",
    INVALID_CHAT_MEMBER: "invalid chat member",
    NOT_OWN_CHAT: "chat not created by this app",
    INVALID_WEBHOOK: "invalid webhook url",
    INVALID_AIBOT_CHATID: "invalid chatid",
    NOT_IN_CHAT: "not in chat",
    INVALID_REQ_ID: "invalid req_id",
    STREAM_EXPIRED: "stream expired",
}

_hints = itertools.count(1)


class WeComError(Exception):
    """An API call WeCom refuses: ``code`` is the errcode, ``detail`` says which field."""

    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(f"{code} {detail or MESSAGES.get(code, '')}".strip())
        self.code = code
        self.detail = detail


def error_body(code: int, detail: str = "", from_ip: str = "127.0.0.1") -> dict:
    """The JSON WeCom answers for ``code``, errmsg in WeCom's shape (hint, from ip, more info)."""
    text = MESSAGES.get(code, "error")
    if detail:
        text = f"{detail}. {text}"
    hint = f"{next(_hints):025d}"
    errmsg = (f"{text}, hint: [{hint}], from ip: {from_ip}, "
              f"more info at https://open.work.weixin.qq.com/devtool/query?e={code}")
    return {"errcode": code, "errmsg": errmsg}
