"""The callbacks WeCom POSTs to a bot, built as WeCom builds them: the decrypted XML of the
self-built app (text, link, ``template_card_event``), the smart bot's JSON (text in a group or
1:1, ``template_card_event``), and the encrypted, signed envelopes around them.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.emulator.wecom.crypto import CallbackCipher


@dataclass
class SealedCallback:
    """A ready request: the query string (msg_signature, timestamp, nonce[, echostr]) and body."""

    query: dict
    body: bytes
    content_type: str
    plaintext: str

    def url(self, base: str) -> str:
        """``base`` with this callback's query string."""
        return f"{base}?{urlencode(self.query)}"


class RawXml(str):
    """A field value that is already XML (e.g. ``SelectedItems`` content): inserted as is."""


def cdata(value: object) -> str:
    """``value`` as an XML CDATA section (a literal ``]]>`` split as XML requires)."""
    return "<![CDATA[" + str(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def app_message_id() -> str:
    """A 64-bit MsgId as WeCom writes it."""
    return str(random.randrange(10**18, 2**63))


def aibot_message_id() -> str:
    """A smart-bot msgid (opaque base64-like text)."""
    return secrets.token_urlsafe(21)


def nonce() -> str:
    """A callback nonce (digits, as WeCom sends)."""
    return str(random.randrange(10**8, 10**10))


def app_xml(corp_id: str, agent_id: str, userid: str, create_time: int, fields: list[tuple[str, object]]) -> str:
    """A decrypted app callback: the common head, then ``fields`` (CDATA unless an int or RawXml)."""
    head = [("ToUserName", corp_id), ("FromUserName", userid), ("CreateTime", create_time)]
    parts = []
    for name, value in [*head, *fields, ("AgentID", int(agent_id) if str(agent_id).isdigit() else agent_id)]:
        text = str(value) if isinstance(value, (int, RawXml)) else cdata(value)
        parts.append(f"<{name}>{text}</{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


def app_envelope(corp_id: str, agent_id: str, encrypt: str) -> str:
    """The POST body of an app callback."""
    return (f"<xml><ToUserName>{cdata(corp_id)}</ToUserName><AgentID>{cdata(agent_id)}</AgentID>"
            f"<Encrypt>{cdata(encrypt)}</Encrypt></xml>")


def seal_app(cipher: CallbackCipher, plaintext: str, corp_id: str, agent_id: str, timestamp: int) -> SealedCallback:
    """Encrypt and sign an app callback (XML envelope)."""
    encrypt = cipher.encrypt(plaintext)
    query = _query(cipher, encrypt, timestamp)
    body = app_envelope(corp_id, agent_id, encrypt).encode()
    return SealedCallback(query, body, "text/xml", plaintext)


def seal_aibot(cipher: CallbackCipher, payload: dict, timestamp: int) -> SealedCallback:
    """Encrypt and sign a smart-bot callback (JSON envelope ``{"encrypt": ...}``)."""
    plaintext = json.dumps(payload, ensure_ascii=False)
    encrypt = cipher.encrypt(plaintext)
    body = json.dumps({"encrypt": encrypt}).encode()
    return SealedCallback(_query(cipher, encrypt, timestamp), body, "application/json", plaintext)


def seal_echo(cipher: CallbackCipher, echo: str, timestamp: int) -> SealedCallback:
    """The GET of URL verification: ``echostr`` is ``echo`` encrypted, signed like a message."""
    encrypt = cipher.encrypt(echo)
    query = {**_query(cipher, encrypt, timestamp), "echostr": encrypt}
    return SealedCallback(query, b"", "", echo)


def _query(cipher: CallbackCipher, encrypt: str, timestamp: int) -> dict:
    once = nonce()
    return {"msg_signature": cipher.sign(str(timestamp), once, encrypt), "timestamp": str(timestamp), "nonce": once}


def aibot_text(*, aibot_id: str, userid: str, content: str, response_url: str, chatid: str | None) -> dict:
    """A smart-bot text message: in group ``chatid`` (an @-mention) or, without it, 1:1."""
    payload = {"msgid": aibot_message_id(), "aibotid": aibot_id}
    if chatid:
        payload["chatid"] = chatid
    payload.update({"chattype": "group" if chatid else "single", "from": {"userid": userid},
                    "response_url": response_url, "msgtype": "text", "text": {"content": content}})
    return payload


def aibot_card_event(*, aibot_id: str, userid: str, create_time: int, response_url: str,
                     card_type: str, key: str, task_id: str, chatid: str | None,
                     selected_items: dict | None = None) -> dict:
    """A smart-bot ``template_card_event`` (a click by ``userid``; ``from.corpid`` is left out,
    as for a bot of the same corp)."""
    payload = {"msgid": aibot_message_id(), "create_time": create_time, "aibotid": aibot_id,
               "from": {"userid": userid}}
    if chatid:
        payload["chatid"] = chatid
    payload.update({"chattype": "group" if chatid else "single", "response_url": response_url,
                    "msgtype": "event", "event": {"eventtype": "template_card_event", "template_card_event": {
                        "card_type": card_type, "event_key": key, "task_id": task_id}}})
    if selected_items:
        payload["event"]["template_card_event"]["selected_items"] = selected_items
    return payload


def aibot_mixed(payload: dict, picture_url: str) -> dict:
    """A smart-bot text ``payload`` as a ``mixed`` message (documents 100719/101027): its text item, then
    one picture item with ``picture_url``."""
    items = [{"msgtype": "text", "text": dict(payload["text"])}, {"msgtype": "image", "image": {"url": picture_url}}]
    rest = {k: v for k, v in payload.items() if k != "text"}
    return {**rest, "msgtype": "mixed", "mixed": {"msg_item": items}}
