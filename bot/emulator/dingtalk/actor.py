"""Acting as a person who writes to the robot: a group @-message or a 1:1 message.

Owns: the robot callback body as HTTP mode sends it, its ``timestamp``/``sign`` headers, the
sessionWebhook handed out with it, and redelivery of a message the bot did not answer in time
(same body, fresh signature; ``robot_max_attempts`` attempts ``robot_redeliver_after`` apart).
"""

from __future__ import annotations

import hashlib
import json
import secrets

from bot.emulator.dingtalk import payloads
from bot.emulator.dingtalk.errors import EmulatorUsageError, OapiError
from bot.emulator.dingtalk.records import Delivery
from bot.emulator.dingtalk.signing import robot_sign

__all__ = ["RobotActor", "oto_conversation_id"]


def oto_conversation_id(app_key: str, userid: str) -> str:
    """The stable conversation id of a person's 1:1 chat with the robot."""
    return "cidoto" + hashlib.sha1(f"{app_key}/{userid}".encode()).hexdigest()[:22] + "=="


class RobotActor:
    """Sends what people write to the robot to ``{bot_url}/dingtalk/robot``."""

    def __init__(self, emu) -> None:
        self.emu = emu

    def say(self, userid: str, text: str, group: str | None = None, at_bot: bool = True,
            msgtype: str = "text") -> Delivery | None:
        """Post a message from ``userid`` (into ``group`` or 1:1); None when the robot is not told.

        Raises EmulatorUsageError for an unknown person, an unknown group or a non-member.
        """
        emu = self.emu
        if userid not in emu.directory.dingtalk_users:
            raise EmulatorUsageError(f"{userid!r} is not a DingTalk user of the org file")
        if group is not None and userid not in emu.group_members(group):
            raise EmulatorUsageError(f"{userid!r} is not a member of group {group!r}")
        emu.records.add(channel="inbound", sender=userid, msgtype=msgtype, content={"text": text},
                        at=emu.now(), group=group, user=None if group else userid)
        if group is not None and not at_bot:
            return None  # the robot receives group messages only when @-mentioned
        delivery = Delivery("robot", "", f"{emu.bot_url}/dingtalk/robot", self.body(userid, text, group, msgtype))
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
