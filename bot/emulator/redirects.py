"""Where an identity provider may send a browser back to (the board's sign-in, issue 26): both emulators check a
``redirect_uri`` the same way — WeCom against the app's trusted domain (可信域名), DingTalk against the app's
redirect URL (回调域名) — so the check lives here once, and so
does the URL the browser lands on (``sent_back``).

By default the trusted places are the host and port of ``PUBLIC_BASE_URL`` and of the bot's URL the emulator was
told; a list set on the emulator replaces them (an entry without a port allows any port of that host)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["is_trusted", "places", "sent_back"]


def places(configured: list[str] | None, public_base_url: str, bot_url: str) -> list[str]:
    """The ``host[:port]`` places a redirect may go to, lower case: those ``configured`` (a list set on the
    emulator), else those of each URL given, once each, in order."""
    if configured is not None:
        return [place.lower() for place in configured]
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


def sent_back(redirect_uri: str, extra: list[tuple[str, str]]) -> str:
    """``redirect_uri`` with ``extra`` added to its query (its fragment dropped): where a sign-in lands."""
    parts = urlsplit(redirect_uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
