"""Registering our card callback route with DingTalk (``yuqing dingtalk register-callback``).

Owns: ``POST /v1.0/card/callbacks/register`` with ``callbackRouteKey`` = DINGTALK_CARD_ROUTE_KEY,
``callbackUrl`` = PUBLIC_BASE_URL + ``/dingtalk/card`` and ``apiSecret`` =
DINGTALK_CARD_CALLBACK_SECRET (so DingTalk signs every click with it), overwriting an older
registration of the same key (``forceUpdate``).
"""

from __future__ import annotations

from typing import Mapping

from bot.core.errors import ConfigError
from bot.platforms.dingtalk.client import DingTalkClient

__all__ = ["register_card_callback", "CARD_PATH"]

CARD_PATH = "/dingtalk/card"


def register_card_callback(config: Mapping[str, str], client: DingTalkClient | None = None) -> dict:
    """Register the route; returns DingTalk's ``result`` (callbackUrl, apiSecret masked by the caller).

    Raises ConfigError when a variable is missing and PlatformError when DingTalk refuses.
    """
    missing = [n for n in ("DINGTALK_APP_KEY", "DINGTALK_APP_SECRET", "DINGTALK_CARD_ROUTE_KEY",
                           "DINGTALK_CARD_CALLBACK_SECRET", "PUBLIC_BASE_URL") if not config.get(n)]
    if missing:
        raise ConfigError(f"register-callback needs {', '.join(missing)}")
    base = config["PUBLIC_BASE_URL"].rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise ConfigError("PUBLIC_BASE_URL must start with https:// (DingTalk calls it from the internet)")
    body = {"callbackRouteKey": config["DINGTALK_CARD_ROUTE_KEY"], "callbackUrl": base + CARD_PATH,
            "apiSecret": config["DINGTALK_CARD_CALLBACK_SECRET"], "forceUpdate": True}
    client = client or DingTalkClient(config)
    data = client.api("POST", "/v1.0/card/callbacks/register", body)
    result = data.get("result") if isinstance(data.get("result"), dict) else {}
    return {"callbackRouteKey": body["callbackRouteKey"], "callbackUrl": result.get("callbackUrl", body["callbackUrl"])}
