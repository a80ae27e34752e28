"""What DingTalk can do through this adapter (``bot.core.capabilities``); docs/platform-dingtalk.md, Capabilities."""

from __future__ import annotations

from bot.core.capabilities import CARD_API, Capabilities, RateLimit

__all__ = ["CAPABILITIES"]

_QPS = RateLimit(20, 20.0, per_recipient=False)  # 20 calls a second per API, for the whole app

CAPABILITIES = Capabilities(
    updates_group_card=True,  # PUT /v1.0/card/instances: everyone holding the card sees the new state
    unclicked_card_updates=None,  # the same call, clicked or not, as often as we like
    per_viewer_buttons=False,  # privateData exists; the adapter updates public data only
    card_spaces=20,  # createAndDeliver: one card instance into several IM_GROUP/IM_ROBOT spaces (ours: 20)
    people_per_call=20,  # oToMessages/batchSend: 20 userIds per call
    dialogs_one_to_one=True,  # the robot's 1:1 chat
    answers_clicks_one_to_one=True,  # outbound.reply: a click is answered 1:1 to whoever clicked
    mentions_in_groups=False,  # the robot OpenAPI's markdown cannot @-mention
    text_only_readers=False,
    sends_images=True,  # the robot's markdown showing our signed /files/<token> link (docs/platform-dingtalk.md)
    sends_files=True,  # /media/upload + sampleFile for office/pdf/zip/rar; else markdown with a signed link
    rate_limits={"person": _QPS, "group": _QPS, CARD_API: _QPS},  # cards to people and groups: one API
)
