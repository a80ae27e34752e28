"""What the self-built app's API calls do: ``message/send``, ``message/update_template_card``,
``appchat/create`` and ``appchat/send``. Each returns WeCom's JSON answer or raises WeComError.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import deque
from typing import TYPE_CHECKING

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.cards import INTERACTIVE, needs_task_id, validate_card
from bot.emulator.wecom.errcodes import WeComError
from bot.emulator.wecom.media_msgs import check_app
from bot.emulator.wecom.payloads import APPCHAT_TYPES, Body, app_body

if TYPE_CHECKING:
    from bot.emulator.wecom.emulator import WeComEmulator

DUPLICATE_INTERVAL = 1800
DUPLICATE_INTERVAL_MAX = 4 * 3600
CHATID = re.compile(r"^[0-9a-zA-Z]{1,32}$")


def new_msgid() -> str:
    """A message id in WeCom's opaque style."""
    return secrets.token_urlsafe(32)


class AppMessaging:
    """The self-built app's outbound API, acting on the emulator's records."""

    def __init__(self, emulator: WeComEmulator) -> None:
        self.emu = emulator
        self.per_member_per_minute: int | None = None  # WeCom: 30, excess silently dropped; opt-in
        self._sent: dict[str, tuple[float, dict]] = {}
        self._recent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def send(self, data: dict) -> dict:
        """``message/send``: deliver to the valid recipients (81013 when none is valid)."""
        self._check_agent(data)
        body = app_body(data)
        check_app(self.emu.media, body)
        users, answer = self._recipients(data)
        with self._lock:
            duplicate = self._duplicate_of(data)
            if duplicate is not None:
                self.emu.records.drop("duplicate", data)
                return duplicate
            answer["msgid"] = new_msgid()
            task_id = body.content.get("task_id") if body.msgtype == "template_card" else None
            if not self.emu.task_taken("app", task_id, data):
                self._deliver(users, body, answer, task_id)
            self._remember(data, answer)
        return answer

    def _deliver(self, users: list[str], body: Body, answer: dict, task_id: str | None) -> None:
        emu = self.emu
        users = self._within_member_limit(users, answer["msgid"])
        emu.records.add(channel="app", kind="user", chats=users, sender="app", msgtype=body.msgtype,
                        content=body.content, time=emu.clock.now(), msgid=answer["msgid"],
                        truncated=body.truncated, task_id=task_id)
        if task_id:
            emu.records.hold_card("app", task_id, users, body.content)
            if needs_task_id(body.content):
                answer["response_code"] = emu.response_codes.issue(channel="app", task_id=task_id)

    def _within_member_limit(self, users: list[str], msgid: str) -> list[str]:
        """The users still under the per-member minute limit; the others miss the message silently."""
        if self.per_member_per_minute is None:
            return users
        now, kept = self.emu.clock.now(), []
        for userid in users:
            recent = self._recent.setdefault(userid, deque())
            while recent and recent[0] <= now - 60:
                recent.popleft()
            if len(recent) < self.per_member_per_minute:
                recent.append(now)
                kept.append(userid)
            else:
                self.emu.records.drop("member minute limit", {"touser": userid, "msgid": msgid})
        return kept

    def update_card(self, data: dict) -> dict:
        """``message/update_template_card``: the single-use response_code updates its card."""
        self._check_agent(data)
        card, replace_name = self._update_content(data)
        grant = self.emu.response_codes.peek(data.get("response_code"))
        state = self.emu.records.card(grant.subject["channel"], grant.subject["task_id"])
        if replace_name is not None and not any(c.get("card_type") in INTERACTIVE for c in state.shown.values()):
            raise WeComError(errcodes.INVALID_PARAMETER, "button update needs an interactive card")
        if data.get("atall") == 1:
            users, invalid = list(state.shown), []
        else:
            userids = self._list(data, "userids")
            if not (userids or self._list(data, "partyids") or self._list(data, "tagids")):
                raise WeComError(errcodes.ALL_RECIPIENTS_EMPTY)
            users = [u for u in self._known(userids) if u in state.shown]
            invalid = [u.lower() for u in userids if self._canonical(u) not in users]
        if not users:
            raise WeComError(errcodes.ALL_RECIPIENTS_INVALID)
        self.emu.response_codes.redeem(data.get("response_code"))
        self.emu.records.update_card(state.channel, state.task_id, users, card=card, replace_name=replace_name)
        return {"errcode": 0, "errmsg": "ok", "invaliduser": invalid, "invalidparty": self._list(data, "partyids"),
                "invalidtag": self._list(data, "tagids")}

    def _update_content(self, data: dict) -> tuple[dict | None, str | None]:
        card, button = data.get("template_card"), data.get("button")
        if card is not None:
            return validate_card(card, require_task_id=False), None
        if isinstance(button, dict) and isinstance(button.get("replace_name"), str) and button["replace_name"]:
            return None, button["replace_name"]
        raise WeComError(errcodes.INVALID_PARAMETER, "button.replace_name or template_card required")

    def create_chat(self, data: dict) -> dict:
        """``appchat/create``: a group chat owned by this app."""
        members = data.get("userlist")
        if not isinstance(members, list) or not 2 <= len(members) <= 2000:
            raise WeComError(errcodes.CHAT_MEMBER_COUNT, "userlist must hold 2 to 2000 members")
        known = self._known(members)
        if len(known) != len(members):
            raise WeComError(errcodes.INVALID_CHAT_MEMBER)
        name, owner = data.get("name", ""), data.get("owner") or known[0]
        if not isinstance(name, str) or len(name) > 50:
            raise WeComError(errcodes.INVALID_CHAT_NAME)
        if self._canonical(owner) not in known:
            raise WeComError(errcodes.INVALID_CHAT_OWNER)
        chatid = data.get("chatid") or secrets.token_hex(16)
        if not isinstance(chatid, str) or not CHATID.match(chatid) or chatid in self.emu.appchats:
            raise WeComError(errcodes.INVALID_CHATID)
        self.emu.appchats[chatid] = {"name": name, "owner": self._canonical(owner), "userlist": known}
        return {"errcode": 0, "errmsg": "ok", "chatid": chatid}

    def send_to_chat(self, data: dict) -> dict:
        """``appchat/send``: a group created by this app; no template cards (40008)."""
        chatid = data.get("chatid")
        if not isinstance(chatid, str) or not chatid:
            raise WeComError(errcodes.INVALID_CHATID)
        body = app_body(data, APPCHAT_TYPES)
        check_app(self.emu.media, body)
        if chatid not in self.emu.appchats:
            foreign = chatid in self.emu.directory.wecom_aibot_chats
            raise WeComError(errcodes.NOT_OWN_CHAT if foreign else errcodes.CHATID_NOT_FOUND)
        self.emu.records.add(channel="appchat", kind="group", chats=[chatid], sender="app",
                             msgtype=body.msgtype, content=body.content, time=self.emu.clock.now(),
                             msgid=new_msgid(), truncated=body.truncated)
        return {"errcode": 0, "errmsg": "ok"}

    def _check_agent(self, data: dict) -> None:
        agentid = data.get("agentid")
        if agentid in (None, ""):
            raise WeComError(errcodes.MISSING_AGENTID)
        if str(agentid) != str(self.emu.agent_id):
            raise WeComError(errcodes.INVALID_AGENTID)

    def _recipients(self, data: dict) -> tuple[list[str], dict]:
        touser, toparty, totag = (str(data.get(f) or "") for f in ("touser", "toparty", "totag"))
        if not (touser or toparty or totag):
            raise WeComError(errcodes.ALL_RECIPIENTS_EMPTY)
        if touser == "@all":
            users, invalid, toparty, totag = list(self.emu.directory.wecom_users), [], "", ""
        else:
            named = [u for u in touser.split("|") if u]
            users = self._known(named)
            invalid = [u.lower() for u in named if self._canonical(u) not in users]
        if not users:
            raise WeComError(errcodes.ALL_RECIPIENTS_INVALID)
        answer = {"errcode": 0, "errmsg": "ok", "invaliduser": "|".join(invalid), "invalidparty": toparty,
                  "invalidtag": totag, "unlicenseduser": ""}
        return users, answer

    def _canonical(self, userid: str) -> str | None:
        lowered = str(userid).lower()
        return next((u for u in self.emu.directory.wecom_users if u.lower() == lowered), None)

    def _known(self, userids: list) -> list[str]:
        found = [self._canonical(u) for u in userids]
        return list(dict.fromkeys(u for u in found if u))

    @staticmethod
    def _list(data: dict, field: str) -> list:
        value = data.get(field) or []
        return [str(v) for v in value] if isinstance(value, list) else []

    def _duplicate_of(self, data: dict) -> dict | None:
        if data.get("enable_duplicate_check") != 1:
            return None
        seen = self._sent.get(json.dumps(data, sort_keys=True, ensure_ascii=False))
        if seen is None:
            return None
        interval = min(int(data.get("duplicate_check_interval") or DUPLICATE_INTERVAL), DUPLICATE_INTERVAL_MAX)
        at, answer = seen
        return dict(answer) if self.emu.clock.now() < at + interval else None

    def _remember(self, data: dict, answer: dict) -> None:
        if data.get("enable_duplicate_check") == 1:
            self._sent[json.dumps(data, sort_keys=True, ensure_ascii=False)] = (self.emu.clock.now(), dict(answer))

    def reset(self) -> None:
        """Forget the duplicate-check memory and the minute windows."""
        with self._lock:
            self._sent.clear()
            self._recent.clear()
