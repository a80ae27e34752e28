"""The console's client of the emulators' JSON control endpoints (``/_emulator/wecom/…`` and
``/_emulator/dingtalk/…``): reading what each chat holds, and acting as a person.

Acting goes through the emulators, which send the real signed (and, for WeCom, encrypted)
callbacks to the bot; the console never calls a handler. Only the stdlib's HTTP client is used,
so the emulators may run in this process (``yuqing demo``) or elsewhere (``yuqing emulator``).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import quote, unquote, urlencode

log = logging.getLogger(__name__)

__all__ = ["EmulatorControl", "EmulatorUnavailable", "ActRefused"]

READ_TIMEOUT = 5.0
ACT_TIMEOUT = 30.0  # an act waits for the bot's answer, which WeCom may retry (3 × 5 s)


class EmulatorUnavailable(Exception):
    """The emulator did not answer (not running, wrong address, timeout)."""


class ActRefused(Exception):
    """The emulator refused an act no real person could do (400 with its reason)."""


class EmulatorControl:
    """The control endpoints of the emulator server at ``base_url``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    # --- WeCom -----------------------------------------------------------------------------------
    def wecom_directory(self) -> dict:
        """People, webhooks, smart-bot chats, app chats and group members."""
        return self._get("/_emulator/wecom/directory")

    def wecom_user_chat(self, userid: str) -> list[dict]:
        """Both sides of a person's 1:1 chats with the app and the smart bot."""
        return self._get(f"/_emulator/wecom/users/{quote(userid, safe='')}/messages?all=1")

    def wecom_user_cards(self, userid: str) -> list[dict]:
        """The cards a person holds (1:1 and in groups), each as they see it now, with its live keys."""
        return self._get(f"/_emulator/wecom/users/{quote(userid, safe='')}/cards")

    def wecom_group_chat(self, group: str) -> list[dict]:
        """A group's messages (robots', app's and people's @-mentions); ``group`` may be its name."""
        return self._get(f"/_emulator/wecom/groups/{quote(group, safe='')}/messages?all=1")

    def wecom_act(self, userid: str, action: str, **fields) -> dict:
        """Act as ``userid``: text, link, mention (chatid, content), bot_text or click (task_id, key)."""
        return self._post("/_emulator/wecom/act", {"userid": userid, "action": action, **fields})

    # --- DingTalk --------------------------------------------------------------------------------
    def dingtalk_directory(self) -> dict:
        """People, groups and group members."""
        return self._get("/_emulator/dingtalk/directory")

    def dingtalk_user_chat(self, userid: str) -> list[dict]:
        """A person's 1:1 chat with the robot and their work notices, both directions."""
        return self._get(f"/_emulator/dingtalk/users/{quote(userid, safe='')}/messages")

    def dingtalk_group_chat(self, cid: str) -> list[dict]:
        """A group chat, both directions."""
        return self._get(f"/_emulator/dingtalk/groups/{quote(cid, safe='')}/messages")

    def dingtalk_card(self, out_track_id: str, userid: str) -> dict | None:
        """The card as ``userid`` sees it now (its ``view``), or None when the emulator has no such card."""
        try:
            return self._get(f"/_emulator/dingtalk/cards/{quote(out_track_id, safe='')}?"
                             + urlencode({"user": userid}))
        except ActRefused:
            return None

    def dingtalk_say(self, userid: str, text: str, group: str | None = None, at_bot: bool = True) -> dict | None:
        """A person writes 1:1 or into ``group`` (@-mentioning the robot unless ``at_bot`` is False)."""
        body = {"user": userid, "text": text, "at_bot": at_bot}
        if group:
            body["group"] = group
        return self._post("/_emulator/dingtalk/act/say", body)

    def dingtalk_click(self, userid: str, out_track_id: str, action_id: str) -> dict:
        """A person clicks a card button."""
        return self._post("/_emulator/dingtalk/act/click",
                          {"user": userid, "outTrackId": out_track_id, "actionId": action_id})

    # --- media the bot sent (both platforms) -------------------------------------------------------
    def media_info(self, platform: str, media_id: str) -> dict | None:
        """``{name, type, size, content_type}`` of a media the bot uploaded on ``platform`` (wecom|dingtalk),
        or None when the emulator no longer keeps it."""
        try:
            return self._get(f"/_emulator/{_platform(platform)}/media/{quote(media_id, safe='')}")
        except ActRefused:
            return None

    def media_content(self, platform: str, media_id: str) -> tuple[bytes, str, str] | None:
        """The bytes, content type and name of a media the bot uploaded, or None when the emulator no longer
        keeps it; raises EmulatorUnavailable."""
        path = f"/_emulator/{_platform(platform)}/media/{quote(media_id, safe='')}/content"
        try:
            return self._call(urllib.request.Request(self.base_url + path), READ_TIMEOUT, _download)
        except ActRefused:
            return None

    # --- transport -------------------------------------------------------------------------------
    def _get(self, path: str):
        return self._call(urllib.request.Request(self.base_url + path), READ_TIMEOUT)

    def _post(self, path: str, body: dict):
        data = json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        return self._call(request, ACT_TIMEOUT)

    def _call(self, request: urllib.request.Request, timeout: float, read=None):
        """JSON of a 2xx answer (or what ``read`` makes of it); raises ActRefused for a 4xx, EmulatorUnavailable
        otherwise."""
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return read(response) if read else json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            detail = _error_text(err)
            if 400 <= err.code < 500:
                raise ActRefused(detail) from None
            raise EmulatorUnavailable(f"HTTP {err.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as err:
            log.warning("console: the emulator at %s did not answer: %s", self.base_url, err)
            raise EmulatorUnavailable(str(err)) from None


def _platform(name: str) -> str:
    if name not in ("wecom", "dingtalk"):
        raise ValueError(f"unknown platform {name!r}")
    return name


def _download(response) -> tuple[bytes, str, str]:
    """A media's bytes, type and name (WeCom's ``filename="<percent-encoded>"``, DingTalk's ``filename*=``)."""
    headers = response.headers
    name = headers.get_filename() or ""
    if "filename*=" not in (headers.get("Content-Disposition") or ""):
        name = unquote(name)
    return response.read(), headers.get_content_type(), name


def _error_text(err: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(err.read() or b"{}")
    except ValueError:
        return f"HTTP {err.code}"
    return str(body.get("error") or body) if isinstance(body, dict) else str(body)
