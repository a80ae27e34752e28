"""Passive replies: what the bot answers in the body of a callback, and what WeCom does with it.

Self-built app: an encrypted XML envelope; a ``text`` reply is shown to the person, an
``update_button`` reply greys out the clicked card's buttons for the clicker, and an
``update_template_card`` reply replaces the clicker's card. Smart bot: an
encrypted JSON envelope; ``markdown``/``text``/``template_card``/``stream`` replies are shown in
the chat, ``response_type: update_template_card`` replaces the clicked card.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.emulator.wecom.cards import validate_card
from bot.emulator.wecom.crypto import CallbackCipher, CryptoError
from bot.emulator.wecom.messaging import new_msgid
from bot.emulator.wecom.xmlcard import card_from_xml

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator


@dataclass
class Origin:
    """The callback a reply answers: who, in which chat, and the card clicked if any."""

    userid: str
    chat_kind: str
    chat: str
    task_id: str | None = None
    response_code: str | None = None


def open_app_reply(cipher: CallbackCipher, body: bytes) -> str | None:
    """The plaintext XML of an app passive reply, None for an empty one (90238: "直接返回200（即以空串为返回包）");
    raises CryptoError for anything else that is no signed envelope (``success`` included: that is the answer
    of other Tencent platforms, not WeCom's)."""
    if not body.strip():
        return None
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise CryptoError(f"reply is not XML: {exc}") from exc
    fields = {child.tag: (child.text or "") for child in root}
    encrypt = fields.get("Encrypt", "")
    if cipher.sign(fields.get("TimeStamp", ""), fields.get("Nonce", ""), encrypt) != fields.get("MsgSignature"):
        raise CryptoError("reply MsgSignature does not match")
    return cipher.decrypt(encrypt)


def open_aibot_reply(cipher: CallbackCipher, body: bytes) -> dict | None:
    """The JSON of a smart-bot passive reply, None for an empty one; raises CryptoError."""
    if not body.strip():
        return None
    try:
        envelope = json.loads(body)
        signature_ok = cipher.sign(str(envelope["timestamp"]), str(envelope["nonce"]),
                                   envelope["encrypt"]) == envelope["msgsignature"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CryptoError(f"reply is not a smart-bot envelope: {exc}") from exc
    if not signature_ok:
        raise CryptoError("reply msgsignature does not match")
    return json.loads(cipher.decrypt(envelope["encrypt"]))


def apply_app_reply(emu: WeComEmulator, plaintext: str, origin: Origin) -> str:
    """Show an app passive reply; returns its MsgType."""
    fields = {child.tag: child for child in ElementTree.fromstring(plaintext)}
    msgtype = (fields["MsgType"].text or "") if "MsgType" in fields else ""
    if msgtype == "text":
        _record(emu, "app", "user", origin.userid, "text", {"content": fields["Content"].text or ""})
    elif msgtype == "update_button" and origin.task_id:
        name = fields["Button"].findtext("ReplaceName") or ""
        emu.response_codes.redeem(origin.response_code)
        emu.records.update_card("app", origin.task_id, [origin.userid], replace_name=name)
    elif msgtype == "update_template_card" and origin.task_id:
        card = validate_card(card_from_xml(fields["TemplateCard"]), require_task_id=False)
        emu.response_codes.redeem(origin.response_code)
        emu.records.update_card("app", origin.task_id, [origin.userid], card=card)
    return msgtype


def apply_aibot_reply(emu: WeComEmulator, reply: dict, origin: Origin) -> str:
    """Show a smart-bot passive reply; returns its msgtype or response_type."""
    if reply.get("response_type") == "update_template_card" and origin.task_id:
        card = validate_card(reply.get("template_card"), require_task_id=False)
        state = emu.records.card("aibot", origin.task_id)
        userids = reply.get("userids") or list(state.shown)
        emu.records.update_card("aibot", origin.task_id, [u for u in userids if u in state.shown], card=card)
        return "update_template_card"
    msgtype = str(reply.get("msgtype", ""))
    content = reply.get(msgtype)
    if msgtype in ("markdown", "text", "template_card", "stream") and isinstance(content, dict):
        _record(emu, "aibot", origin.chat_kind, origin.chat, msgtype, content)
    return msgtype


def _record(emu: WeComEmulator, channel: str, kind: str, chat: str, msgtype: str, content: dict) -> None:
    emu.records.add(channel=channel, kind=kind, chats=[chat], sender=channel, msgtype=msgtype,
                    content=content, time=emu.clock.now(), msgid=new_msgid())

