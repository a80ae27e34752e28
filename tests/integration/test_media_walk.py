"""Pictures and files through the whole product (issue 18, item 8): rows put in the outbox with their bytes in
the store are sent by a real ``yuqing worker`` to both emulators — a person and a unit's group on each — and
the picture DingTalk shows by URL is fetched over real HTTP from the web app, byte for byte."""

from __future__ import annotations

from types import SimpleNamespace

import redis
import requests

from bot.core.clock import utcnow
from bot.core.media import media_card
from bot.store import blobs, outbox
from tests.integration.stack import wait_for
from tests.unit.worker.test_media_delivery import DOCX, png
from worker.delivery import schedule_rows

FOOD_HOOK = "demo-hook-food"


def _queue(stack, rows: list[tuple[str, str, dict, str, str, bytes]]) -> list[int]:
    now = utcnow()
    ids = []
    with stack.database.session() as session:
        for n, (platform, method, address, kind, name, content) in enumerate(rows):
            media = blobs.put(session, kind, name, "application/octet-stream", content, now)
            ids.append(outbox.add(session, outbox.Message(f"walk-{n}", platform, method, address,
                                                          media_card(media).to_dict()), now))
    schedule_rows(SimpleNamespace(redis=redis.Redis.from_url(stack.env["REDIS_URL"])), ids)
    return ids


def test_a_worker_sends_pictures_and_files_to_people_and_groups_on_both_platforms(stack):
    picture = png(seed=11)
    _queue(stack, [
        ("wecom", "person", {"user_id": "ligs"}, "image", "周报.png", picture),
        ("wecom", "group", {"group": {"wecom_webhook_key": FOOD_HOOK}}, "file", "统计.xlsx", DOCX),
        ("dingtalk", "person", {"user_id": "0524"}, "file", "YQ-2026-0001.docx", DOCX),
        ("dingtalk", "group", {"group": {"dingtalk_open_conversation_id": "cidFoodSale01=="}}, "image", "周报.png",
         picture),
    ])
    wecom, dingtalk = stack.emulator.wecom, stack.emulator.dingtalk
    assert wait_for(lambda: wecom.media_for_user("ligs"), what="the WeCom picture") == [("image", "周报.png", picture)]
    assert wait_for(lambda: wecom.media_in_group(FOOD_HOOK), what="the WeCom file") == [("file", "统计.xlsx", DOCX)]
    assert wait_for(lambda: dingtalk.media.received(dingtalk.messages_for_user("0524")),
                    what="the DingTalk file") == [("sampleFile", "YQ-2026-0001.docx", DOCX)]
    (shown,) = wait_for(lambda: dingtalk.messages_for_group("cidFoodSale01=="), what="the DingTalk picture")
    text = shown.content["text"]
    link = text[text.index("](") + 2:text.rindex(")")]
    assert link.startswith(stack.url + "/files/")
    answer = requests.get(link, timeout=10)
    assert answer.status_code == 200 and answer.content == picture
    def states() -> set[str]:
        with stack.database.session() as session:
            return {r.state for r in session.query(outbox.OutboxRow)}
    # the emulator shows the last message before the worker records it sent: wait for the record, not the display
    wait_for(lambda: states() == {outbox.SENT}, what=f"every row sent (now {states()})")

