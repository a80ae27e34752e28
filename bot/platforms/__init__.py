"""Platform adapters: WeCom and DingTalk on the wire, behind the interfaces of ``base``."""

from bot.platforms.base import Answer, InboundAdapter, Messenger, RawRequest, SentMessage

__all__ = ["Answer", "InboundAdapter", "Messenger", "RawRequest", "SentMessage"]
