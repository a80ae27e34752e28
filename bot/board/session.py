"""The board's sign-in session and CSRF tokens (docs/board.md §Sessions).

A session is the cookie ``yq_board`` holding ``{person, via, exp, sid}`` signed with ``BOARD_SECRET_KEY``
(itsdangerous, which Flask ships): HttpOnly, SameSite=Lax, Secure when the request came over https, valid
12 hours. The expiry is inside the signed value and checked against the caller's clock, so tests inject
the time; a forged, tampered or expired cookie reads as no session.

CSRF: every form carries a hidden ``csrf_token`` — an HMAC of the session's random ``sid`` (or, before
sign-in, of the random nonce in the short cookie ``yq_board_csrf``) under the secret. ``check_csrf``
compares in constant time and raises a werkzeug ``BadRequest`` when it is missing or wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import BadRequest

SESSION_COOKIE = "yq_board"
CSRF_COOKIE = "yq_board_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
COOKIE_PATH = "/board"
LIFETIME = timedelta(hours=12)
_SALT = "yq-board-session"
_NONCE_KEY = "yq_board.csrf_nonce"  # request.environ key for a nonce minted on this request


@dataclass(frozen=True)
class SignedIn:
    person_id: str
    via: str
    expires: datetime


def serializer(secret: str, salt: str = _SALT) -> URLSafeSerializer:
    """The board's signer under ``BOARD_SECRET_KEY``; a distinct ``salt`` per use (the session's by default).
    Raises ValueError when the secret is empty."""
    if not secret:
        raise ValueError("BOARD_SECRET_KEY is empty")
    return URLSafeSerializer(secret, salt=salt)


def _payload(request, secret: str) -> dict | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = serializer(secret).loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("person"), str) or not isinstance(data.get("exp"), int):
        return None
    return data


def sign_in(response, secret: str, person_id: str, via: str, now: datetime, secure: bool) -> None:
    """Set the session cookie for ``person_id`` signed in ``via`` (wecom, dingtalk, token), valid 12 h from ``now``."""
    exp = int((now + LIFETIME).timestamp())
    value = serializer(secret).dumps({"person": person_id, "via": via, "exp": exp, "sid": secrets.token_urlsafe(16)})
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(LIFETIME.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )


def signed_in(request, secret: str, now: datetime) -> SignedIn | None:
    """The request's session, or None when there is none, it is forged/tampered, or it has expired at ``now``."""
    data = _payload(request, secret)
    if data is None:
        return None
    if data["exp"] <= int(now.timestamp()):
        return None
    tz = now.tzinfo or timezone.utc
    expires = datetime.fromtimestamp(data["exp"], tz)
    return SignedIn(person_id=data["person"], via=str(data.get("via", "")), expires=expires)


def sign_out(response) -> None:
    """Clear the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="Lax")


def _mac(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), b"csrf|" + nonce.encode(), hashlib.sha256).hexdigest()


def _nonces(request, secret: str) -> list[str]:
    """The nonces a token may be bound to: the session's sid, then the pre-sign-in cookie's, then one minted now."""
    found = []
    data = _payload(request, secret)
    if data and isinstance(data.get("sid"), str):
        found.append(data["sid"])
    pre = request.cookies.get(CSRF_COOKIE)
    if pre:
        found.append(pre)
    minted = request.environ.get(_NONCE_KEY)
    if minted:
        found.append(minted)
    return found


def csrf_token(request, secret: str) -> str:
    """The CSRF token for this request's forms. Before sign-in, mints a nonce that ``keep_csrf_cookie`` must store."""
    nonces = _nonces(request, secret)
    if not nonces:
        nonce = secrets.token_urlsafe(16)
        request.environ[_NONCE_KEY] = nonce
        nonces = [nonce]
    return _mac(secret, nonces[0])


def keep_csrf_cookie(request, response, secure: bool) -> None:
    """Store a nonce minted by ``csrf_token`` on this request (anonymous forms) in the short CSRF cookie."""
    minted = request.environ.get(_NONCE_KEY)
    if minted and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(
            CSRF_COOKIE, minted, max_age=3600, path=COOKIE_PATH, httponly=True, samesite="Lax", secure=secure
        )


def check_csrf(request, secret: str) -> None:
    """Raise BadRequest unless the form field (or header) carries this session's CSRF token."""
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if given:
        for nonce in _nonces(request, secret):
            if nonce == request.environ.get(_NONCE_KEY):
                continue  # a nonce minted on this very request was never sent in a form
            if hmac.compare_digest(given, _mac(secret, nonce)):
                return
    raise BadRequest("CSRF token missing or invalid")
