"""What WeCom can do through this adapter (``bot.core.capabilities``); docs/platform-wecom.md, Capabilities.

The self-built app is what lets a dialog begun in a group continue 1:1 (the smart bot in callback
mode cannot start a conversation), so the value depends on whether the app channel is configured.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.capabilities import Capabilities, RateLimit

__all__ = ["WITH_APP", "WITHOUT_APP", "WITH_LONG_CONNECTION", "capabilities"]

WITH_APP = Capabilities(
    updates_group_card=False,  # a webhook robot's or app chat's notice cannot change; the smart bot's only on its click
    unclicked_card_updates=0,  # message/update_template_card needs a click's response_code (once): else a fresh card
    per_viewer_buttons=False,
    card_spaces=1,  # a card goes to one chat per call, with its own task_id
    people_per_call=1,  # message/send one person per call: each card has its own task_id and response_code
    dialogs_one_to_one=True,
    one_to_one_chat="应用“舆情助手”的单聊",  # not the smart bot's 1:1 chat: the app is the one that can start it
    mentions_in_groups=True,  # the webhook robot's markdown takes <@userid>
    text_only_readers=True,  # WeChat-plugin readers see neither markdown nor template cards
    sends_images=True,  # media/upload + message/send image 1:1; a group's webhook robot: image (base64 + md5)
    sends_files=True,  # media/upload + message/send file 1:1; webhook/upload_media + file in a group
    rate_limits={"person": RateLimit(30, 0.5),  # app messages: 30 a minute per member
                 "group": RateLimit(20, 1 / 3)},  # group robot: 20 a minute per robot
)
WITHOUT_APP = replace(WITH_APP, dialogs_one_to_one=False,  # only the smart bot: the answer comes as an @-mention
                      sends_images=False, sends_files=False)  # 1:1 media: the app, or the smart bot's long connection
WITH_LONG_CONNECTION = replace(WITHOUT_APP, sends_images=True, sends_files=True)  # no app, the smart bot's WebSocket


def capabilities(app: bool, long_connection: bool = False) -> Capabilities:
    """WeCom's capabilities with the self-built app configured (``app``) or without it (then pictures and
    files 1:1 only over the smart bot's long connection)."""
    if app:
        return WITH_APP
    return WITH_LONG_CONNECTION if long_connection else WITHOUT_APP
