"""The weekly digest's chart through the whole product (issue 25, part C): with the digests due when a real worker
starts, the chart reaches the leaders 1:1 right after their 舆情周报 — on WeCom as a picture (media/upload +
message/send), on DingTalk as the markdown picture our /files link shows, fetched over real HTTP byte for byte —
and the desk gets the text digest without it."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import matplotlib.image
import pytest
import requests

from bot.core.clock import SHANGHAI
from bot.domain.stats.period import week_of
from bot.figures.chart import HEIGHT, WIDTH
from tests.integration.stack import Stack, wait_for
from tests.support.digest_policy import due_files
from tests.support.messages import is_digest

# not marked counts_messages: its own policy file makes the digests due at start already, so .ci/run's second
# pass (digests due at start) would run it again to no purpose (tests/support/digest_policy.py)
MAIN_WECOM, IN_CHARGE_DT, DESK_DT = "zhaojz", "0412", "0524"  # 赵局长, 吴副局长 (in charge), 李干事 (the desk)


@pytest.fixture
def digest_stack(redis_url, tmp_path):
    running = Stack(redis_url, tmp_path, extra_env={**due_files(tmp_path), "RECONCILE_INTERVAL": "1"})
    yield running
    running.stop()


def picture_of(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return matplotlib.image.imread(io.BytesIO(png)).shape[:2]


def test_the_weekly_chart_reaches_a_wecom_and_a_dingtalk_leader(digest_stack):
    today = datetime.now(SHANGHAI).date()
    name = f"舆情周报-{week_of(week_of(today).start - timedelta(days=1)).key}.png"
    wecom, dingtalk = digest_stack.emulator.wecom, digest_stack.emulator.dingtalk
    [(kind, shown, png)] = wait_for(lambda: wecom.media_for_user(MAIN_WECOM), timeout=30,
                                    what="the WeCom leader's chart\n" + digest_stack.worker_log()[-2000:])
    assert (kind, shown, picture_of(png)) == ("image", name, (HEIGHT, WIDTH))
    texts = wecom.messages_for_user(MAIN_WECOM)
    weekly = [i for i, m in enumerate(texts) if is_digest(m) and "舆情周报" in str(m)]
    pictures = [i for i, m in enumerate(texts) if m["msgtype"] == "image"]
    assert weekly and pictures == [weekly[0] + 1]  # the picture right after the weekly text digest

    def markdown_picture():
        return [m for m in dingtalk.messages_for_user(IN_CHARGE_DT) if "](" in str(m.content.get("text", ""))]

    [message] = wait_for(markdown_picture, timeout=15, what="the DingTalk leader's chart")
    text = message.content["text"]
    link = text[text.index("](") + 2:text.rindex(")")]
    assert text.startswith(f"![{name}](") and link.startswith(digest_stack.url + "/files/")
    answer = requests.get(link, timeout=10)
    assert answer.status_code == 200 and answer.content == png  # one picture for every leader
    wait_for(lambda: [m for m in dingtalk.messages_for_user(DESK_DT) if is_digest(m) and "舆情周报" in str(m)],
             what="the desk's weekly digest")  # the desk has its weekly digest …
    assert not [m for m in dingtalk.messages_for_user(DESK_DT) if "](" in str(m.content.get("text", ""))]  # … no chart
