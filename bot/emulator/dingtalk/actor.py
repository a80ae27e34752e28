"""Acting as a person who writes to the robot: a group @-message or a 1:1 message.

Owns: the robot callback body as HTTP mode sends it, its ``timestamp``/``sign`` headers, the
sessionWebhook handed out with it, and redelivery of a message the bot did not answer in time
(same body, fresh signature; ``robot_max_attempts`` attempts ``robot_redeliver_after`` apart).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import replace

from bot.emulator.dingtalk import payloads
from bot.emulator.dingtalk.errors import EmulatorUsageError, OapiError
from bot.emulator.dingtalk.records import Delivery
from bot.emulator.dingtalk.signing import robot_sign

__all__ = ["RobotActor", "oto_conversation_id"]

MEDIA = ("picture", "file", "video", "audio")
ONE_TO_ONE_ONLY = ("file", "video", "audio")


def _attach(body: dict, msgtype: str, text: str, sent) -> None:
    """Put the downloadCode where DingTalk puts it (``content`` instead of ``text``)."""
    body.pop("text", None)
    if msgtype == "richText":
        parts = [{"text": text}] if text else []
        body.update(msgtype="richText", content={"richText": [*parts, {"type": "picture", "downloadCode": sent.code,
                                                                     "pictureDownloadCode": sent.code}]})
    elif msgtype == "picture":
        body.update(msgtype="picture", content={"downloadCode": sent.code, "pictureDownloadCode": sent.code})
    elif msgtype == "file":
        body.update(msgtype="file", content={"downloadCode": sent.code, "fileName": sent.name or "file"})
    elif msgtype == "video":
        body.update(msgtype="video", content={"downloadCode": sent.code, "duration": 4000, "videoType": "mp4"})
    else:
        body.update(msgtype="audio", content={"downloadCode": sent.code, "duration": 4000, "recognition": text})


def oto_conversation_id(app_key: str, userid: str) -> str:
    """The stable conversation id of a person's 1:1 chat with the robot."""
    return "cidoto" + hashlib.sha1(f"{app_key}/{userid}".encode()).hexdigest()[:22] + "=="


class RobotActor:
    """Sends what people write to the robot to ``{bot_url}/dingtalk/robot``."""

    def __init__(self, emu) -> None:
        self.emu = emu

    def say(self, userid: str, text: str, group: str | None = None, at_bot: bool = True,
            msgtype: str = "text", data: bytes = b"", name: str = "") -> Delivery | None:
        """Post a message from ``userid`` (into ``group`` or 1:1); None when the robot is not told (a
        group message without @, or a file, voice or video in a group: robots receive those 1:1 only).

        Raises EmulatorUsageError for an unknown person, an unknown group or a non-member, or a media
        type without its bytes.
        """
        emu = self.emu
        if userid not in emu.directory.dingtalk_users:
            raise EmulatorUsageError(f"{userid!r} is not a DingTalk user of the org file")
        if group is not None and userid not in emu.group_members(group):
            raise EmulatorUsageError(f"{userid!r} is not a member of group {group!r}")
        if msgtype in MEDIA and not data:
            raise EmulatorUsageError(f"a {msgtype} message needs its bytes (data=...)")
        sent = emu.files.add(msgtype if msgtype in MEDIA else "picture", data, name) if data else None
        content = {"text": text, **({"downloadCode": sent.code, "name": name} if sent else {})}
        emu.records.add(channel="inbound", sender=userid, msgtype=msgtype, content=content,
                        at=emu.now(), group=group, user=None if group else userid)
        if group is not None and (not at_bot or msgtype in ONE_TO_ONE_ONLY):
            return None  # the robot receives group messages only when @-mentioned, and no files there
        body = self.body(userid, text, group, msgtype)
        if sent is not None:
            _attach(body, msgtype, text, sent)
        delivery = Delivery("robot", "", f"{emu.bot_url}/dingtalk/robot", body)
        delivery.key = delivery.payload["msgId"]
        emu.records.add_delivery(delivery)
        self._attempt(delivery, 1)
        return delivery

    def body(self, userid: str, text: str, group: str | None, msgtype: str) -> dict:
        """The callback body DingTalk's HTTP mode sends for this message."""
        emu = self.emu
        created = int(emu.now() * 1000)
        session = emu.sessions.open(userid, group, created)
        bot_id = "$:LWCP_v1:$" + hashlib.sha1(emu.robot_code.encode()).hexdigest()[:24]
        body = {
            "msgId": "msg" + secrets.token_urlsafe(16), "createAt": created,
            "conversationType": "2" if group else "1",
            "conversationId": group or oto_conversation_id(emu.app_key, userid),
            "senderId": "$:LWCP_v1:$" + hashlib.sha1(userid.encode()).hexdigest()[:24],
            "senderNick": emu.directory.dingtalk_users[userid], "senderCorpId": emu.corp_id,
            "senderStaffId": userid, "isAdmin": False, "chatbotCorpId": emu.corp_id,
            "chatbotUserId": bot_id, "robotCode": emu.robot_code,
            "sessionWebhook": f"{emu.base_url}/robot/sendBySession?session={session.token}",
            "sessionWebhookExpiredTime": session.expires_ms,
        }
        if group:
            body.update(conversationTitle=emu.directory.dingtalk_groups.get(group, ""), isInAtList=True,
                        atUsers=[{"dingtalkId": bot_id}])
            text = " " + text  # the space left where the @-mention was removed
        if msgtype == "richText":
            body.update(msgtype="richText", content={"richText": [{"text": text}]})
        else:
            body.update(msgtype="text", text={"content": text})
        return body

    def _attempt(self, delivery: Delivery, number: int) -> None:
        emu = self.emu
        ts = str(int(emu.now() * 1000))
        headers = {"timestamp": ts, "sign": robot_sign(ts, emu.app_secret)}
        attempt, resp = emu.courier.post(delivery, headers, emu.robot_timeout)
        if resp is not None and emu.robot_answers_lost > 0:  # the answer came after DingTalk stopped waiting
            emu.robot_answers_lost -= 1
            delivery.attempts[-1] = replace(attempt, status=None, error="ReadTimeout: the answer came too late")
            resp = None
        if delivery.answered:
            delivery.done = True
            self._sync_reply(delivery, resp)
        elif number < emu.robot_max_attempts:
            emu.courier.later(emu.robot_redeliver_after, lambda: self._attempt(delivery, number + 1))
        else:
            delivery.done = True

    def _sync_reply(self, delivery: Delivery, resp) -> None:
        """Record a reply the bot put in the HTTP response body (``msgtype: empty`` = none)."""
        try:
            body = json.loads(resp.text) if resp is not None and resp.text.strip() else None
        except ValueError:
            return
        if not isinstance(body, dict) or body.get("msgtype") in (None, "empty"):
            return
        try:
            msgtype, content = payloads.webhook_message(body)
        except OapiError as exc:
            delivery.notes.append(f"reply body rejected: {exc}")
            return
        payload = delivery.payload
        group = payload["conversationId"] if payload["conversationType"] == "2" else None
        self.emu.records.add(channel="sync_reply", sender="bot", msgtype=msgtype, content=content,
                             at=self.emu.now(), group=group,
                             user=None if group else payload["senderStaffId"])
