"""Platform adapters: WeCom and DingTalk on the wire, behind the interfaces of ``base``; ``fitting`` is the one
truncation helper of every platform (cut with a mark, split, button parts)."""

from bot.platforms.base import Answer, Fits, InboundAdapter, ManyAtOnce, Messenger, RawRequest, SentMessage

__all__ = ["Answer", "Fits", "InboundAdapter", "ManyAtOnce", "Messenger", "RawRequest", "SentMessage"]
