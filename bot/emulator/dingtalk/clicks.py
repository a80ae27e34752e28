"""Acting as a person who clicks a button on an interactive card.

Owns: the card callback body (``actionCallback`` with ``cardPrivateData`` actionIds/params) in each
form ``ClickForm`` names, its ``x-ddpaas-signature`` headers, the 2-second answer budget, and applying
the card update the bot returns in its answer (``cardData``, ``userPrivateData``, ``cardUpdateOptions``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.emulator.dingtalk.actor import oto_conversation_id
from bot.emulator.dingtalk.card_api import string_map
from bot.emulator.dingtalk.errors import ApiError, EmulatorUsageError
from bot.emulator.dingtalk.records import Delivery
from bot.emulator.dingtalk.signing import card_signature

__all__ = ["CardClicker", "ClickForm", "CARRIERS", "SPACE_TYPES"]

CARRIERS = ("both", "content", "value")
SPACE_TYPES = ("im", "typed")


@dataclass(frozen=True)
class ClickForm:
    """The shape of a click's callback body. The default is the documented one (gaps-addendum.md §3.1,
    dingtalk.md §3.2); each field is a reading the pages leave open.

    ``loop_index``: the ``actionId`` arrives with the button's index in ``btns`` appended (``case.ack0``), as a
    Loop component may do. ``params_beside``: ``params`` beside ``cardPrivateData`` instead of inside it.
    ``carrier``: the JSON in ``content`` and ``value`` (both), or in one of them. ``space``: ``spaceType``
    and ``spaceId`` sent at all. ``space_type``: ``"im"`` for every chat, or ``"typed"``
    (``IM_GROUP``/``IM_SINGLE``). ``one_to_one_cid``: a 1:1 click's ``spaceId`` is the chat's ``cid…``
    conversation id, not the clicker's userid.
    """

    loop_index: bool = False
    params_beside: bool = False
    carrier: str = "both"
    space: bool = True
    space_type: str = "im"
    one_to_one_cid: bool = False

    def __post_init__(self) -> None:
        if self.carrier not in CARRIERS or self.space_type not in SPACE_TYPES:
            raise ValueError(f"carrier must be one of {CARRIERS}, space_type one of {SPACE_TYPES}")


class CardClicker:
    """Sends card button clicks to the URL registered for the card's ``callbackRouteKey``."""

    def __init__(self, emu) -> None:
        self.emu = emu

    def click(self, userid: str, out_track_id: str, action_id: str, form: ClickForm | None = None) -> Delivery:
        """Click the button ``action_id`` (as the card shows it) as ``userid``, the body shaped by ``form``
        (default: the emulator's ``click_form``); returns the delivery with its attempt.

        Raises EmulatorUsageError when the card does not exist, the person cannot see it, or
        the button is not on the card as this person sees it.
        """
        emu = self.emu
        card = emu.cards.get(out_track_id)
        if card is None:
            raise EmulatorUsageError(f"no card {out_track_id!r}")
        if userid not in emu.cards.viewers(card):
            raise EmulatorUsageError(f"{userid!r} cannot see card {out_track_id!r}")
        shown = card.view(userid)["buttons"]
        index = next((n for n, b in enumerate(shown)
                      if b["type"] == "sendCardRequest" and b["action_id"] == action_id), None)
        if index is None:
            raise EmulatorUsageError(f"card {out_track_id!r} shows {userid!r} no button {action_id!r}")
        delivery = Delivery("card", f"{out_track_id}/{userid}/{action_id}", "",
                            self.body(card, userid, action_id, shown[index]["params"], form, index))
        emu.records.add_delivery(delivery)
        route = emu.card_route(card.route_key) if card.callback_type == "HTTP" else None
        if route is None:
            delivery.notes.append("not delivered: the card has no registered HTTP callback route")
            delivery.done = True
            return delivery
        delivery.url = route["callbackUrl"]
        self._send(delivery, card, userid, route.get("apiSecret", ""))
        return delivery

    def body(self, card, userid: str, action_id: str, params: dict, form: ClickForm | None = None,
             index: int = 0) -> dict:
        """The callback body for one click on the button at ``index`` of ``btns``, in ``form``."""
        form = form or self.emu.click_form
        private: dict = {"actionIds": [f"{action_id}{index}" if form.loop_index else action_id]}
        data: dict = {"cardPrivateData": private}
        (data if form.params_beside else private)["params"] = params
        content = json.dumps(data, ensure_ascii=False)
        body: dict = {"type": "actionCallback", "outTrackId": card.out_track_id, "corpId": self.emu.corp_id,
                      "userId": userid, "userIdType": 1}
        if form.space:
            groups = [g for g in card.groups() if userid in self.emu.group_members(g)]
            one_to_one = oto_conversation_id(self.emu.app_key, userid) if form.one_to_one_cid else userid
            typed = "IM_GROUP" if groups else "IM_SINGLE"
            body.update(spaceType=typed if form.space_type == "typed" else "im",
                        spaceId=groups[0] if groups else one_to_one)
        body["extension"] = "{}"
        body.update({name: content for name in ("content", "value") if form.carrier in (name, "both")})
        return body

    def _send(self, delivery: Delivery, card, userid: str, secret: str) -> None:
        emu = self.emu
        ts = str(int(emu.now() * 1000))
        headers = {}
        if secret:
            headers = {"x-ddpaas-signature-timestamp": ts, "x-ddpaas-signature": card_signature(secret, ts)}
        attempt, resp = emu.courier.post(delivery, headers, emu.card_callback_timeout)
        delivery.done = True
        if resp is None or not delivery.answered or not resp.text.strip():
            return
        try:
            self._apply(card, userid, json.loads(resp.text))
        except (ValueError, ApiError) as exc:
            delivery.notes.append(f"card not updated: answer rejected ({exc})")

    def _apply(self, card, userid: str, answer) -> None:
        """Apply ``cardData`` and ``userPrivateData`` from the bot's answer."""
        if not isinstance(answer, dict):
            raise ValueError("answer is not a JSON object")
        opts = answer.get("cardUpdateOptions") or {}
        public = answer.get("cardData")
        private = answer.get("userPrivateData")
        if not public and not private:
            return
        public_map = string_map(public.get("cardParamMap")) if isinstance(public, dict) else None
        private_map = ({userid: string_map(private.get("cardParamMap"))}
                       if isinstance(private, dict) else None)
        self.emu.cards.update(card, public_map, private_map, bool(opts.get("updateCardDataByKey")),
                              bool(opts.get("updatePrivateDataByKey")), f"callback:{userid}")
