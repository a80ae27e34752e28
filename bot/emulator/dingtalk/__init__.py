"""The DingTalk emulator: a strict local stand-in for DingTalk's servers.

Exports ``DingTalkEmulator``. It serves the old API (``/gettoken``, ``/topapi/…``,
``/robot/sendBySession``) and the new one (``/v1.0/…``), records every message and card,
injects faults, and acts as any person of the org file through real signed callbacks.
See docs/emulator-dingtalk.md. Independent of ``bot.platforms`` on purpose.
"""

from __future__ import annotations

import threading
import time
from typing import Mapping

from flask import Blueprint

from bot.emulator.directory import Directory
from bot.emulator.dingtalk import api, control, oapi, oauth, oauth_login
from bot.emulator.dingtalk.actor import RobotActor
from bot.emulator.dingtalk.files import FileBook
from bot.emulator.dingtalk.cards import CardBook, CardInstance
from bot.emulator.dingtalk.clicks import CardClicker, ClickForm
from bot.emulator.dingtalk.courier import Courier
from bot.emulator.dingtalk.errors import EmulatorUsageError
from bot.emulator.dingtalk.events import EventPusher
from bot.emulator.dingtalk.faults import Fault, FaultBook
from bot.emulator.dingtalk.media import MediaBook
from bot.emulator.dingtalk.notices import NoticeBook
from bot.emulator.dingtalk.quota import RateLimit
from bot.emulator.dingtalk.records import Delivery, Message, Records
from bot.emulator.dingtalk.sessions import SessionBook
from bot.emulator.dingtalk.tokens import TokenStore

__all__ = ["DingTalkEmulator", "EmulatorUsageError", "Message", "Delivery", "CardInstance", "Fault", "ClickForm"]


