"""Acting as a person: the real encrypted, signed callbacks WeCom would POST to the bot when
someone writes to the app, @-mentions the smart bot, or clicks a card button; and the URL
verification GET. Passive replies in the answers are applied as WeCom applies them.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bot.emulator.wecom import callbacks, delivery, selections
from bot.emulator.wecom.callbacks import SealedCallback
from bot.emulator.wecom.crypto import CallbackCipher, CryptoError
from bot.emulator.wecom.errcodes import WeComError
from bot.emulator.wecom.passive import Origin, apply_aibot_reply, apply_app_reply, open_aibot_reply, open_app_reply

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator

APP_PATH = "/wecom/callback"
WS = "aibot_ws"  # the channel of what goes over the smart bot's long connection
AIBOT_PATH = "/wecom/aibot"


class ActError(Exception):
    """A test asked for something no person could do (click a card they do not hold, ...)."""


class Person:
    """One person of the directory, seen from WeCom's side: ``emu.act_as("ligs").send_text("帮助")``."""

    def __init__(self, actor: Actor, userid: str) -> None:
        self.actor = actor
        self.userid = userid

    def send_text(self, content: str) -> delivery.Delivery:
        """A 1:1 text message to the self-built app."""
        return self.actor.app_text(self.userid, content)

    def send_link(self, title: str, url: str, description: str = "", pic_url: str = "") -> delivery.Delivery:
        """A 1:1 link message to the self-built app."""
        return self.actor.app_link(self.userid, title, url, description, pic_url)

    def send_image(self, data: bytes = b"\xff\xd8\xff\xe0emulated-jpeg", name: str = "") -> delivery.Delivery:
        """A 1:1 picture to the app: ``MsgType image`` with ``PicUrl`` and a ``MediaId`` (3 days)."""
        return self.actor.app_media(self.userid, "image", data, name)

    def send_voice(self, data: bytes = b"#!AMR\nemulated", name: str = "") -> delivery.Delivery:
        """A 1:1 voice message to the app: ``MsgType voice`` with ``MediaId`` and ``Format amr``."""
        return self.actor.app_media(self.userid, "voice", data, name)

    def send_video(self, data: bytes = b"\x00\x00\x00\x18ftypmp42", name: str = "") -> delivery.Delivery:
        """A 1:1 video to the app: ``MsgType video`` with ``MediaId`` and ``ThumbMediaId``."""
        return self.actor.app_media(self.userid, "video", data, name)

    def send_file(self, data: bytes = b"%PDF-1.4 emulated", name: str = "file.pdf") -> delivery.Delivery:
        """A file to the app: WeCom's app callback carries no file messages (the official message
        formats are text, image, voice, video, location and link), so this raises ActError."""
        raise ActError("WeCom's self-built app receives no file messages (document 90375: text, image, "
                       "voice, video, location, link); send a picture, or a link")

    def send_location(self, label: str, x: float = 31.23, y: float = 121.47) -> delivery.Delivery:
        """A 1:1 location to the app (``MsgType location``)."""
        return self.actor.app_location(self.userid, label, x, y)

    def mention_bot(self, chatid: str, content: str, picture: bytes | None = None) -> delivery.Delivery:
        """An @-mention of the smart bot in group ``chatid``; with ``picture``, ``mixed`` (100719/101027)."""
        return self.actor.aibot_text(self.userid, content, chatid, picture)

    def send_bot_text(self, content: str) -> delivery.Delivery:
        """A 1:1 text message to the smart bot."""
        return self.actor.aibot_text(self.userid, content, None)

    def click(self, task_id: str, key: str, selected: dict[str, list[str]] | None = None) -> delivery.Delivery:
        """Click button ``key`` on the card ``task_id`` this person holds, with ``selected``
        options (question_key → option ids) if the card asks; raises ActError otherwise."""
        return self.actor.click(self.userid, task_id, key, selected)

    def enter_agent(self) -> delivery.Delivery:
        """Open the app's 1:1 chat (the ``enter_agent`` event)."""
        return self.actor.app_event(self.userid, "enter_agent")


