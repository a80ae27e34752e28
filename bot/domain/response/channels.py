"""Where a response goes out (Art. 19(2), 24): publication channels, the ways a plan may respond, and whom an
approved script is reported onward to. Values are what the timeline keeps; labels what people read and type."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.errors import InvalidInput

__all__ = ["CHANNEL_LABELS", "ONWARD_TARGETS", "PLAN_WAYS", "PublicationChannel", "channel_of", "onward_target",
           "plan_way"]


class PublicationChannel(StrEnum):
    """A channel a publication goes out by (发布渠道); the plan's ways of responding are some of them."""

    PORTAL = "portal"
    WECHAT = "wechat"
    PRESS_RELEASE = "press_release"
    PRESS_CONFERENCE = "press_conference"
    MEDIA_BRIEFING = "media_briefing"
    INTERVIEW = "interview"
    EXPERT = "expert"
    OTHER = "other"


CHANNEL_LABELS = {
    PublicationChannel.PORTAL: "门户网站", PublicationChannel.WECHAT: "微信公众号",
    PublicationChannel.PRESS_RELEASE: "新闻通稿", PublicationChannel.PRESS_CONFERENCE: "新闻发布会",
    PublicationChannel.MEDIA_BRIEFING: "媒体吹风会", PublicationChannel.INTERVIEW: "接受采访",
    PublicationChannel.EXPERT: "专家解读", PublicationChannel.OTHER: "其他",
}
# the ways of responding a plan chooses from (回应方式, Art. 19(2))
PLAN_WAYS = (PublicationChannel.PRESS_RELEASE, PublicationChannel.PRESS_CONFERENCE, PublicationChannel.MEDIA_BRIEFING,
             PublicationChannel.INTERVIEW, PublicationChannel.EXPERT)
# to whom the desk reports an approved script onward (Art. 19(1))
ONWARD_TARGETS = ("宣传部", "网信办", "市委市政府")


def _parse(text: str | PublicationChannel, allowed: tuple[PublicationChannel, ...]) -> PublicationChannel | None:
    word = str(text or "").strip()
    return next((c for c in allowed if word in (c.value, CHANNEL_LABELS[c])), None)


def channel_of(text: str | PublicationChannel) -> PublicationChannel:
    """The channel named by its value or its Chinese label; raises InvalidInput listing the channels."""
    found = _parse(text, tuple(PublicationChannel))
    if found is None:
        raise InvalidInput("publication.channel", f"发布渠道请选择：{'、'.join(CHANNEL_LABELS.values())}。")
    return found


def plan_way(text: str | PublicationChannel) -> PublicationChannel:
    """A plan's way of responding by value or label (one of :data:`PLAN_WAYS`); raises InvalidInput."""
    found = _parse(text, PLAN_WAYS)
    if found is None:
        raise InvalidInput("plan.way", f"回应方式请选择：{'、'.join(CHANNEL_LABELS[w] for w in PLAN_WAYS)}。")
    return found


def onward_target(text: str) -> str:
    """Whom a script is reported to (宣传部, 网信办, 市委市政府; 市委宣传部 and 市委网信办 read the same); raises
    InvalidInput."""
    word = (text or "").strip().removeprefix("市委") if (text or "").strip() != "市委市政府" else "市委市政府"
    if word not in ONWARD_TARGETS:
        raise InvalidInput("script.onward_to", f"报送对象请选择：{'、'.join(ONWARD_TARGETS)}。")
    return word
