"""Acting as a person who clicks a button on an interactive card.

Owns: the card callback body (``actionCallback`` with ``cardPrivateData`` actionIds/params),
its ``x-ddpaas-signature`` headers, the 2-second answer budget, and applying the card update
the bot returns in its answer (``cardData``, ``userPrivateData``, ``cardUpdateOptions``).
"""

from __future__ import annotations

import json

from bot.emulator.dingtalk.card_api import string_map
from bot.emulator.dingtalk.errors import ApiError, EmulatorUsageError
from bot.emulator.dingtalk.records import Delivery
from bot.emulator.dingtalk.signing import card_signature

__all__ = ["CardClicker"]


class CardClicker:
    """Sends card button clicks to the URL registered for the card's ``callbackRouteKey``."""

    def __init__(self, emu) -> None:
        self.emu = emu

    def click(self, userid: str, out_track_id: str, action_id: str) -> Delivery:
        """Click the button ``action_id`` as ``userid``; returns the delivery with its attempt.

        Raises EmulatorUsageError when the card does not exist, the person cannot see it, or
        the button is not on the card as this person sees it.
        """
        emu = self.emu
        card = emu.cards.get(out_track_id)
        if card is None:
            raise EmulatorUsageError(f"no card {out_track_id!r}")
        if userid not in emu.cards.viewers(card):
            raise EmulatorUsageError(f"{userid!r} cannot see card {out_track_id!r}")
        button = next((b for b in card.view(userid)["buttons"]
                       if b["type"] == "sendCardRequest" and b["action_id"] == action_id), None)
        if button is None:
            raise EmulatorUsageError(f"card {out_track_id!r} shows {userid!r} no button {action_id!r}")
        delivery = Delivery("card", f"{out_track_id}/{userid}/{action_id}", "",
                            self.body(card, userid, action_id, button["params"]))
        emu.records.add_delivery(delivery)
        route = emu.card_route(card.route_key) if card.callback_type == "HTTP" else None
        if route is None:
            delivery.notes.append("not delivered: the card has no registered HTTP callback route")
            delivery.done = True
            return delivery
        delivery.url = route["callbackUrl"]
        self._send(delivery, card, userid, route.get("apiSecret", ""))
        return delivery

    def body(self, card, userid: str, action_id: str, params: dict) -> dict:
        """The callback body for one click."""
        content = json.dumps({"cardPrivateData": {"actionIds": [action_id], "params": params}},
                             ensure_ascii=False)
        groups = [g for g in card.groups() if userid in self.emu.group_members(g)]
        return {"type": "actionCallback", "outTrackId": card.out_track_id, "corpId": self.emu.corp_id,
                "userId": userid, "userIdType": 1, "spaceType": "im",
                "spaceId": groups[0] if groups else userid, "extension": "{}",
                "content": content, "value": content}

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