class Actor:
    """Builds and delivers callbacks for the emulator; every delivery is kept in ``emu.deliveries``."""

    def __init__(self, emu: WeComEmulator) -> None:
        self.emu = emu
        self.timestamp_skew = 0

    def now(self) -> int:
        """Timestamp and CreateTime of callbacks: real time plus ``timestamp_skew`` seconds."""
        return int(time.time()) + self.timestamp_skew

    def app_cipher(self) -> CallbackCipher:
        """The self-built app's cipher; raises ActError when the app is not configured."""
        emu = self.emu
        if not (emu.corp_id and emu.app_token and emu.app_aes_key):
            raise ActError("WECOM_CORP_ID, WECOM_TOKEN and WECOM_AES_KEY are needed to call the app")
        return CallbackCipher(emu.app_token, emu.app_aes_key, emu.corp_id)

    def aibot_cipher(self) -> CallbackCipher:
        """The smart bot's cipher (ReceiveId ""); raises ActError when it is not configured."""
        if not (self.emu.aibot_token and self.emu.aibot_aes_key):
            raise ActError("WECOM_AIBOT_TOKEN and WECOM_AIBOT_AES_KEY are needed to call the smart bot")
        return CallbackCipher(self.emu.aibot_token, self.emu.aibot_aes_key, "")

    def app_text(self, userid: str, content: str) -> delivery.Delivery:
        """Deliver a 1:1 text to the app, recorded in the person's chat."""
        msgid = callbacks.app_message_id()
        fields = [("MsgType", "text"), ("Content", content), ("MsgId", int(msgid))]
        self._record_person(userid, "app", "user", userid, "text", {"content": content}, msgid)
        return self._to_app(userid, fields, Origin(userid, "user", userid), {"msgid": msgid})

    def app_link(self, userid: str, title: str, url: str, description: str, pic_url: str) -> delivery.Delivery:
        """Deliver a 1:1 link message to the app."""
        msgid = callbacks.app_message_id()
        link = {"title": title, "description": description, "url": url, "pic_url": pic_url}
        fields = [("MsgType", "link"), ("Title", title), ("Description", description), ("Url", url),
                  ("PicUrl", pic_url), ("MsgId", int(msgid))]
        self._record_person(userid, "app", "user", userid, "link", link, msgid)
        return self._to_app(userid, fields, Origin(userid, "user", userid), {"msgid": msgid})

    def app_media(self, userid: str, kind: str, data: bytes, name: str) -> delivery.Delivery:
        """Deliver a 1:1 picture, voice or video to the app; its bytes become a temporary media."""
        media = self.emu.media.add(kind, data, name)
        msgid = callbacks.app_message_id()
        fields: list = [("MsgType", kind)]
        if kind == "image":
            fields.append(("PicUrl", f"{self.emu.base_url}/_emulator/wecom/pic/{media.media_id}"))
        fields.append(("MediaId", media.media_id))
        if kind == "voice":
            fields.append(("Format", "amr"))
        if kind == "video":
            fields.append(("ThumbMediaId", self.emu.media.add("image", b"thumb").media_id))
        fields.append(("MsgId", int(msgid)))
        content = {"media_id": media.media_id, "name": media.name, "size": len(data)}
        self._record_person(userid, "app", "user", userid, kind, content, msgid)
        return self._to_app(userid, fields, Origin(userid, "user", userid), {"msgid": msgid, "media_id": media.media_id})

    def app_location(self, userid: str, label: str, x: float, y: float) -> delivery.Delivery:
        """Deliver a 1:1 location to the app."""
        msgid = callbacks.app_message_id()
        fields = [("MsgType", "location"), ("Location_X", x), ("Location_Y", y), ("Scale", 15), ("Label", label),
                  ("MsgId", int(msgid))]
        self._record_person(userid, "app", "user", userid, "location", {"label": label}, msgid)
        return self._to_app(userid, fields, Origin(userid, "user", userid), {"msgid": msgid})

    def aibot_text(self, userid: str, content: str, chatid: str | None, picture: bytes | None = None) -> delivery.Delivery:
        """Deliver a smart-bot text (``mixed`` with ``picture``): an @-mention in ``chatid``, or 1:1 when it is None."""
        if chatid and chatid not in self.emu.directory.wecom_aibot_chats:
            raise ActError(f"the smart bot is in no group {chatid!r} (org file: aibot_chatid)")
        if chatid and not content.startswith("@"):
            content = f"@{self.emu.aibot_name} {content}"
        kind, chat = ("group", chatid) if chatid else ("user", userid)
        if self.emu.aibot_longconn:
            return self._ws_text(userid, content, chatid, kind, chat)
        url = self._response_url(userid, chatid)
        payload = callbacks.aibot_text(aibot_id=self.emu.aibot_id, userid=userid, content=content,
                                       response_url=url, chatid=chatid)
        if picture is not None:  # WeCom's picture URL is AES-encrypted, 5 min; the emulator's serves plain bytes
            media = self.emu.media.add("image", picture, "image.jpg", owner="aibot")
            payload = callbacks.aibot_mixed(payload, f"{self.emu.base_url}/_emulator/wecom/pic/{media.media_id}")
        self._record_person(userid, "aibot", kind, chat, payload["msgtype"], payload[payload["msgtype"]],
                            payload["msgid"])
        info = {"msgid": payload["msgid"], "response_url": url}
        return self._to_aibot(payload, Origin(userid, kind, chat), info, self.emu.callback_attempts)

    def app_event(self, userid: str, event: str, event_key: str = "") -> delivery.Delivery:
        """Deliver an app event such as ``enter_agent``."""
        fields = [("MsgType", "event"), ("Event", event), ("EventKey", event_key)]
        return self._to_app(userid, fields, Origin(userid, "user", userid), {"event": event})

    def click(self, userid: str, task_id: str, key: str,
              selected: dict[str, list[str]] | None = None) -> delivery.Delivery:
        """Deliver a ``template_card_event`` for a button the person can click now."""
        state = next((s for ch in ("app", "aibot", WS) if (s := self.emu.records.card(ch, task_id))
                      and userid in s.shown), None)
        if state is None:
            raise ActError(f"{userid} holds no card with task_id {task_id!r}")
        clickable = state.view(userid)["clickable"]
        if key not in clickable:
            raise ActError(f"card {task_id!r} shows {userid} no button {key!r} (clickable: {clickable})")
        card = state.shown[userid]
        try:
            selections.check(card, selected or {})
        except selections.SelectionError as err:
            raise ActError(str(err)) from err
        if state.channel == "aibot":
            return self._aibot_click(userid, task_id, key, card["card_type"], selected)
        if state.channel == WS:
            return self._ws_click(userid, task_id, key, card["card_type"], selected)
        code = self.emu.response_codes.issue(channel="app", task_id=task_id, userid=userid)
        fields = [("MsgType", "event"), ("Event", "template_card_event"), ("EventKey", key), ("TaskId", task_id),
                  ("CardType", card["card_type"]), ("ResponseCode", code)]
        if selected:
            fields.append(("SelectedItems", callbacks.RawXml(selections.as_xml(selected))))
        origin = Origin(userid, "user", userid, task_id, code)
        return self._to_app(userid, fields, origin, {"response_code": code, "task_id": task_id, "key": key})

    def _aibot_click(self, userid: str, task_id: str, key: str, card_type: str,
                     selected: dict[str, list[str]] | None) -> delivery.Delivery:
        url = self._response_url(userid, None)
        chosen = selections.as_json(selected) if selected else None
        payload = callbacks.aibot_card_event(aibot_id=self.emu.aibot_id, userid=userid, create_time=self.now(),
                                             response_url=url, card_type=card_type, key=key, task_id=task_id,
                                             chatid=None, selected_items=chosen)
        origin = Origin(userid, "user", userid, task_id)
        info = {"msgid": payload["msgid"], "response_url": url, "task_id": task_id, "key": key}
        return self._to_aibot(payload, origin, info, attempts=1)  # card events are never retried

    def _ws_text(self, userid: str, content: str, chatid: str | None, kind: str, chat: str) -> delivery.Delivery:
        """A smart-bot message pushed over the long connection (no response_url: replies go on its req_id)."""
        payload = callbacks.aibot_text(aibot_id=self.emu.aibot_id, userid=userid, content=content,
                                       response_url="", chatid=chatid)
        del payload["response_url"]
        self._record_person(userid, WS, kind, chat, "text", {"content": content}, payload["msgid"])
        origin = {"userid": userid, "chat_kind": kind, "chat": chat, "channel": WS}
        return self._longconn().push("aibot_msg_callback", payload, origin)

    def _ws_click(self, userid: str, task_id: str, key: str, card_type: str,
                  selected: dict[str, list[str]] | None) -> delivery.Delivery:
        """A click on a long-connection card, pushed with the clicker's ``from.userid`` (and the
        group's chatid for a group card); never repeated."""
        server = self._longconn()
        kind, chat = server.messaging.card_chats.get(task_id, ("user", userid))
        payload = callbacks.aibot_card_event(aibot_id=self.emu.aibot_id, userid=userid, create_time=self.now(),
                                             response_url="", card_type=card_type, key=key, task_id=task_id,
                                             chatid=chat if kind == "group" else None,
                                             selected_items=selections.as_json(selected) if selected else None)
        del payload["response_url"]
        origin = {"userid": userid, "chat_kind": kind, "chat": chat, "channel": WS, "task_id": task_id}
        result = server.push("aibot_event_callback", payload, origin)
        result.info.update(task_id=task_id, key=key)
        return result

    def _longconn(self):
        if self.emu.longconn is None:
            raise ActError("the long-connection server is not running (EmulatorServer starts it)")
        return self.emu.longconn

    def verify_url(self, target: str = "app", echo: str | None = None) -> delivery.Delivery:
        """The URL-verification GET to the app ("app") or the smart bot ("aibot")."""
        cipher = self.app_cipher() if target == "app" else self.aibot_cipher()
        sealed = callbacks.seal_echo(cipher, echo or callbacks.nonce() + callbacks.nonce(), self.now())
        path = APP_PATH if target == "app" else AIBOT_PATH
        return self._send(f"verify_{target}", path, sealed, attempts=1, method="GET")

    def _to_app(self, userid: str, fields: list, origin: Origin, info: dict) -> delivery.Delivery:
        cipher, emu, now = self.app_cipher(), self.emu, self.now()
        plaintext = callbacks.app_xml(emu.corp_id, emu.agent_id, userid, now, fields)
        sealed = callbacks.seal_app(cipher, plaintext, emu.corp_id, emu.agent_id, now)
        result = self._send("app", APP_PATH, sealed, emu.callback_attempts, info=info)
        self._apply(result, lambda: _apply_app(emu, cipher, result.reply, origin))
        return result

    def _to_aibot(self, payload: dict, origin: Origin, info: dict, attempts: int) -> delivery.Delivery:
        cipher = self.aibot_cipher()
        sealed = callbacks.seal_aibot(cipher, payload, self.now())
        result = self._send("aibot", AIBOT_PATH, sealed, attempts, info=info)
        self._apply(result, lambda: _apply_aibot(self.emu, cipher, result.reply, origin))
        return result

    def _send(self, kind: str, path: str, sealed: SealedCallback, attempts: int, method: str = "POST",
              info: dict | None = None) -> delivery.Delivery:
        if not self.emu.bot_url:
            raise ActError("bot_url is not set: nowhere to send callbacks")
        result = delivery.send(kind, self.emu.bot_url + path, sealed, self.emu.callback_timeout, attempts, method)
        result.info.update(info or {})
        self.emu.deliveries.append(result)
        return result

    @staticmethod
    def _apply(result: delivery.Delivery, action) -> None:
        if not result.answered:
            return
        try:
            result.info["passive_reply"] = action()
        except (CryptoError, WeComError, ValueError, KeyError) as err:
            result.info["passive_reply_error"] = str(err)

    def _response_url(self, userid: str, chatid: str | None) -> str:
        code = self.emu.response_urls.issue(userid=userid, chatid=chatid, chattype="group" if chatid else "single")
        return f"{self.emu.base_url}/cgi-bin/aibot/response?response_code={code}"

    def _record_person(self, userid: str, channel: str, kind: str, chat: str, msgtype: str, content: dict,
                       msgid: str) -> None:
        self.emu.records.add(channel=channel, kind=kind, chats=[chat], sender=userid, msgtype=msgtype,
                             content=content, time=self.emu.clock.now(), msgid=msgid)


def _apply_app(emu: WeComEmulator, cipher: CallbackCipher, body: bytes, origin: Origin) -> str | None:
    plaintext = open_app_reply(cipher, body)
    return apply_app_reply(emu, plaintext, origin) if plaintext else None


def _apply_aibot(emu: WeComEmulator, cipher: CallbackCipher, body: bytes, origin: Origin) -> str | None:
    reply = open_aibot_reply(cipher, body)
    return apply_aibot_reply(emu, reply, origin) if reply else None
