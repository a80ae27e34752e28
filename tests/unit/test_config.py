"""Settings: channels on, off or refused by name; secrets never shown."""

import pytest

from bot.config import load
from bot.core.errors import ConfigError

WECOM = {"WECOM_CORP_ID": "ww1", "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "s3cr3t-value",
         "WECOM_TOKEN": "tok", "WECOM_AES_KEY": "k" * 43}


def test_no_channel_is_a_valid_start():
    settings = load({})
    assert settings.channels == frozenset()
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("var/yuqing.db")
    assert settings.timezone == "Asia/Shanghai"


def test_a_complete_channel_is_on_with_its_default_api_base():
    settings = load(WECOM)
    assert settings.has("wecom_app")
    assert settings.get("WECOM_API_BASE") == "https://qyapi.weixin.qq.com"


def test_half_configured_channel_names_every_missing_variable():
    env = dict(WECOM)
    del env["WECOM_SECRET"], env["WECOM_AES_KEY"]
    with pytest.raises(ConfigError) as err:
        load(env)
    assert "WECOM_SECRET" in str(err.value) and "WECOM_AES_KEY" in str(err.value)
    assert "WECOM_CORP_ID" not in str(err.value)


def test_dingtalk_notices_need_the_robot_key_and_secret():
    with pytest.raises(ConfigError, match="DINGTALK_APP_KEY"):
        load({"DINGTALK_AGENT_ID": "123"})


def test_smart_bot_modes_exclude_each_other():
    env = {"WECOM_AIBOT_TOKEN": "t", "WECOM_AIBOT_AES_KEY": "a" * 43, "WECOM_AIBOT_ID": "id", "WECOM_AIBOT_SECRET": "s"}
    with pytest.raises(ConfigError, match="exclude each other"):
        load(env)


def test_secrets_are_masked_and_never_in_repr():
    settings = load({**WECOM, "API_TOKENS": "tok123=u-desk", "DATABASE_URL": "postgresql://u:pw@db/yq"})
    shown = settings.describe()
    text = repr(settings) + repr(shown)
    assert "s3cr3t-value" not in text and "tok123" not in text and ":pw@" not in text
    assert shown["WECOM_SECRET"] == "***" and shown["WECOM_CORP_ID"] == "ww1"
    assert settings.api_tokens == {"tok123": "u-desk"}


@pytest.mark.parametrize("env, fragment", [
    ({"API_TOKENS": "no-equals-sign"}, "API_TOKENS"),
    ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
    ({"MAX_BODY_BYTES": "lots"}, "MAX_BODY_BYTES"),
    ({"RECONCILE_INTERVAL": "0"}, "RECONCILE_INTERVAL"),
    ({"ORG_FILE": "/nonexistent/org.yaml"}, "ORG_FILE"),
    ({"TEMPLATES_DIR": "/nonexistent"}, "TEMPLATES_DIR"),
])
def test_bad_values_are_refused_by_name(env, fragment):
    with pytest.raises(ConfigError, match=fragment):
        load(env)
