"""The WeCom emulator: its configuration (the bot's environment variables), its state, the
Flask blueprint that serves it, and the accessors tests read.
"""

from __future__ import annotations

from collections import deque
from typing import Mapping

from flask import Blueprint

from bot.emulator.directory import Directory
from bot.emulator.wecom import errcodes, media_msgs, oauth
from bot.emulator.wecom.actor import Actor, Person
from bot.emulator.wecom.api import api_blueprint
from bot.emulator.wecom.clock import EmulatorClock
from bot.emulator.wecom.codes import RESPONSE_CODE_TTL, RESPONSE_URL_TTL, OneTimeCodes
from bot.emulator.wecom.control import control_blueprint
from bot.emulator.wecom.delivery import Delivery
from bot.emulator.wecom.errcodes import WeComError
from bot.emulator.wecom.faults import Fault, FaultBoard
from bot.emulator.wecom.longconn import LongConnServer
from bot.emulator.wecom.media import MediaStore
from bot.emulator.wecom.messaging import AppMessaging
from bot.emulator.wecom.records import Records
from bot.emulator.wecom.robots import RobotMessaging
from bot.emulator.wecom.tokens import TokenBook

DEFAULT_AIBOT_NAME = "舆情助手"
REFUSE, DROP = "refuse", "drop"  # what a reused task_id gets: 42014 (default), or errcode 0 and not delivered
LOG_LIMIT = 5000  # API calls and deliveries kept for tests and the console