class DingTalkEmulator:
    """DingTalk's servers for one app, knowing the org file's people and groups.

    Timing attributes (seconds) tests may shorten: ``robot_timeout``, ``robot_redeliver_after``,
    ``card_callback_timeout``, ``check_url_timeout``, ``event_timeout``, ``event_retry_delays``;
    ``robot_answers_lost``: the next so many answers of the bot to robot callbacks come too late for DingTalk
    (recorded as timed out, the message redelivered) — a timeout on demand, not a race against a tiny read timeout.
    ``now`` is the clock (epoch seconds) used for tokens, sessions and signatures.

    Switches for the readings DingTalk's pages leave open (default: the documented one; ``reset()``
    restores them): ``card_reuse`` — a reused ``outTrackId`` is ``"refuse"``d with 400
    ``param.cardAlreadyExist`` or ``"ignore"``d (200, the first result, nothing changes);
    ``own_track_ids`` — createAndDeliver names the card by an id of its own in ``result.outTrackId``;
    ``robot_filtered`` — people ``batchSend`` lists in ``filteredStaffIdList`` (not delivered);
    ``click_form`` — the shape of a click's callback body (``clicks.ClickForm``);
    ``long_card_values`` — a ``cardParamMap`` value over 1 KB is ``"refuse"``d (400 ``param.invalid``, the
    emulator's assumption: no code is documented) or ``"accept"``ed and only listed in the card's problems.
    """

    def __init__(self, env: Mapping[str, str], directory: Directory) -> None:
        self.env = dict(env)
        self.directory = directory
        self.base_url = ""
        self.bot_url = ""
        self.now = time.time
        self.corp_id = self.env.get("DINGTALK_CORP_ID", "dingemulatorcorp0001")
        self.robot_timeout = 2.0
        self.robot_redeliver_after = 60.0
        self.robot_max_attempts = 2
        self.robot_answers_lost = 0
        self.card_callback_timeout = 2.0
        self.check_url_timeout = 1.5
        self.event_timeout = 2.5
        self.event_retry_delays: tuple[float, ...] = (10.0, 30.0)
        self.default_switches()
        self._lock = threading.Lock()
        self.tokens = TokenStore(lambda: self.now())
        self.sessions = SessionBook(lambda: self.now())
        self.faults = FaultBook(lambda: self.now())
        self.rate = RateLimit(lambda: self.now())
        self.records = Records()
        self.cards = CardBook(self.group_members)
        self.notices = NoticeBook()
        self.files = FileBook(lambda: self.now())
        self.media = MediaBook(lambda: self.now())
        self.courier = Courier()
        self.oauth = oauth.OAuthBook(self)  # sign-in: codes, user tokens, the person in the client
        self._card_routes: dict[str, dict] = {}
        self._robot, self._clicker, self._events = RobotActor(self), CardClicker(self), EventPusher(self)
        self._preregister_route()

    # credentials, under the bot's variable names
    app_key = property(lambda self: self.env.get("DINGTALK_APP_KEY", ""))
    app_secret = property(lambda self: self.env.get("DINGTALK_APP_SECRET", ""))
    robot_code = property(lambda self: self.env.get("DINGTALK_ROBOT_CODE") or self.app_key)
    agent_id = property(lambda self: str(self.env.get("DINGTALK_AGENT_ID", "")))
    card_template_id = property(lambda self: self.env.get("DINGTALK_CARD_TEMPLATE_ID", ""))
    event_token = property(lambda self: self.env.get("DINGTALK_TOKEN", ""))
    event_aes_key = property(lambda self: self.env.get("DINGTALK_AES_KEY", ""))

    @property
    def qps_limit(self) -> int | None:
        """Calls a second allowed per API (None: unlimited; the real standard org allows 20)."""
        return self.rate.limit

    @qps_limit.setter
    def qps_limit(self, value: int | None) -> None:
        self.rate.limit = value

    def blueprint(self) -> Blueprint:
        """The Flask blueprint of every DingTalk route and the control endpoints."""
        bp = Blueprint("dingtalk", __name__)
        for child in (oapi.build(self), api.build(self), control.build(self), oauth_login.pages(self)):
            bp.register_blueprint(child)
        return bp

    def group_members(self, cid: str) -> list[str]:
        """The DingTalk user ids in a group (empty for an unknown group)."""
        if cid not in self.directory.dingtalk_groups:
            return []
        return list(self.directory.group_members.get(cid, []))

    # records
    def messages_for_user(self, userid: str, include_inbound: bool = False) -> list[Message]:
        """What the bot sent into this person's 1:1 chat and work notices (and what they said)."""
        return self.records.for_user(userid, include_inbound)

    def messages_for_group(self, cid: str, include_inbound: bool = False) -> list[Message]:
        """What the bot sent into a group (and what people said there)."""
        return self.records.for_group(cid, include_inbound)

    def card(self, out_track_id: str) -> CardInstance | None:
        """The card with this ``outTrackId`` as it stands now, or None."""
        return self.cards.get(out_track_id)

    def card_view(self, out_track_id: str, userid: str) -> dict:
        """The card as this person sees it; raises EmulatorUsageError if they cannot see it."""
        card = self.cards.get(out_track_id)
        if card is None or userid not in self.cards.viewers(card):
            raise EmulatorUsageError(f"{userid!r} cannot see card {out_track_id!r}")
        return card.view(userid)

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        """Callbacks sent to the bot (kind: robot, card, event) with their attempts."""
        return self.records.deliveries_of(kind)

    # acting as people
    def say(self, userid: str, text: str, group: str | None = None, at_bot: bool = True,
            msgtype: str = "text") -> Delivery | None:
        """A message from a person: into ``group`` (@-mentioning the robot unless told not) or 1:1."""
        return self._robot.say(userid, text, group, at_bot, msgtype)

    def say_in_group(self, userid: str, cid: str, text: str, at_bot: bool = True) -> Delivery | None:
        """A group message; the robot is told only when it is @-mentioned."""
        return self._robot.say(userid, text, cid, at_bot)

    def say_to_bot(self, userid: str, text: str = "", msgtype: str = "text", data: bytes = b"",
                   name: str = "") -> Delivery:
        """A message in the person's 1:1 chat with the robot: ``text`` / ``richText`` (with ``data``: the
        text and a picture), or ``picture``, ``file`` (``name``), ``video``, ``audio`` (``text`` = the
        recognition) carrying ``data`` under a fresh downloadCode."""
        return self._robot.say(userid, text, None, True, msgtype, data, name)

    def send_picture(self, userid: str, data: bytes = b"\xff\xd8\xffemulated-jpeg", group: str | None = None
                     ) -> Delivery | None:
        """A picture 1:1, or into ``group`` @-mentioning the robot (pictures are the only media a robot
        receives in a group)."""
        return self._robot.say(userid, "", group, True, "picture", data)

    def click(self, userid: str, out_track_id: str, action_id: str, form: ClickForm | None = None) -> Delivery:
        """A person clicks a callback button (its callback body shaped by ``form``, default ``click_form``);
        raises EmulatorUsageError for an impossible click."""
        return self._clicker.click(userid, out_track_id, action_id, form)

    def check_url(self, signature_param: str = "msg_signature") -> Delivery:
        """The event subscription's URL check; ``delivery.answered`` tells if the bot passed."""
        return self._events.check_url(signature_param)

    def push_event(self, event: dict, signature_param: str = "msg_signature") -> Delivery:
        """Push one encrypted event, retried as DingTalk does when not answered."""
        return self._events.push(event, signature_param)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no redelivery is pending; False if some still is after ``timeout``."""
        return self.courier.wait_idle(timeout)

    # control
    def register_card_route(self, key: str, url: str, secret: str, force: bool) -> dict:
        """Register a card callback route; an existing one is kept unless ``force``."""
        with self._lock:
            if key not in self._card_routes or force:
                self._card_routes[key] = {"callbackUrl": url, "apiSecret": secret}
            return dict(self._card_routes[key])

    def card_route(self, key: str) -> dict | None:
        """The registration of a route key (the preregistered one follows ``bot_url``)."""
        with self._lock:
            route = self._card_routes.get(key)
        if route and route["callbackUrl"] is None:
            return {**route, "callbackUrl": f"{self.bot_url}/dingtalk/card"}
        return dict(route) if route else None

    def inject(self, kind: str, family: str = "all", count: int | None = None, path: str = "",
               seconds: float = 0.0, status: int = 500, duration: float | None = None) -> Fault:
        """Inject a fault (throttle, server_error, slow) for ``count`` calls and/or ``duration``
        seconds of the emulator's clock, or until cleared; raises ValueError when unknown."""
        return self.faults.add(kind, family, count, path, seconds, status, duration)

    def expire_tokens(self) -> int:
        """Expire every issued token now; returns how many were live."""
        return self.tokens.expire_all()

    def default_switches(self) -> None:
        """Every switch back to the documented reading."""
        self.card_reuse = "refuse"
        self.own_track_ids = False
        self.robot_filtered: set[str] = set()
        self.click_form = ClickForm()
        self.long_card_values = "refuse"

    def reset(self) -> None:
        """Forget every record, card, token, session, fault and pending redelivery; switches to defaults."""
        self.default_switches()
        self.robot_answers_lost = 0
        self.courier.cancel_all()
        for part in (self.tokens, self.sessions, self.faults, self.rate, self.records, self.cards, self.notices,
                     self.files, self.media, self.oauth):
            part.clear()
        with self._lock:
            self._card_routes.clear()
        self._preregister_route()

    def _preregister_route(self) -> None:
        """The bot's route key, as if ``yuqing dingtalk register-callback`` had run."""
        key = self.env.get("DINGTALK_CARD_ROUTE_KEY")
        if key:
            self._card_routes[key] = {"callbackUrl": None,
                                      "apiSecret": self.env.get("DINGTALK_CARD_CALLBACK_SECRET", "")}
