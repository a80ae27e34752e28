"""Callback security: Tencent's published sample vectors, the 5-minute window, signatures, ReceiveId."""

from __future__ import annotations

import pytest

from bot.core.errors import ConfigError, PayloadError, SignatureError
from bot.platforms.wecom.crypto import CallbackCrypto, signature

# Tencent's sample (documents 90968/91144): token, EncodingAESKey, CorpID and two signed requests.
TOKEN, KEY, CORP = "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7"
VERIFY = {"msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "timestamp": "1409659589",
          "nonce": "263014780",
          "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="}
POST = {"msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6", "timestamp": "1409659813", "nonce": "1372623149"}
ENCRYPT = ("RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/"
           "sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HM"
           "ZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3"
           "LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn"
           "28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==")


def crypto_at(when: int, corp: str = CORP) -> CallbackCrypto:
    return CallbackCrypto(TOKEN, KEY, corp, now=lambda: when)


def test_the_official_url_verification_sample_gives_its_echo():
    assert crypto_at(1409659589).verify_url(VERIFY) == "1616140317555161061"


def test_the_official_message_sample_decrypts():
    assert signature(TOKEN, POST["timestamp"], POST["nonce"], ENCRYPT) == POST["msg_signature"]
    xml = crypto_at(1409659813 + 299).open(POST, ENCRYPT)
    assert "<Content><![CDATA[hello]]></Content>" in xml and "<MsgId>4561255354251345929</MsgId>" in xml


@pytest.mark.parametrize("offset", [-301, 301, 10**6])
def test_a_timestamp_outside_five_minutes_is_not_authentic(offset):
    with pytest.raises(SignatureError, match="window"):
        crypto_at(1409659813 + offset).open(POST, ENCRYPT)


def test_a_tampered_signature_or_ciphertext_is_not_authentic():
    with pytest.raises(SignatureError, match="msg_signature"):
        crypto_at(1409659813).open({**POST, "msg_signature": "0" * 40}, ENCRYPT)
    with pytest.raises(SignatureError, match="msg_signature"):
        crypto_at(1409659813).open(POST, ENCRYPT[:-4] + "AAA=")


def test_another_corp_id_is_not_authentic():
    with pytest.raises(SignatureError, match="ReceiveId"):
        crypto_at(1409659813, corp="wwanothercorp").open(POST, ENCRYPT)


def test_missing_query_parameters_or_a_non_numeric_timestamp_are_not_authentic():
    with pytest.raises(SignatureError, match="nonce"):
        crypto_at(1409659813).open({k: v for k, v in POST.items() if k != "nonce"}, ENCRYPT)
    with pytest.raises(SignatureError, match="integer"):
        crypto_at(1409659813).open({**POST, "timestamp": "soon"}, ENCRYPT)


def test_a_signed_text_that_is_no_ciphertext_is_malformed():
    bogus = "bm90IGEgY2lwaGVydGV4dA=="  # base64, but not a whole number of AES blocks
    args = {**POST, "msg_signature": signature(TOKEN, POST["timestamp"], POST["nonce"], bogus)}
    with pytest.raises(PayloadError):
        crypto_at(1409659813).open(args, bogus)


def test_an_aes_key_that_is_not_43_characters_is_a_config_error():
    with pytest.raises(ConfigError):
        CallbackCrypto(TOKEN, KEY[:-1], CORP)
