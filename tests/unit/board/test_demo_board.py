"""``yuqing demo`` turns the board on (bot/demo.py): a fresh secret key and one operator token unless set, and the
identity providers pointed at its emulator."""

from __future__ import annotations

from bot import config
from bot.demo import BOARD_OPERATOR, DEMO_ENV, _idp_env, _operator_token, board_env


def test_the_demo_makes_a_key_and_an_operator_token():
    made = board_env({})
    assert len(made["BOARD_SECRET_KEY"]) >= config.BOARD_SECRET_MIN
    token, _, person = made["BOARD_TOKENS"].partition("=")
    assert token.startswith("demo-") and person == BOARD_OPERATOR
    assert board_env({}) != made  # fresh each run
    settings = config.load({**DEMO_ENV, **made})
    assert _operator_token(settings) == token


def test_what_is_set_is_kept_and_never_printed():
    mine = {"BOARD_SECRET_KEY": "k" * 32, "BOARD_TOKENS": "s3cret-operator=p-li"}
    assert board_env(mine) == {}
    assert _operator_token(config.load({**DEMO_ENV, **mine})) == "BOARD_TOKENS 已自行设置"


def test_the_identity_providers_are_the_emulator():
    env = _idp_env("http://127.0.0.1:9999", "dingcorp")
    assert {env[k] for k in ("WECOM_OPEN_BASE", "WECOM_LOGIN_BASE", "DINGTALK_LOGIN_BASE")} == {"http://127.0.0.1:9999"}
    assert env["DINGTALK_JSAPI_URL"] == "http://127.0.0.1:9999/dingtalk-jsapi.js" and env["DINGTALK_CORP_ID"] == "dingcorp"
