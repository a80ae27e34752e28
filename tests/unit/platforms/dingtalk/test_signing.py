"""Robot and card callback signatures, on DingTalk's documented vector."""

import pytest

from bot.core.errors import SignatureError
from bot.platforms.dingtalk.signing import card_sign, robot_sign, verify_card, verify_robot

TS = "1577262236757"


def test_robot_sign_matches_the_documented_vector():
    assert robot_sign(TS, "this is a secret") == "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="


def test_a_robot_signature_within_the_hour_passes_and_returns_the_timestamp():
    headers = {"timestamp": TS, "sign": robot_sign(TS, "s")}
    assert verify_robot(headers, "s", now=int(TS) + 3600_000) == TS
    assert verify_robot(headers, "s", now=int(TS) - 3600_000) == TS


@pytest.mark.parametrize("headers, now", [
    ({"timestamp": TS, "sign": robot_sign(TS, "other")}, int(TS)),           # wrong secret
    ({"timestamp": TS, "sign": robot_sign(TS, "s")}, int(TS) + 3600_001),    # stale
    ({"timestamp": TS, "sign": robot_sign(TS, "s")}, int(TS) - 3600_001),    # from the future
    ({"timestamp": TS}, int(TS)),                                            # no sign
    ({"sign": robot_sign(TS, "s")}, int(TS)),                                # no timestamp
    ({"timestamp": "soon", "sign": "x"}, int(TS)),                           # not a number
])
def test_a_bad_robot_signature_is_refused(headers, now):
    with pytest.raises(SignatureError):
        verify_robot(headers, "s", now=now)


def test_card_signature_is_hmac_of_the_timestamp_and_checked():
    sign = card_sign(TS, "api-secret")
    headers = {"x-ddpaas-signature-timestamp": TS, "x-ddpaas-signature": sign}
    assert verify_card(headers, "api-secret", now=int(TS)) == TS
    with pytest.raises(SignatureError):
        verify_card(headers, "another", now=int(TS))
    with pytest.raises(SignatureError):
        verify_card(headers, "api-secret", now=int(TS) + 3600_001)