class WeComEmulator:
    """A strict local WeCom: the self-built app's API, the group webhook robot, the smart bot's
    ``response_url``, and people who write, @-mention and click through real callbacks.

    ``env`` holds the credentials to accept (WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET,
    WECOM_TOKEN, WECOM_AES_KEY; WECOM_AIBOT_TOKEN, WECOM_AIBOT_AES_KEY); ``directory`` the people
    and groups. ``callback_timeout`` (s) and ``callback_attempts`` govern WeCom's retries.
    """

    def __init__(self, env: Mapping[str, str], directory: Directory, callback_timeout: float = 5.0,
                 callback_attempts: int = 3) -> None:
        self.env = dict(env)
        self.directory = directory
        self.base_url = ""
        self.bot_url = ""
        self.corp_id = self.env.get("WECOM_CORP_ID", "")
        self.agent_id = self.env.get("WECOM_AGENT_ID", "")
        self.app_token = self.env.get("WECOM_TOKEN", "")
        self.app_aes_key = self.env.get("WECOM_AES_KEY", "")
        self.aibot_token = self.env.get("WECOM_AIBOT_TOKEN", "")
        self.aibot_aes_key = self.env.get("WECOM_AIBOT_AES_KEY", "")
        self.aibot_id = self.env.get("WECOM_AIBOT_ID") or "aibot-emulator"
        self.aibot_secret = self.env.get("WECOM_AIBOT_SECRET", "")
        self.longconn: LongConnServer | None = None
        self.ws_url = ""
        self.aibot_name = DEFAULT_AIBOT_NAME
        self.callback_timeout = callback_timeout
        self.callback_attempts = callback_attempts
        self.task_id_reuse = REFUSE
        self.clock = EmulatorClock()
        self.tokens = TokenBook(self.corp_id, self.env.get("WECOM_SECRET", ""), self.clock)
        self.faults = FaultBoard()
        self.records = Records()
        self.response_codes = OneTimeCodes(self.clock, RESPONSE_CODE_TTL)
        self.response_urls = OneTimeCodes(self.clock, RESPONSE_URL_TTL)
        self.appchats: dict[str, dict] = {}
        self.api_calls: deque[dict] = deque(maxlen=LOG_LIMIT)
        self.deliveries: deque[Delivery] = deque(maxlen=LOG_LIMIT)
        self.messaging = AppMessaging(self)
        self.media = MediaStore(self.clock)
        self.robots = RobotMessaging(self)
        self.actor = Actor(self)
        self.oauth = oauth.OAuthState(self)  # the sign-in pages' codes (identity provider)

    def blueprint(self) -> Blueprint:
        """The Flask blueprint of this emulator's routes: ``/cgi-bin/`` and ``/_emulator/wecom/``."""
        bp = Blueprint("wecom", __name__)
        bp.register_blueprint(api_blueprint(self))
        bp.register_blueprint(control_blueprint(self))
        bp.register_blueprint(oauth.pages_blueprint(self))  # /connect/oauth2/authorize, /wwlogin/sso/login
        return bp

    @property
    def aibot_longconn(self) -> bool:
        """Whether the smart bot runs in long-connection mode (WECOM_AIBOT_SECRET is set): then
        people's messages and clicks to it are pushed over the WebSocket, not POSTed."""
        return bool(self.aibot_secret)

    def serve_longconn(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start the long-connection WebSocket server; returns its ``ws://`` URL (``ws_url``)."""
        if self.longconn is None:
            self.longconn = LongConnServer(self, host, port).start()
            self.ws_url = self.longconn.url
        return self.ws_url

    def task_taken(self, channel: str, task_id: str | None, data: dict) -> bool:
        """Whether ``task_id`` was used before on ``channel``: ``task_id_reuse`` "refuse" raises
        WeComError 42014 ("taskid has existed or empty or exceed max len"); "drop" notes the message
        in ``dropped`` and returns True (answered 0, not delivered: the field report of gaps-addendum §2)."""
        if not task_id or not self.records.task_used(channel, task_id):
            return False
        if self.task_id_reuse != DROP:
            raise WeComError(errcodes.INVALID_TASK_ID, "task_id has existed")
        self.records.drop("task_id reused", data)
        return True

    # --- acting as people ---------------------------------------------------------------
    def act_as(self, userid: str) -> Person:
        """A person who sends, @-mentions and clicks through real callbacks."""
        return Person(self.actor, userid)

    def verify_url(self, target: str = "app", echo: str | None = None) -> Delivery:
        """Send the URL-verification GET to the app ("app") or the smart bot ("aibot")."""
        return self.actor.verify_url(target, echo)

    # --- records ------------------------------------------------------------------------
    def messages_for_user(self, userid: str) -> list[dict]:
        """What the app and the smart bot sent ``userid`` 1:1, oldest first (cards as now shown)."""
        return self.records.messages("user", [userid], exclude_people=True)

    def chat_with_user(self, userid: str) -> list[dict]:
        """Both sides of ``userid``'s 1:1 chats with the app and the smart bot."""
        return self.records.messages("user", [userid])

    def messages_for_group(self, group: str) -> list[dict]:
        """What the robots and the app posted in a group: by webhook key, chatid or group name."""
        return self.records.messages("group", self.group_keys(group), exclude_people=True)

    def media_for_user(self, userid: str) -> list[tuple[str, str, bytes]]:
        """(msgtype, name, bytes) of each picture and file the app sent ``userid``, oldest first."""
        return media_msgs.received(self.media, self.messages_for_user(userid))

    def media_in_group(self, group: str) -> list[tuple[str, str, bytes]]:
        """(msgtype, name, bytes) of each picture and file posted in a group, oldest first."""
        return media_msgs.received(self.media, self.messages_for_group(group))

    def chat_in_group(self, group: str) -> list[dict]:
        """Everything in a group, people's @-mentions included."""
        return self.records.messages("group", self.group_keys(group))

    def cards_for_user(self, userid: str) -> list[dict]:
        """The cards ``userid`` holds, each in its current state."""
        return self.records.cards_for(userid)

    def card_for_user(self, userid: str, task_id: str) -> dict | None:
        """The card ``task_id`` as ``userid`` sees it now, or None."""
        return next((c for c in self.cards_for_user(userid) if c["task_id"] == task_id), None)

    @property
    def dropped(self) -> list[dict]:
        """Messages WeCom accepted but did not deliver (duplicates, reused task ids)."""
        return list(self.records.dropped)

    def group_keys(self, group: str) -> list[str]:
        """The chat keys a group id or group name stands for."""
        d = self.directory
        names = {**d.wecom_hooks, **d.wecom_aibot_chats, **{k: v["name"] for k, v in self.appchats.items()}}
        if group in names:
            return [group]
        return [key for key, name in names.items() if name == group] or [group]

    # --- control ------------------------------------------------------------------------
    def expire_tokens(self) -> None:
        """Expire every access token now (next use: 42001)."""
        self.tokens.expire_all()

    def revoke_tokens(self) -> None:
        """Revoke every access token now (next use: 40014)."""
        self.tokens.revoke_all()

    def advance_time(self, seconds: float) -> None:
        """Move emulated time forward: tokens, response codes and duplicate checks age."""
        self.clock.advance(seconds)

    def inject_fault(self, kind: str, value: float, count: int | None = None, path: str = "") -> Fault:
        """Inject ``errcode`` (e.g. 45009), ``http`` (e.g. 503) or ``delay`` (seconds) faults."""
        return self.faults.inject(kind, value, count, path)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.faults.clear()

    def reset(self) -> None:
        """Forget messages, cards, tokens, codes, faults, chats and logs (configuration stays)."""
        self.records.reset()
        self.tokens.reset()
        self.faults.clear()
        self.response_codes.reset()
        self.response_urls.reset()
        self.messaging.reset()
        self.robots.reset()
        self.appchats.clear()
        self.media.reset()
        self.oauth.reset()
        self.api_calls.clear()
        self.deliveries.clear()
        self.clock.offset = 0.0
        self.task_id_reuse = REFUSE
        self.response_codes.used_code = self.response_urls.used_code = errcodes.CODE_USED
        if self.longconn is not None:
            self.longconn.reset()
