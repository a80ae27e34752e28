"""What the smart bot sends over its long connection, and what WeCom does with it.

* ``aibot_send_msg`` ``{chatid, msgtype, markdown|template_card[, chat_type]}``: into a group
  (``chatid`` one of the bot's group chats, **case-sensitive**) or to a person (``chatid`` = userid).
  An unknown chatid gives **93006**; ``text`` and other msgtypes give 40008 (gaps-addendum §1.2).
  Cards follow the template-card rules, ``button_interaction`` included, in groups too; a reused
  task_id gets 42014 (or, under the switch
  ``emu.task_id_reuse = "drop"``, 0 and dropped). Every member of the group holds a group card.
* ``aibot_respond_update_msg`` on a card event's ``req_id``: replaces the clicked card for
  ``userids``, or for everyone (the group chat shows it too) when they are left out; only within
  **5 s** of the click (``update_window``). Otherwise, or on a req_id that was no card event,
  846605 "invalid req_id" (the code is seen in the official plugin; our guess for the window).
* ``aibot_respond_msg`` on a message's ``req_id``: markdown, stream or a card shown in its chat.
* ``aibot_upload_media_init``/``_chunk``/``_finish`` (``wsmedia``) and ``aibot_send_msg`` ``image``/``file``
  naming the smart bot's own upload (40007 otherwise).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from bot.emulator.wecom import errcodes, wsmedia
from bot.emulator.wecom.cards import validate_card
from bot.emulator.wecom.errcodes import WeComError
from bot.emulator.wecom.media_msgs import MEDIA_TYPES, check_named
from bot.emulator.wecom.messaging import new_msgid
from bot.emulator.wecom.payloads import Body, aibot_body

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator

CHANNEL = "aibot_ws"
UPDATE_WINDOW = 5.0
SEND, UPDATE, RESPOND, WELCOME = ("aibot_send_msg", "aibot_respond_update_msg", "aibot_respond_msg",
                                  "aibot_respond_welcome_msg")


class WsMessaging:
    """Handles the bot's frames; remembers pushed callbacks (by req_id) and where cards are."""

    def __init__(self, emu: WeComEmulator) -> None:
        self.emu = emu
        self.update_window = UPDATE_WINDOW
        self.origins: dict[str, dict] = {}
        self.card_chats: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()
        self.uploads = wsmedia.WsUploads(emu)

    def remember(self, req_id: str, origin: dict) -> None:
        """Keep what a pushed callback came from, for replies on its req_id."""
        with self._lock:
            self.origins[req_id] = origin

    def handle(self, cmd: str, req_id: str, body: dict) -> dict | None:
        """Apply one frame of the bot; its ack's ``body`` when it has one (an upload's); raises WeComError
        with the code WeCom answers."""
        if cmd in (wsmedia.INIT, wsmedia.CHUNK, wsmedia.FINISH):
            return self.uploads.handle(cmd, body)
        if cmd == SEND:
            return self.send(body)
        if cmd == UPDATE:
            return self.update(req_id, body)
        if cmd in (RESPOND, WELCOME):
            return self.respond(req_id, body)
        raise WeComError(errcodes.INVALID_PARAMETER, f"unknown cmd {cmd!r}")

    def send(self, body: dict) -> None:
        """``aibot_send_msg``: a proactive message into a group or to a person."""
        kind, chat, holders = self._chat(body.get("chatid"), body.get("chat_type"))
        if body.get("msgtype") in MEDIA_TYPES:  # a picture or file the bot uploaded over this connection
            return self._send_media(kind, chat, body)
        if body.get("msgtype") not in ("markdown", "template_card"):
            raise WeComError(errcodes.INVALID_MSGTYPE, f"msgtype {body.get('msgtype')!r} not supported here")
        message = aibot_body(body, "single")  # cards are allowed in groups on the long connection
        task_id = message.content.get("task_id") if message.msgtype == "template_card" else None
        if self.emu.task_taken(CHANNEL, task_id, body):
            return None
        self.emu.records.add(channel=CHANNEL, kind=kind, chats=[chat], sender="aibot", msgtype=message.msgtype,
                             content=message.content, time=self.emu.clock.now(), msgid=new_msgid(),
                             truncated=message.truncated, task_id=task_id)
        if task_id:
            self.emu.records.hold_card(CHANNEL, task_id, holders, message.content)
            with self._lock:
                self.card_chats[task_id] = (kind, chat)
        return None

    def _send_media(self, kind: str, chat: str, body: dict) -> None:
        msgtype = body["msgtype"]
        content = body.get(msgtype)
        if not isinstance(content, dict) or not content.get("media_id"):
            raise WeComError(errcodes.MISSING_MEDIA_ID, f"{msgtype}.media_id missing")
        check_named(self.emu.media, Body(msgtype, content), wsmedia.OWNER)
        self.emu.records.add(channel=CHANNEL, kind=kind, chats=[chat], sender="aibot", msgtype=msgtype,
                             content={"media_id": content["media_id"]}, time=self.emu.clock.now(), msgid=new_msgid())
        return None

    def _chat(self, chatid: object, chat_type: object) -> tuple[str, str, list[str]]:
        """(kind, chat, holders) of a chatid; raises WeComError 93006 for one the bot does not know."""
        if chat_type not in (None, 0, 1, 2):
            raise WeComError(errcodes.INVALID_PARAMETER, "chat_type must be 0, 1 or 2")
        d = self.emu.directory
        if isinstance(chatid, str) and chatid in d.wecom_aibot_chats and chat_type in (None, 0, 2):
            return "group", chatid, list(d.group_members.get(chatid, []))
        users = {u.lower(): u for u in d.wecom_users}
        user = users.get(chatid.lower()) if isinstance(chatid, str) else None
        if user and chat_type in (None, 0, 1):
            return "user", user, [user]
        raise WeComError(errcodes.INVALID_AIBOT_CHATID, f"invalid chatid {chatid!r}")

    def update(self, req_id: str, body: dict) -> None:
        """``aibot_respond_update_msg``: within 5 s of a card click, on that click's req_id."""
        origin = self.origins.get(req_id)
        if origin is None or not origin.get("task_id"):
            raise WeComError(errcodes.INVALID_REQ_ID, "req_id is not a template_card_event")
        if self.emu.clock.now() - origin["at"] > self.update_window:
            raise WeComError(errcodes.INVALID_REQ_ID, "the card can be updated only within 5 s of the event")
        if body.get("response_type") != "update_template_card":
            raise WeComError(errcodes.INVALID_PARAMETER, "response_type must be update_template_card")
        card = validate_card(body.get("template_card"), require_task_id=False)
        task_id = origin["task_id"]
        if card.get("task_id") not in (None, task_id):
            raise WeComError(errcodes.INVALID_PARAMETER, "task_id must be the clicked card's")
        state = self.emu.records.card(origin["channel"], task_id)
        userids = body.get("userids") or []
        if not isinstance(userids, list):
            raise WeComError(errcodes.INVALID_PARAMETER, "userids must be a list")
        holders = [u for u in userids if u in state.shown] if userids else list(state.shown)
        self.emu.records.update_card(origin["channel"], task_id, holders, card=card, everyone=not userids)

    def respond(self, req_id: str, body: dict) -> None:
        """``aibot_respond_msg``: an answer shown in the chat of the message it answers."""
        origin = self.origins.get(req_id)
        if origin is None:
            raise WeComError(errcodes.INVALID_REQ_ID, "req_id of no callback")
        msgtype = body.get("msgtype")
        content = body.get(msgtype) if isinstance(msgtype, str) else None
        if msgtype not in ("markdown", "stream", "template_card", "text") or not isinstance(content, dict):
            raise WeComError(errcodes.INVALID_MSGTYPE, f"msgtype {msgtype!r} not supported here")
        self.emu.records.add(channel=CHANNEL, kind=origin["chat_kind"], chats=[origin["chat"]], sender="aibot",
                             msgtype=msgtype, content=content, time=self.emu.clock.now(), msgid=new_msgid())

    def reset(self) -> None:
        """Forget callbacks and card chats."""
        with self._lock:
            self.origins.clear()
            self.card_chats.clear()
        self.uploads.reset()
