"""yuqing-bot: the public-opinion desk bot for WeCom and DingTalk."""

__version__ = "0.1.0"
