"""The group webhook robot (``webhook/send?key=``) and the smart bot's ``response_url`` replies.

The webhook robot posts into the group its key belongs to (at most 20 messages a minute, then
45009). A ``response_url`` works once within an hour and posts into the chat it came from;
template cards only in a single chat.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.errcodes import WeComError
from bot.emulator.wecom.media_msgs import check_robot
from bot.emulator.wecom.messaging import new_msgid
from bot.emulator.wecom.payloads import aibot_body, webhook_body

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator

WEBHOOK_PER_MINUTE = 20


class RobotMessaging:
    """Outbound messages of the group robots."""

    def __init__(self, emulator: WeComEmulator) -> None:
        self.emu = emulator
        self.webhook_per_minute: int | None = WEBHOOK_PER_MINUTE
        self._recent: dict[str, deque[float]] = {}

    def webhook_send(self, key: str | None, data: dict) -> dict:
        """``webhook/send``: 93000 for an unknown key, 45009 above the per-minute limit."""
        if not key or key not in self.emu.directory.wecom_hooks:
            raise WeComError(errcodes.INVALID_WEBHOOK)
        body = webhook_body(data)
        check_robot(self.emu.media, key, body)
        self._count(key)
        self.emu.records.add(channel="webhook", kind="group", chats=[key], sender="webhook",
                             msgtype=body.msgtype, content=body.content, time=self.emu.clock.now(),
                             msgid=new_msgid(), truncated=body.truncated)
        return {"errcode": 0, "errmsg": "ok"}

    def _count(self, key: str) -> None:
        if self.webhook_per_minute is None:
            return
        now = self.emu.clock.now()
        recent = self._recent.setdefault(key, deque())
        while recent and recent[0] <= now - 60:
            recent.popleft()
        if len(recent) >= self.webhook_per_minute:
            raise WeComError(errcodes.API_FREQ_LIMIT)
        recent.append(now)

    def aibot_reply(self, code: str | None, data: dict) -> dict:
        """A POST to a ``response_url``: single use (then 42022, or 60140 under the switch), 1 h (then 60140)."""
        grant = self.emu.response_urls.peek(code)
        subject = grant.subject
        body = aibot_body(data, subject["chattype"])
        task_id = body.content.get("task_id") if body.msgtype == "template_card" else None
        taken = self.emu.task_taken("aibot", task_id, data)
        self.emu.response_urls.redeem(code)
        if taken:
            return {"errcode": 0, "errmsg": "ok"}
        kind, chat = ("group", subject["chatid"]) if subject["chattype"] == "group" else ("user", subject["userid"])
        self.emu.records.add(channel="aibot", kind=kind, chats=[chat], sender="aibot", msgtype=body.msgtype,
                             content=body.content, time=self.emu.clock.now(), msgid=new_msgid(),
                             truncated=body.truncated, task_id=task_id)
        if task_id:
            self.emu.records.hold_card("aibot", task_id, [subject["userid"]], body.content)
        return {"errcode": 0, "errmsg": "ok"}

    def reset(self) -> None:
        """Forget the rate-limit windows."""
        self._recent.clear()
