"""What memchat can do: every card can change in place, in a group too, as often as needed; dialogs
continue 1:1; one message per call; no mentions, pictures or files."""

from bot.core.capabilities import Capabilities, RateLimit

CAPABILITIES = Capabilities(
    updates_group_card=True,
    unclicked_card_updates=None,
    dialogs_one_to_one=True,
    rate_limits={"person": RateLimit(50, 50.0), "group": RateLimit(50, 50.0)},
)
