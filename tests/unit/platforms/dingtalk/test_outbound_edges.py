"""DingTalkMessenger at DingTalk's edges, against the emulator under each reading: a reused outTrackId
(``param.cardAlreadyExist`` → AlreadySent, or the silent first result), DingTalk's own id for a card,
the ids we are willing to send, and batchSend's ``filteredStaffIdList``."""

from __future__ import annotations

import pytest

from bot.core.card import Button, Card
from bot.core.errors import AlreadySent, PlatformError
from bot.platforms.dingtalk.outbound import track_id, valid_track_id

DESK, SUN, LI = "cidDesk0001==", "0523", "0524"
GROUP = {"dingtalk_open_conversation_id": DESK}
CARD = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": ""},
            (Button("确认收到", "demo.confirm", {"n": "1"}, "primary"),))
DONE = Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": "已确认"})
NOTICE = Card("notice", {"text": "已收到"})


def test_a_send_whose_answer_was_lost_is_already_sent_on_the_retry_with_the_cards_ref(messenger, emulator):
    dt = emulator.dingtalk
    dt.inject("server_error_after", family="api", path="/v1.0/card/instances/createAndDeliver", count=1)
    with pytest.raises(PlatformError) as lost:
        messenger.send_to_group(GROUP, CARD, dedup_id="outbox-9")
    assert lost.value.retryable and not isinstance(lost.value, AlreadySent)
    with pytest.raises(AlreadySent) as retry:
        messenger.send_to_group(GROUP, CARD, dedup_id="outbox-9")
    assert retry.value.code == "param.cardAlreadyExist" and not retry.value.retryable
    assert retry.value.card_ref == {"card_id": track_id("outbox-9")}
    messenger.update_card(retry.value.card_ref, DONE)
    assert dt.card_view(track_id("outbox-9"), SUN)["status"] == "已确认"


def test_under_the_silent_reading_a_reused_id_answers_as_the_first_send(messenger, emulator):
    emulator.dingtalk.card_reuse = "ignore"
    first = messenger.send_to_person(SUN, CARD, dedup_id="p-9")
    again = messenger.send_to_person(SUN, CARD, dedup_id="p-9")
    assert again.card_ref == first.card_ref == {"card_id": track_id("p-9")}
    assert len(emulator.dingtalk.messages_for_user(SUN)) == 1


def test_the_id_dingtalk_names_in_its_answer_is_the_one_kept_for_updates(messenger, emulator):
    dt = emulator.dingtalk
    dt.own_track_ids = True
    sent = messenger.send_card_to_spaces([f"IM_GROUP.{DESK}", f"IM_ROBOT.{SUN}"], CARD, dedup_id="w-9")
    assert sent.message_id != track_id("w-9") and sent.card_ref == {"card_id": sent.message_id}
    messenger.update_card(sent.card_ref, DONE)
    assert dt.card_view(sent.message_id, SUN)["status"] == "已确认"


@pytest.mark.parametrize("out_track_id, ok", [
    (track_id("any dedup id"), True), (track_id(), True), ("yq_a-b@c", True), ("x" * 64, True),
    ("", False), ("x" * 65, False), ("has space", False), ("卡片", False), ("a/b", False), ("a;b", False),
])
def test_only_ids_of_safe_characters_and_length_are_sent(out_track_id, ok):
    assert valid_track_id(out_track_id) is ok


def test_a_card_with_an_unsafe_id_is_never_sent(messenger, emulator):
    with pytest.raises(PlatformError) as err:
        messenger._deliver(f"IM_GROUP.{DESK}", CARD, "bad id")
    assert not err.value.retryable and not isinstance(err.value, AlreadySent)
    assert emulator.dingtalk.messages_for_group(DESK) == []


def test_people_dingtalk_filters_are_not_delivered_and_not_retried(messenger, emulator):
    emulator.dingtalk.robot_filtered = {LI}
    [sent] = messenger.send_to_people([SUN, LI], NOTICE)
    assert sent.card_ref == {"invalid": [LI], "throttled": []}  # the worker fails LI's row, not SUN's
    with pytest.raises(PlatformError) as err:
        messenger.send_to_person(LI, NOTICE)
    assert not err.value.retryable and "filtered ['0524']" in str(err.value)
    assert emulator.dingtalk.messages_for_user(LI) == [] and len(emulator.dingtalk.messages_for_user(SUN)) == 1
