"""Each adapter declares what its platform can do (docs/platform-wecom.md and docs/platform-dingtalk.md,
Capabilities); its messenger exposes it, and WeCom's depends on whether the self-built app is configured."""

from bot.core.capabilities import CARD_API
from bot.platforms.dingtalk import outbound as dingtalk_out
from bot.platforms.dingtalk.capabilities import CAPABILITIES as DINGTALK
from bot.platforms.wecom.capabilities import WITH_APP, WITHOUT_APP
from bot.platforms.wecom.outbound import WeComMessenger

TEMPLATES = "templates"


def test_wecom_continues_dialogs_1to1_only_with_its_self_built_app(redis_client):
    app = {"WECOM_CORP_ID": "ww-corp", "WECOM_SECRET": "app-secret", "WECOM_AGENT_ID": "1000002",
           "WECOM_TOKEN": "token", "WECOM_AES_KEY": "k" * 43}
    smart_bot = {"WECOM_AIBOT_TOKEN": "token", "WECOM_AIBOT_AES_KEY": "k" * 43}
    with_app = WeComMessenger({**app, **smart_bot}, redis=redis_client, templates_dir=TEMPLATES)
    smart_bot_only = WeComMessenger(smart_bot, redis=redis_client, templates_dir=TEMPLATES)
    assert with_app.capabilities is WITH_APP and WITH_APP.dialogs_one_to_one
    assert smart_bot_only.capabilities is WITHOUT_APP and not WITHOUT_APP.dialogs_one_to_one


def test_wecom_group_notices_mention_and_stay_as_sent_and_each_send_is_one_person():
    assert WITH_APP.mentions_in_groups and not WITH_APP.updates_group_card and WITH_APP.text_only_readers
    assert WITH_APP.unclicked_card_updates == 0 and not WITH_APP.batches_people and not WITH_APP.one_card_many_spaces
    person, group = WITH_APP.rate_limits["person"], WITH_APP.rate_limits["group"]
    assert (person.capacity, person.per_second * 60, person.per_recipient) == (30, 30, True)
    assert (group.capacity, round(group.per_second * 60), group.per_recipient) == (20, 20, True)


def test_dingtalk_updates_cards_everywhere_batches_and_counts_one_qps_per_api_for_the_app():
    assert dingtalk_out.DingTalkMessenger.capabilities is DINGTALK
    assert DINGTALK.updates_group_card and DINGTALK.unclicked_card_updates is None and DINGTALK.dialogs_one_to_one
    assert DINGTALK.people_per_call == 20 and DINGTALK.card_spaces == 20 and not DINGTALK.mentions_in_groups
    assert {api: (r.capacity, r.per_second, r.per_recipient) for api, r in DINGTALK.rate_limits.items()} == {
        "person": (20, 20.0, False), "group": (20, 20.0, False), CARD_API: (20, 20.0, False)}


def test_dingtalk_builds_its_own_space_ids_from_outbox_addresses():
    person, group = {"user_id": "0601"}, {"group": {"dingtalk_open_conversation_id": "cidFood=="}}
    assert dingtalk_out.space("person", person) == "IM_ROBOT.0601"
    assert dingtalk_out.space("group", group) == "IM_GROUP.cidFood=="
    assert (dingtalk_out.recipient_id("person", person), dingtalk_out.recipient_id("group", group)) == ("0601", "cidFood==")
