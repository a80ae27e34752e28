"""Real, authentic requests for every callback route, sealed with the emulators' own helpers
(bot/emulator/wecom/callbacks.py, bot/emulator/dingtalk/signing.py) and the demo credentials:
the material the fuzzer mutates. ``Req`` is one HTTP request as the Flask test client sends it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field, replace

from bot.demo import DEMO_ENV
from bot.emulator.dingtalk.signing import EventCrypto, card_signature, robot_sign
from bot.emulator.wecom import callbacks as wc
from bot.emulator.wecom.crypto import CallbackCipher

EVENTS_ENV = {"DINGTALK_TOKEN": "demoeventtoken", "DINGTALK_AES_KEY": "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"}
ENV = {**DEMO_ENV, **EVENTS_ENV}
API_TOKEN = "demo-monitoring-token"
CORP, AGENT = ENV["WECOM_CORP_ID"], ENV["WECOM_AGENT_ID"]
USER = "zhangsan"
ROUTES = ("/wecom/callback", "/wecom/aibot", "/dingtalk/robot", "/dingtalk/card", "/dingtalk/events",
          "/api/v1/cases")


@dataclass(frozen=True)
class Req:
    """One request; ``authentic`` says whether its signed parts are intact (state may then change)."""

    method: str
    path: str
    query: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    content_type: str = ""
    authentic: bool = True
    label: str = ""

    def but(self, **changes) -> Req:
        """A copy with ``changes``."""
        return replace(self, **changes)


def app_cipher(token: str = ENV["WECOM_TOKEN"], key: str = ENV["WECOM_AES_KEY"], receive: str = CORP) -> CallbackCipher:
    """The self-built app's callback cipher (ReceiveId = CorpID)."""
    return CallbackCipher(token, key, receive)


def aibot_cipher(token: str = ENV["WECOM_AIBOT_TOKEN"], key: str = ENV["WECOM_AIBOT_AES_KEY"]) -> CallbackCipher:
    """The smart bot's callback cipher (ReceiveId "")."""
    return CallbackCipher(token, key, "")


def event_crypto(token: str = EVENTS_ENV["DINGTALK_TOKEN"], key: str = EVENTS_ENV["DINGTALK_AES_KEY"],
                 owner: str = ENV["DINGTALK_APP_KEY"]) -> EventCrypto:
    """The DingTalk event subscription's envelope crypto."""
    return EventCrypto(token, key, owner)


def now() -> int:
    """Seconds since the epoch (the adapters check the real clock)."""
    return int(time.time())


# --- plaintexts -------------------------------------------------------------------------------

def app_text_xml(content: str = "帮助", user: str = USER) -> str:
    """A decrypted app text message."""
    return wc.app_xml(CORP, AGENT, user, now(), [("MsgType", "text"), ("Content", content),
                                                 ("MsgId", wc.app_message_id())])


def app_link_xml(url: str = "https://weibo.com/1/AbC", title: str = "网传某超市销售过期食品") -> str:
    """A decrypted app link message."""
    return wc.app_xml(CORP, AGENT, USER, now(), [("MsgType", "link"), ("Title", title), ("Description", "d"),
                                                ("Url", url), ("PicUrl", ""), ("MsgId", wc.app_message_id())])


def app_click_xml(key: str = "case.ack|c=YQ-2026-0001|u=u-food", task: str = "task-1") -> str:
    """A decrypted app ``template_card_event``."""
    return wc.app_xml(CORP, AGENT, USER, now(), [("MsgType", "event"), ("Event", "template_card_event"),
                                                ("EventKey", key), ("TaskId", task), ("CardType", "button_interaction"),
                                                ("ResponseCode", secrets.token_hex(8))])


def aibot_text(content: str = "帮助", chatid: str | None = "wrFood0001") -> dict:
    """A smart-bot text payload."""
    return wc.aibot_text(aibot_id="aibot-1", userid=USER, content=content, response_url="http://x/r", chatid=chatid)


def aibot_click(key: str = "case.ack|c=YQ-2026-0001|u=u-food") -> dict:
    """A smart-bot card click payload."""
    return wc.aibot_card_event(aibot_id="aibot-1", userid=USER, create_time=now(), response_url="http://x/r",
                               card_type="button_interaction", key=key, task_id="task-1", chatid="wrFood0001")


def robot_body(text: str = "帮助", group: str | None = "cidFood") -> dict:
    """A DingTalk robot callback body as the emulator's actor writes it."""
    bot_id = "$:LWCP_v1:$" + hashlib.sha1(ENV["DINGTALK_ROBOT_CODE"].encode()).hexdigest()[:24]
    body = {"msgId": "msg" + secrets.token_urlsafe(16), "createAt": now() * 1000,
            "conversationType": "2" if group else "1", "conversationId": group or "cidOto",
            "senderId": "$:LWCP_v1:$abc", "senderNick": "张三", "senderCorpId": "dingcorp",
            "senderStaffId": USER, "isAdmin": False, "chatbotCorpId": "dingcorp", "chatbotUserId": bot_id,
            "robotCode": ENV["DINGTALK_ROBOT_CODE"], "sessionWebhook": "http://x/robot/sendBySession?session=s",
            "sessionWebhookExpiredTime": now() * 1000 + 3_600_000, "msgtype": "text", "text": {"content": text}}
    if group:
        body.update(conversationTitle="食品科", isInAtList=True, atUsers=[{"dingtalkId": bot_id}])
    return body


