"""The board's session cookie and CSRF tokens (bot/board/session.py): signed, expiring on the caller's clock,
HttpOnly, SameSite=Lax, Secure over https; a forged, tampered or expired cookie is no session."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from flask import Flask, Response, request
from werkzeug.exceptions import BadRequest

from bot.board.session import (CSRF_COOKIE, SESSION_COOKIE, LIFETIME, SignedIn, check_csrf, csrf_token,
                               keep_csrf_cookie, sign_in, sign_out, signed_in)

SECRET = "s3cret"
T0 = datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc)
app = Flask("session-test")


def cookie_value(response: Response, name: str = SESSION_COOKIE) -> str:
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))
    return header.split(";")[0].split("=", 1)[1]


def signed_cookie(person="p-li", via="wecom", now=T0, secure=False, secret=SECRET) -> tuple[str, str]:
    response = Response()
    sign_in(response, secret, person, via, now, secure)
    return cookie_value(response), response.headers["Set-Cookie"]


def test_the_cookie_reads_back_until_it_expires():
    value, header = signed_cookie()
    assert SESSION_COOKIE == "yq_board" and LIFETIME == timedelta(hours=12)
    with app.test_request_context(headers={"Cookie": f"yq_board={value}"}):
        assert signed_in(request, SECRET, T0 + timedelta(hours=11, minutes=59)) == SignedIn(
            "p-li", "wecom", T0 + LIFETIME)
        assert signed_in(request, SECRET, T0 + LIFETIME) is None  # expired on the caller's clock
        assert signed_in(request, "another secret", T0) is None  # signed with another key


def test_the_cookie_flags():
    _, header = signed_cookie()
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/board" in header
    assert "Max-Age=43200" in header and "Secure" not in header
    _, secure = signed_cookie(secure=True)
    assert "Secure" in secure


@pytest.mark.parametrize("forged", ["", "garbage", "eyJwZXJzb24iOiJwLXpoYW8ifQ.AAAA"])
def test_forged_or_tampered_cookies_are_no_session(forged):
    value, _ = signed_cookie()
    payload, _, sig = value.rpartition(".")
    for cookie in (forged, payload.replace("A", "B", 1) + "." + sig, value[:-2] + "xx"):
        with app.test_request_context(headers={"Cookie": f"yq_board={cookie}"}):
            assert signed_in(request, SECRET, T0) is None


def test_sign_out_clears_the_cookie():
    response = Response()
    sign_out(response)
    header = response.headers["Set-Cookie"]
    assert header.startswith("yq_board=;") and "Path=/board" in header and "Max-Age=0" in header


def test_csrf_bound_to_the_session():
    value, _ = signed_cookie()
    with app.test_request_context(headers={"Cookie": f"yq_board={value}"}):
        token = csrf_token(request, SECRET)
    with app.test_request_context(method="POST", data={"csrf_token": token}, headers={"Cookie": f"yq_board={value}"}):
        check_csrf(request, SECRET)
    other, _ = signed_cookie()  # another session (another sid): the token does not fit it
    for data, cookie in (({"csrf_token": token}, other), ({}, value), ({"csrf_token": "0" * 64}, value),
                         ({"csrf_token": token}, "")):
        with app.test_request_context(method="POST", data=data, headers={"Cookie": f"yq_board={cookie}"}):
            with pytest.raises(BadRequest):
                check_csrf(request, SECRET)


def test_csrf_before_sign_in_uses_its_own_cookie():
    with app.test_request_context():
        token = csrf_token(request, SECRET)
        response = Response()
        keep_csrf_cookie(request, response, False)
        nonce = cookie_value(response, CSRF_COOKIE)
    cookie = {"Cookie": f"{CSRF_COOKIE}={nonce}"}
    with app.test_request_context(method="POST", data={"csrf_token": token}, headers=cookie):
        check_csrf(request, SECRET)
    with app.test_request_context(method="POST", data={"csrf_token": token}):  # the cookie never came back
        with pytest.raises(BadRequest):
            check_csrf(request, SECRET)
