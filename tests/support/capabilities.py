"""What the platforms can do, as the worker hands it to handlers when both are configured (the WeCom
self-built app included): for tests that build a handler Context themselves."""

from bot.platforms.dingtalk.capabilities import CAPABILITIES as DINGTALK
from bot.platforms.wecom.capabilities import WITH_APP as WECOM

BOTH = {"wecom": WECOM, "dingtalk": DINGTALK}
