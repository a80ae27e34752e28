"""The encrypted event subscription (事件订阅, HTTP push) to ``{bot_url}/dingtalk/events``.

Owns: ``check_url`` (the console's "验证有效性"), pushing an event, checking that the bot answers
the encrypted ``success`` in time, and the documented retries (after 10 s, then 30 s).
"""

from __future__ import annotations

import secrets
import string

from bot.emulator.dingtalk.records import Delivery
from bot.emulator.dingtalk.signing import CryptoError, EventCrypto

__all__ = ["EventPusher"]

_ALNUM = string.ascii_letters + string.digits


class EventPusher:
    """Encrypts, signs and posts events; a reply counts only if it decrypts to ``success``."""

    def __init__(self, emu) -> None:
        self.emu = emu

    def crypto(self) -> EventCrypto:
        """The envelope crypto of this app (owner key = AppKey)."""
        return EventCrypto(self.emu.event_token, self.emu.event_aes_key, self.emu.app_key)

    def check_url(self, signature_param: str = "msg_signature") -> Delivery:
        """One ``{"EventType":"check_url"}`` push, within ``check_url_timeout``, never retried."""
        delivery = Delivery("event", "check_url", f"{self.emu.bot_url}/dingtalk/events", {"EventType": "check_url"})
        self.emu.records.add_delivery(delivery)
        self._attempt(delivery, signature_param, [], self.emu.check_url_timeout)
        return delivery

    def push(self, event: dict, signature_param: str = "msg_signature") -> Delivery:
        """Push one event; unanswered pushes are retried after ``event_retry_delays``."""
        delivery = Delivery("event", str(event.get("EventType", "")), f"{self.emu.bot_url}/dingtalk/events", event)
        self.emu.records.add_delivery(delivery)
        self._attempt(delivery, signature_param, list(self.emu.event_retry_delays), self.emu.event_timeout)
        return delivery

    def _attempt(self, delivery: Delivery, signature_param: str, delays: list[float], timeout: float) -> None:
        emu = self.emu
        crypto = self.crypto()
        ts, nonce = str(int(emu.now() * 1000)), "".join(secrets.choice(_ALNUM) for _ in range(16))
        body, signature = crypto.envelope(delivery.payload, ts, nonce)
        wire = Delivery(delivery.kind, delivery.key, delivery.url, body)
        attempt, resp = emu.courier.post(wire, {}, timeout,
                                         params={signature_param: signature, "timestamp": ts, "nonce": nonce})
        delivery.attempts.append(attempt)
        if resp is not None and attempt.status == 200:
            attempt.error = self._reply_error(crypto, resp)
        if delivery.answered or not delays:
            delivery.done = True
            return
        emu.courier.later(delays[0], lambda: self._attempt(delivery, signature_param, delays[1:], timeout))

    @staticmethod
    def _reply_error(crypto: EventCrypto, resp) -> str:
        """'' when the reply is the encrypted ``success``, else what is wrong with it."""
        try:
            plain = crypto.open_reply(resp.json())
        except (ValueError, CryptoError) as exc:
            return f"bad reply: {exc}"
        return "" if plain == "success" else f"bad reply: decrypted to {plain[:40]!r}"
