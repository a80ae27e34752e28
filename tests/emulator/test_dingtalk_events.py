"""The encrypted event subscription: check_url, pushed events and their retries."""

from __future__ import annotations

import pytest
from dingtalk.crypto import DingTalkCrypto
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.emulator.dingtalk.signing import CryptoError, EventCrypto

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from .conftest_dingtalk import ENV

OFFICIAL = {"token": "123456", "aes_key": "1234567890123456789012345678901234567890123",
            "owner": "dingsnotzck6pm5veliw", "msg_signature": "9a95a004dd16f5c307e849b994173f76aa26e5eb",
            "timeStamp": "1614767836", "nonce": "A7Co0cJLMzIDtMMI",
            "encrypt": "YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA=="}


def test_the_envelope_opens_the_official_vector():
    crypto = EventCrypto(OFFICIAL["token"], OFFICIAL["aes_key"], OFFICIAL["owner"])
    assert crypto.open_reply({k: OFFICIAL[k] for k in ("msg_signature", "timeStamp", "nonce", "encrypt")}) \
        == "success"


def test_the_envelope_interoperates_with_dingtalk_sdk():
    ours = EventCrypto(ENV["DINGTALK_TOKEN"], ENV["DINGTALK_AES_KEY"], ENV["DINGTALK_APP_KEY"])
    theirs = DingTalkCrypto(ENV["DINGTALK_TOKEN"], ENV["DINGTALK_AES_KEY"], ENV["DINGTALK_APP_KEY"])
    body, sig = ours.envelope({"EventType": "user_add_org", "UserId": ["测试"]}, "1700000000000", "nonce123")
    assert "测试" in theirs.decrypt_encrypt_str(sig, "1700000000000", "nonce123", body["encrypt"])
    assert ours.open_reply(theirs.encrypt_message("success")) == "success"


def test_check_url_passes_when_the_bot_answers_the_encrypted_success(dt, receiver):
    delivery = dt.check_url()
    [got] = receiver.of("/dingtalk/events")
    assert got["verified"] and got["event"] == {"EventType": "check_url"}
    assert set(got["args"]) == {"msg_signature", "timestamp", "nonce"}
    assert delivery.answered and len(delivery.attempts) == 1


def test_check_url_can_sign_with_the_signature_parameter(dt, receiver):
    assert dt.check_url(signature_param="signature").answered
    assert "signature" in receiver.of("/dingtalk/events")[0]["args"]


def test_check_url_fails_on_a_wrong_reply_and_is_not_retried(dt, receiver):
    receiver.event_reply = "ok"
    delivery = dt.check_url()
    assert dt.wait_idle(5)
    assert not delivery.answered and "decrypted to 'ok'" in delivery.attempts[0].error
    assert len(receiver.of("/dingtalk/events")) == 1


def test_check_url_fails_when_the_bot_is_too_slow(dt, receiver):
    dt.check_url_timeout = 0.2
    receiver.delay = 0.4
    delivery = dt.check_url()
    assert not delivery.answered and delivery.attempts[0].status is None


def test_an_unanswered_event_is_retried_twice(dt, receiver):
    receiver.status = 500
    delivery = dt.push_event({"EventType": "user_modify_org", "UserId": ["0523"]})
    assert dt.wait_idle(5)
    assert [a.status for a in delivery.attempts] == [500, 500, 500]
    assert all(g["event"]["EventType"] == "user_modify_org" for g in receiver.of("/dingtalk/events"))


def test_an_answered_event_is_not_retried(dt, receiver):
    delivery = dt.push_event({"EventType": "user_modify_org", "UserId": ["0523"]})
    assert dt.wait_idle(5) and delivery.answered and len(delivery.attempts) == 1


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_any_text_survives_the_envelope_both_ways(text):
    ours = EventCrypto(ENV["DINGTALK_TOKEN"], ENV["DINGTALK_AES_KEY"], ENV["DINGTALK_APP_KEY"])
    theirs = DingTalkCrypto(ENV["DINGTALK_TOKEN"], ENV["DINGTALK_AES_KEY"], ENV["DINGTALK_APP_KEY"])
    assert ours.decrypt(ours.encrypt(text)) == text
    assert ours.open_reply(theirs.encrypt_message(text)) == text


def test_an_envelope_for_another_app_is_refused():
    ours = EventCrypto(ENV["DINGTALK_TOKEN"], ENV["DINGTALK_AES_KEY"], ENV["DINGTALK_APP_KEY"])
    other = EventCrypto(ENV["DINGTALK_TOKEN"], ENV["DINGTALK_AES_KEY"], "dingotherapp")
    with pytest.raises(CryptoError):
        ours.decrypt(other.encrypt("success"))
