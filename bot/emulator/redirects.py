"""Where an identity provider may send a browser back to (the board's sign-in, issue 26): both emulators check a
``redirect_uri`` the same way — WeCom against the app's trusted domain (可信域名), DingTalk against the app's
redirect URL (回调域名) — so the check lives here once.

By default the trusted places are the host and port of ``PUBLIC_BASE_URL`` and of the bot's URL the emulator was
told; a list set on the emulator replaces them (an entry without a port allows any port of that host)."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["default_places", "is_trusted"]


def default_places(public_base_url: str, bot_url: str) -> list[str]:
    """The ``host[:port]`` of each URL given, lower case, once each, in order."""
    found: list[str] = []
    for url in (public_base_url, bot_url):
        netloc = urlsplit(url).netloc.lower() if url else ""
        if netloc and netloc not in found:
            found.append(netloc)
    return found


def is_trusted(redirect_uri: str, places: list[str]) -> bool:
    """Whether ``redirect_uri`` is an http(s) URL on one of ``places`` (``host`` or ``host:port``)."""
    parts = urlsplit(redirect_uri or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    netloc, host = parts.netloc.lower().rsplit("@", 1)[-1], parts.hostname.lower()
    return any(p == netloc or (":" not in p and p == host) for p in places)
