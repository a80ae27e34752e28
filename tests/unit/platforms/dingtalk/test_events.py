"""The encrypted event subscription, on DingTalk's official test vector and round trips."""

import json

import pytest
from dingtalk.crypto import DingTalkCrypto

from bot.core.errors import PayloadError, SignatureError
from bot.platforms.base import RawRequest
from bot.platforms.dingtalk.events import EventCallback

OFFICIAL = {"DINGTALK_TOKEN": "123456", "DINGTALK_AES_KEY": "1234567890123456789012345678901234567890123",
            "DINGTALK_APP_KEY": "dingsnotzck6pm5veliw"}
VECTOR = {"msg_signature": "9a95a004dd16f5c307e849b994173f76aa26e5eb", "timeStamp": "1614767836",
          "nonce": "A7Co0cJLMzIDtMMI"}
ENCRYPT = "YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA=="


def request_(args, body):
    return RawRequest("POST", "/dingtalk/events", args, {}, json.dumps(body).encode())


def test_the_official_vector_verifies_and_decrypts():
    adapter = EventCallback(OFFICIAL)
    crypto = adapter.crypto
    assert crypto.decrypt_encrypt_str(VECTOR["msg_signature"], VECTOR["timeStamp"], VECTOR["nonce"], ENCRYPT) == "success"


@pytest.mark.parametrize("sig_name, ts_name", [("msg_signature", "timestamp"), ("signature", "timeStamp")])
def test_check_url_is_answered_with_an_encrypted_success(sig_name, ts_name):
    adapter = EventCallback(OFFICIAL)
    sealed = DingTalkCrypto("123456", OFFICIAL["DINGTALK_AES_KEY"], OFFICIAL["DINGTALK_APP_KEY"]).encrypt_message(
        json.dumps({"EventType": "check_url"}))
    args = {sig_name: sealed["msg_signature"], ts_name: sealed["timeStamp"], "nonce": sealed["nonce"]}
    answer = adapter.handle(request_(args, {"encrypt": sealed["encrypt"]}))
    reply = json.loads(answer.body)
    assert answer.status == 200 and answer.events == []
    assert set(reply) == {"msg_signature", "timeStamp", "nonce", "encrypt"}
    assert adapter.crypto.decrypt_encrypt_str(reply["msg_signature"], reply["timeStamp"], reply["nonce"],
                                              reply["encrypt"]) == "success"


def test_a_wrong_signature_or_another_apps_envelope_is_refused():
    adapter = EventCallback(OFFICIAL)
    args = {"msg_signature": "0" * 40, "timestamp": VECTOR["timeStamp"], "nonce": VECTOR["nonce"]}
    with pytest.raises(SignatureError):
        adapter.handle(request_(args, {"encrypt": ENCRYPT}))
    other = EventCallback({**OFFICIAL, "DINGTALK_APP_KEY": "dingotherapp"})
    args = {"msg_signature": VECTOR["msg_signature"], "timestamp": VECTOR["timeStamp"], "nonce": VECTOR["nonce"]}
    with pytest.raises(SignatureError):
        other.handle(request_(args, {"encrypt": ENCRYPT}))
    with pytest.raises(SignatureError):
        adapter.handle(request_({}, {"encrypt": ENCRYPT}))


def test_a_body_without_encrypt_is_400():
    with pytest.raises(PayloadError):
        EventCallback(OFFICIAL).handle(request_({"msg_signature": "x", "timestamp": "1", "nonce": "n"}, {"x": 1}))
