"""The emulator's WeCom crypto against the official sample vectors (document 90968 / 91144)
and against wechatpy, an independent implementation."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.emulator.wecom.crypto import CallbackCipher, CryptoError, aes_key, sign
from tests.emulator.conftest_wecom import APP_AES_KEY, CORP_ID

# Tencent's published sample: token, EncodingAESKey, CorpID, and two signed requests.
SAMPLE_TOKEN = "QDG6eK"
SAMPLE_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
SAMPLE_CORP = "wx5823bf96d3bd56c7"
VERIFY = {"msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "timestamp": "1409659589",
          "nonce": "263014780",
          "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="}
POST = {"msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6", "timestamp": "1409659813",
        "nonce": "1372623149",
        "encrypt": "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCU"
                   "pj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue0"
                   "6DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQ"
                   "H03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6"
                   "BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R"
                   "07+qN+E7Q=="}


def test_official_url_verification_sample_signs_and_decrypts():
    cipher = CallbackCipher(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_CORP)
    assert cipher.sign(VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"]) == VERIFY["msg_signature"]
    assert cipher.decrypt(VERIFY["echostr"]) == "1616140317555161061"


def test_official_message_sample_signs_and_decrypts():
    cipher = CallbackCipher(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_CORP)
    assert sign(SAMPLE_TOKEN, POST["timestamp"], POST["nonce"], POST["encrypt"]) == POST["msg_signature"]
    xml = cipher.decrypt(POST["encrypt"])
    assert "<Content><![CDATA[hello]]></Content>" in xml
    assert "<MsgId>4561255354251345929</MsgId>" in xml


def test_another_receive_id_is_refused():
    with pytest.raises(CryptoError):
        CallbackCipher(SAMPLE_TOKEN, SAMPLE_KEY, "another-corp").decrypt(POST["encrypt"])


def test_a_key_that_is_not_43_characters_is_refused():
    with pytest.raises(CryptoError):
        aes_key(SAMPLE_KEY[:-1])


@settings(max_examples=60, deadline=None)
@given(message=st.text(max_size=300), receive_id=st.sampled_from([CORP_ID, ""]))
def test_wechatpy_decrypts_what_the_emulator_encrypts(message, receive_id):
    ours = CallbackCipher("tok", APP_AES_KEY, receive_id)
    theirs = WeChatCrypto("tok", APP_AES_KEY, receive_id)
    encrypt = ours.encrypt(message)
    signature = ours.sign("1700000000", "42", encrypt)
    assert theirs.check_signature(signature, "1700000000", "42", encrypt) == message


@settings(max_examples=30, deadline=None)
@given(message=st.text(min_size=1, max_size=300))
def test_the_emulator_decrypts_what_wechatpy_encrypts(message):
    theirs = WeChatCrypto("tok", APP_AES_KEY, CORP_ID)
    envelope = theirs.encrypt_message(message, "42", "1700000000")
    encrypt = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    assert CallbackCipher("tok", APP_AES_KEY, CORP_ID).decrypt(encrypt) == message


def test_padding_fills_a_whole_block_when_aligned():
    cipher = CallbackCipher("tok", APP_AES_KEY, "")
    # 16 random + 4 length + 12 bytes = 32: PKCS#7 to 32 adds a full block of 32.
    assert len(base64.b64decode(cipher.encrypt("x" * 12))) == 64
