"""``POST /dingtalk/events``: the encrypted event subscription (事件订阅, HTTP push).

Owns: the signature check and decryption with dingtalk-sdk's ``DingTalkCrypto`` (token
DINGTALK_TOKEN, key DINGTALK_AES_KEY, owner key = DINGTALK_APP_KEY for an app-level
subscription), the query names DingTalk's docs disagree on (``msg_signature`` or ``signature``,
``timestamp`` or ``timeStamp``), and the answer every push needs: the encrypted ``success``.
``check_url`` is answered the same way. No event is enqueued yet: contact changes get a handler
with the org-sync issue; until then they are logged and acknowledged so DingTalk does not retry.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Mapping

from dingtalk.core.exceptions import InvalidCorpIdOrSuiteKeyException, InvalidSignatureException
from dingtalk.crypto import DingTalkCrypto

from bot.core.errors import ConfigError, PayloadError, SignatureError
from bot.platforms.base import Answer, RawRequest
from bot.platforms.dingtalk.inbound import DEDUP_TTL, PLATFORM, json_object

__all__ = ["EventCallback"]

log = logging.getLogger(__name__)


def _first(args: Mapping[str, str], *names: str) -> str:
    return next((args[n] for n in names if args.get(n)), "")


class EventCallback:
    """The encrypted event subscription; ``config`` holds DINGTALK_TOKEN, DINGTALK_AES_KEY, DINGTALK_APP_KEY."""

    platform = PLATFORM
    dedup_ttl = DEDUP_TTL

    def __init__(self, config: Mapping[str, str]) -> None:
        try:
            self.crypto = DingTalkCrypto(config["DINGTALK_TOKEN"], config["DINGTALK_AES_KEY"],
                                         config["DINGTALK_APP_KEY"])
        except (AssertionError, ValueError) as exc:
            raise ConfigError("DINGTALK_AES_KEY must be the 43-character key of the console") from exc

    def handle(self, request: RawRequest) -> Answer:
        """Verify, decrypt, answer the encrypted ``success``; raises SignatureError or PayloadError."""
        if request.method != "POST":
            raise PayloadError("the event subscription takes POST only", status=405)
        try:
            event = self.decrypt(request)
        except (SignatureError, PayloadError) as exc:
            log.warning("dingtalk event refused nonce=%s: %s", request.args.get("nonce", "-")[:40], exc)
            raise
        log.info("dingtalk event %s acknowledged", event.get("EventType", "?"))
        reply = self.crypto.encrypt_message("success")
        return Answer(status=200, body=json.dumps(reply), content_type="application/json; charset=utf-8")

    def decrypt(self, request: RawRequest) -> dict[str, Any]:
        """The decrypted event; raises SignatureError (not ours) or PayloadError (malformed)."""
        signature = _first(request.args, "msg_signature", "signature")
        timestamp = _first(request.args, "timestamp", "timeStamp")
        nonce = request.args.get("nonce", "")
        if not (signature and timestamp and nonce):
            raise SignatureError("event lacks msg_signature/signature, timestamp or nonce")
        encrypt = json_object(request.body).get("encrypt")
        if not isinstance(encrypt, str) or not encrypt:
            raise PayloadError("event body lacks encrypt")
        try:
            plain = self.crypto.decrypt_encrypt_str(signature, timestamp, nonce, encrypt)
        except InvalidSignatureException:
            raise SignatureError("event signature does not match DINGTALK_TOKEN") from None
        except InvalidCorpIdOrSuiteKeyException:
            raise SignatureError("event is for another app (owner key is not DINGTALK_APP_KEY)") from None
        except Exception as exc:  # noqa: BLE001 - any decryption failure of a signed body is a bad payload
            raise PayloadError(f"event does not decrypt ({type(exc).__name__})") from None
        try:
            data = json.loads(plain)
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            raise PayloadError("decrypted event is not JSON") from None
        if not isinstance(data, dict):
            raise PayloadError("decrypted event is not a JSON object")
        return data
