"""Callbacks sealed with wechatpy (independent of our adapter and of the emulator), for unit tests."""

from __future__ import annotations

import base64
import json
import re

from wechatpy.enterprise.crypto import WeChatCrypto

from bot.platforms.base import RawRequest

CORP = "ww1234567890abcdef"
TOKEN = "apptoken"
AES_KEY = base64.b64encode(bytes(range(32))).decode()[:-1]
AIBOT_TOKEN = "aibottoken"
AIBOT_AES_KEY = base64.b64encode(bytes(range(100, 132))).decode()[:-1]
CONFIG = {"WECOM_CORP_ID": CORP, "WECOM_TOKEN": TOKEN, "WECOM_AES_KEY": AES_KEY,
          "WECOM_AIBOT_TOKEN": AIBOT_TOKEN, "WECOM_AIBOT_AES_KEY": AIBOT_AES_KEY}
NOW = 1_700_000_000


def _seal(crypto: WeChatCrypto, plaintext: str, timestamp: int, nonce: str) -> tuple[dict, str]:
    envelope = crypto.encrypt_message(plaintext, nonce, str(timestamp))
    encrypt = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]>", envelope).group(1)
    signature = re.search(r"<MsgSignature><!\[CDATA\[(.*?)\]\]>", envelope).group(1)
    return {"msg_signature": signature, "timestamp": str(timestamp), "nonce": nonce}, encrypt


def app_request(plaintext: str, *, token: str = TOKEN, corp: str = CORP, timestamp: int = NOW,
                nonce: str = "1372623149", envelope_corp: str | None = None) -> RawRequest:
    """A POST /wecom/callback carrying ``plaintext`` as WeCom seals it."""
    args, encrypt = _seal(WeChatCrypto(token, AES_KEY, corp), plaintext, timestamp, nonce)
    body = (f"<xml><ToUserName><![CDATA[{envelope_corp or corp}]]></ToUserName><AgentID><![CDATA[1000002]]>"
            f"</AgentID><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>").encode()
    return RawRequest("POST", "/wecom/callback", args, {}, body, "2026-11-29T10:00:00+00:00")


def aibot_request(payload: dict, *, token: str = AIBOT_TOKEN, timestamp: int = NOW) -> RawRequest:
    """A POST /wecom/aibot carrying ``payload`` as WeCom seals it (ReceiveId "")."""
    args, encrypt = _seal(WeChatCrypto(token, AIBOT_AES_KEY, ""), json.dumps(payload, ensure_ascii=False),
                          timestamp, "99887766")
    return RawRequest("POST", "/wecom/aibot", args, {}, json.dumps({"encrypt": encrypt}).encode(),
                      "2026-11-29T10:00:00+00:00")


def verify_request(echo: str, path: str = "/wecom/callback", timestamp: int = NOW) -> RawRequest:
    """A URL-verification GET for ``echo``."""
    crypto = WeChatCrypto(TOKEN, AES_KEY, CORP) if path == "/wecom/callback" else WeChatCrypto(AIBOT_TOKEN, AIBOT_AES_KEY, "")
    args, encrypt = _seal(crypto, echo, timestamp, "5566")
    return RawRequest("GET", path, {**args, "echostr": encrypt}, {}, b"")


def app_xml(user: str, msgtype: str, body: str, create_time: int = NOW, corp: str = CORP) -> str:
    """A decrypted app message."""
    return (f"<xml><ToUserName><![CDATA[{corp}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[{msgtype}]]></MsgType>{body}"
            f"<AgentID>1000002</AgentID></xml>")