def card_body(action: str = "case.ack", params: dict | None = None) -> dict:
    """A DingTalk card click body as the emulator's clicker writes it."""
    content = json.dumps({"cardPrivateData": {"actionIds": [action], "params": params or {"c": "YQ-2026-0001"}}},
                         ensure_ascii=False)
    return {"type": "actionCallback", "outTrackId": "card-" + secrets.token_hex(6), "corpId": "dingcorp",
            "userId": USER, "userIdType": 1, "spaceType": "im", "spaceId": "cidFood", "extension": "{}",
            "content": content, "value": content}


API_ITEM = {"external_id": "mon-1", "title": "网传某超市销售过期食品", "link": "https://weibo.com/1/AbC",
            "summary": "网友发帖称……", "first_seen_at": "2026-11-29T09:30:00+08:00", "grade": "sensitive"}


# --- sealing --------------------------------------------------------------------------------

def seal_app(plaintext: str, ts: int | None = None, cipher: CallbackCipher | None = None, label: str = "") -> Req:
    """POST /wecom/callback carrying ``plaintext``."""
    sealed = wc.seal_app(cipher or app_cipher(), plaintext, CORP, AGENT, now() if ts is None else ts)
    return Req("POST", "/wecom/callback", sealed.query, {}, sealed.body, "text/xml", True, label or "app")


def seal_aibot(plaintext: str, ts: int | None = None, cipher: CallbackCipher | None = None, label: str = "") -> Req:
    """POST /wecom/aibot carrying ``plaintext`` (any text, not only JSON)."""
    cipher = cipher or aibot_cipher()
    encrypt = cipher.encrypt(plaintext)
    ts = str(now() if ts is None else ts)
    once = wc.nonce()
    query = {"msg_signature": cipher.sign(ts, once, encrypt), "timestamp": ts, "nonce": once}
    return Req("POST", "/wecom/aibot", query, {}, json.dumps({"encrypt": encrypt}).encode(), "application/json",
               True, label or "aibot")


def seal_echo(path: str, ts: int | None = None) -> Req:
    """The URL-verification GET of a WeCom route."""
    cipher = app_cipher() if path == "/wecom/callback" else aibot_cipher()
    sealed = wc.seal_echo(cipher, "echo-" + secrets.token_hex(4), now() if ts is None else ts)
    return Req("GET", path, sealed.query, {}, b"", "", True, "echo")


def robot_headers(ts_ms: int | None = None, secret: str = ENV["DINGTALK_APP_SECRET"]) -> dict:
    """``timestamp``/``sign`` of a robot callback."""
    ts = str(now() * 1000 if ts_ms is None else ts_ms)
    return {"timestamp": ts, "sign": robot_sign(ts, secret)}


def card_headers(ts_ms: int | None = None, secret: str = ENV["DINGTALK_CARD_CALLBACK_SECRET"]) -> dict:
    """``x-ddpaas-signature(-timestamp)`` of a card callback."""
    ts = str(now() * 1000 if ts_ms is None else ts_ms)
    return {"x-ddpaas-signature-timestamp": ts, "x-ddpaas-signature": card_signature(secret, ts)}


def seal_robot(body: bytes, ts_ms: int | None = None, label: str = "robot") -> Req:
    """POST /dingtalk/robot (the body is not signed by DingTalk; only the timestamp is)."""
    return Req("POST", "/dingtalk/robot", {}, robot_headers(ts_ms), body, "application/json", True, label)


def seal_card(body: bytes, ts_ms: int | None = None, label: str = "card") -> Req:
    """POST /dingtalk/card (only the timestamp is signed)."""
    return Req("POST", "/dingtalk/card", {}, card_headers(ts_ms), body, "application/json", True, label)


def seal_event(plaintext: str, ts_ms: int | None = None, crypto: EventCrypto | None = None, label: str = "") -> Req:
    """POST /dingtalk/events carrying ``plaintext`` in the encrypted envelope."""
    crypto = crypto or event_crypto()
    ts = str(now() * 1000 if ts_ms is None else ts_ms)
    once = secrets.token_hex(8)
    encrypt = crypto.encrypt(plaintext)
    query = {"msg_signature": crypto.signature(ts, once, encrypt), "timestamp": ts, "nonce": once}
    return Req("POST", "/dingtalk/events", query, {}, json.dumps({"encrypt": encrypt}).encode(),
               "application/json", True, label or "event")


def api_request(body: bytes, token: str = API_TOKEN, label: str = "api") -> Req:
    """POST /api/v1/cases with a bearer token."""
    return Req("POST", "/api/v1/cases", {}, {"Authorization": f"Bearer {token}"}, body, "application/json",
               True, label)


def dumps(obj) -> bytes:
    """JSON as the platforms send it (UTF-8, no ASCII escapes)."""
    return json.dumps(obj, ensure_ascii=False).encode()


def authentic_seeds() -> list[Req]:
    """One fresh authentic request of every kind each route takes."""
    return [seal_app(app_text_xml()), seal_app(app_link_xml()), seal_app(app_click_xml()),
            seal_echo("/wecom/callback"), seal_echo("/wecom/aibot"),
            seal_aibot(json.dumps(aibot_text())), seal_aibot(json.dumps(aibot_text(chatid=None))),
            seal_aibot(json.dumps(aibot_click())),
            seal_robot(dumps(robot_body())), seal_robot(dumps(robot_body(group=None))),
            seal_card(dumps(card_body())),
            seal_event(json.dumps({"EventType": "check_url"})),
            seal_event(json.dumps({"EventType": "user_leave_org", "UserId": [USER], "CorpId": "dingcorp"})),
            api_request(dumps(API_ITEM))]
