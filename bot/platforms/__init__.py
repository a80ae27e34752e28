"""Platform adapters: WeCom and DingTalk on the wire, behind the interfaces of ``base``."""

from bot.platforms.base import Answer, InboundAdapter, ManyAtOnce, Messenger, RawRequest, SentMessage

__all__ = ["Answer", "InboundAdapter", "ManyAtOnce", "Messenger", "RawRequest", "SentMessage"]
