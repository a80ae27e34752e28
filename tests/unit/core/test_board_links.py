"""The board's expiring download link (bot/core/board_links.py): it names its case and its expiry, reads back for
that case for 24 hours, and is refused when forged, altered, made under another key, or for another case."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.core import board_links
from bot.core.board_links import EXPIRED, FORGED, OTHER_CASE, export_link, read_export_link

SECRET = "board-links-test-secret"
NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
NUMBER = "YQ-2026-0001"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["t"][0]


def test_the_link_is_the_cases_download_address_with_a_token_naming_case_and_expiry():
    link = export_link("https://yuqing.example.gov.cn/", SECRET, NUMBER, NOW)
    parts = urlsplit(link)
    where = f"{parts.scheme}://{parts.netloc}{parts.path}"
    assert where == f"https://yuqing.example.gov.cn/board/cases/{NUMBER}/download"
    token = token_of(link)
    payload, mac = token.split(".")
    assert "=" not in token and len(mac) == 24  # 18 bytes of HMAC, base64url unpadded
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert data == {"n": NUMBER, "e": int((NOW + timedelta(hours=24)).timestamp())}
    assert parts.query == f"t={token}"  # nothing in it needs escaping in a query string


def test_it_reads_back_for_its_case_until_24_hours_have_passed():
    token = token_of(export_link("http://b", SECRET, NUMBER, NOW))
    for later in (NOW, NOW + timedelta(hours=23, minutes=59, seconds=59)):
        assert read_export_link(SECRET, NUMBER, token, later) is None
    assert read_export_link(SECRET, NUMBER.lower(), token, NOW) is None  # the board's number as typed
    assert read_export_link(SECRET, NUMBER, token, NOW + timedelta(hours=24)) == EXPIRED
    assert read_export_link(SECRET, NUMBER, token, NOW + timedelta(days=30)) == EXPIRED


def test_another_cases_link_is_refused():
    token = token_of(export_link("http://b", SECRET, "YQ-2026-0002", NOW))
    assert read_export_link(SECRET, NUMBER, token, NOW) == OTHER_CASE


def _forge(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("change", ["other key", "longer life", "mac cut", "mac altered", "no mac", "empty", "junk",
                                    "not ascii", "no dot"])
def test_a_forged_or_altered_token_is_refused(change):
    token = token_of(export_link("http://b", SECRET, NUMBER, NOW))
    payload, mac = token.split(".")
    forged = {
        "other key": token_of(export_link("http://b", "another-secret-key-123", NUMBER, NOW)),
        "longer life": _forge({"n": NUMBER, "e": int(NOW.timestamp()) + 10 ** 7}) + "." + mac,
        "mac cut": f"{payload}.{mac[:-2]}",
        "mac altered": f"{payload}.{('A' if mac[0] != 'A' else 'B')}{mac[1:]}",
        "no mac": payload,
        "empty": "",
        "junk": "....",
        "not ascii": f"{payload}.{mac[:-1]}é",
        "no dot": payload + mac,
    }[change]
    assert read_export_link(SECRET, NUMBER, forged, NOW) == FORGED


def test_a_signed_but_malformed_payload_is_forged():
    for body in (b"[1, 2]", b'{"n": "YQ-2026-0001", "e": "soon"}', b'{"n": 1, "e": 1}', b"\xff\xfe", b"{"):
        payload = board_links._b64(body)
        token = f"{payload}.{board_links._mac(SECRET, payload)}"
        assert read_export_link(SECRET, NUMBER, token, NOW) == FORGED, body


def test_the_mac_is_domain_separated_and_the_key_required():
    token = token_of(export_link("http://b", SECRET, NUMBER, NOW))
    payload, mac = token.split(".")
    plain = base64.urlsafe_b64encode(hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).digest()[:18])
    assert plain.rstrip(b"=").decode() != mac  # not the bare HMAC of the payload: a label goes first
    with pytest.raises(ValueError):
        export_link("http://b", "", NUMBER, NOW)
    assert read_export_link("", NUMBER, token, NOW) == FORGED
