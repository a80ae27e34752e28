"""Pictures and files through the worker's outbox to both emulators (issue 18, item 8): a row whose card is
an ``image``/``file`` (``bot.core.media``) is sent once by ``worker.delivery.deliver`` with the real
messengers, and what the emulated WeCom and DingTalk received is compared byte for byte with what we stored;
a refused upload ends the row ``failed`` with the platform's code, which is what the desk is shown."""

from __future__ import annotations

import hashlib
import threading
import struct
import zlib
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

import pytest
import redis

from bot.app import create_app
from bot.config import ROOT, load
from bot.core.media import Media, media_card
from bot.demo import DEMO_ENV, DEMO_WS_ENV
from bot.emulator import Directory, EmulatorServer
from bot.platforms.dingtalk.outbound import DingTalkMessenger
from bot.platforms.wecom.outbound import WeComMessenger
from bot.platforms.wecom.connector import Connector
from bot.store import blobs, outbox
from worker.delivery import deliver
from worker.failures import _what, reason
from worker.runtime import Runtime
from tests.integration.stack import wait_for

NOW = datetime(2026, 12, 7, 2, tzinfo=timezone.utc)
TEMPLATES = ROOT / "templates"
FOOD_HOOK = {"wecom_webhook_key": DEMO_ENV["WECOM_HOOK_FOOD"]}
FOOD_CID = {"dingtalk_open_conversation_id": "cidFoodSale01=="}
PUBLIC = "http://yuqing.example.gov.cn"


def png(width: int = 4, height: int = 3, seed: int = 0) -> bytes:
    """A valid tiny PNG (one colour per seed), made here: no imaging library needed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + bytes([seed % 256, 80, 160]) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


DOCX = b"PK\x03\x04" + bytes(range(256)) * 40  # stands in for an export: only the name's extension matters
GIF = b"GIF89a" + b"\x00" * 64


@pytest.fixture(scope="module")
def server():
    """Both emulators over HTTP with the demo credentials and the sample org."""
    env = {**DEMO_ENV, **DEMO_WS_ENV}  # the smart bot's long connection too (its own tests below)
    running = EmulatorServer(env, Directory.from_org_file(ROOT / "examples" / "org.yaml", env)).start()
    yield running
    running.stop()


@pytest.fixture
def rt(server, sqlite_database, redis_url):
    server.wecom.reset()
    server.dingtalk.reset()
    client = redis.Redis.from_url(redis_url)
    config = {**DEMO_ENV, "WECOM_API_BASE": server.url, "DINGTALK_OAPI_BASE": server.url,
              "DINGTALK_API_BASE": server.url, "PUBLIC_BASE_URL": PUBLIC}
    messengers = {"wecom": WeComMessenger(config, redis=client, templates_dir=TEMPLATES, timeout=5),
                  "dingtalk": DingTalkMessenger(config, redis=client, templates_dir=TEMPLATES)}
    return Runtime(load({"REDIS_URL": redis_url, **config}), sqlite_database, client, messengers)


def queue(rt, platform, method, address, kind, name, mime, content, *, caption="", raw=False):
    """Store the bytes and put one row for them in the outbox, as the code that makes a chart would."""
    with rt.database.session() as session:
        if raw:  # bypass the store's own size check, to see the platform refuse
            row = blobs.BlobRow(name=name, mime=mime, size=len(content), content=content, created_at=NOW,
                                sha256=hashlib.sha256(content).hexdigest())
            session.add(row)
            session.flush()
            media = Media(kind, name, mime, row.id, len(content), row.sha256, caption)
        else:
            media = blobs.put(session, kind, name, mime, content, NOW, caption=caption)
        card = media_card(media).to_dict()
        return outbox.add(session, outbox.Message(f"media-{platform}-{method}-{name}", platform, method, address,
                                                  card), NOW)


def stored(rt, row_id):
    with rt.database.session() as session:
        row = session.get(outbox.OutboxRow, row_id)
        session.expunge(row)
        return row


# --- WeCom ------------------------------------------------------------------------------------------------
def test_wecom_picture_and_file_reach_a_person_byte_for_byte(rt, server):
    picture, export = png(seed=1), DOCX
    image_row = queue(rt, "wecom", "person", {"user_id": "ligs"}, "image", "周报.png", "image/png", picture)
    file_row = queue(rt, "wecom", "person", {"user_id": "ligs"}, "file", "YQ-2026-0001.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", export)
    assert deliver(rt, image_row, NOW) == "sent"
    assert deliver(rt, file_row, NOW + timedelta(seconds=5)) == "sent"
    assert server.wecom.media_for_user("ligs") == [("image", "周报.png", picture),
                                                   ("file", "YQ-2026-0001.docx", export)]


def test_wecom_picture_and_file_reach_a_group_through_its_webhook_robot(rt, server):
    picture = png(seed=2)
    image_row = queue(rt, "wecom", "group", {"group": FOOD_HOOK}, "image", "图表.png", "image/png", picture,
                      caption="本周舆情走势")
    file_row = queue(rt, "wecom", "group", {"group": FOOD_HOOK}, "file", "统计.xlsx", "application/vnd.ms-excel",
                     DOCX)
    assert deliver(rt, image_row, NOW) == "sent"
    assert deliver(rt, file_row, NOW + timedelta(seconds=5)) == "sent"
    group = DEMO_ENV["WECOM_HOOK_FOOD"]
    assert server.wecom.media_in_group(group) == [("image", "", picture), ("file", "统计.xlsx", DOCX)]
    texts = [m["content"]["content"] for m in server.wecom.messages_for_group(group) if m["msgtype"] == "text"]
    assert texts == ["本周舆情走势"]  # the caption follows the picture as its own line


def test_wecom_a_picture_too_big_for_the_robot_goes_as_a_file(rt, server):
    big = png(seed=3) + b"\x00" * (2 * 1024 * 1024)  # over the robot's 2 MB picture limit
    row_id = queue(rt, "wecom", "group", {"group": FOOD_HOOK}, "image", "大图.png", "image/png", big)
    assert deliver(rt, row_id, NOW) == "sent"
    assert server.wecom.media_in_group(DEMO_ENV["WECOM_HOOK_FOOD"]) == [("file", "大图.png", big)]


def test_wecom_a_retried_picture_is_uploaded_once_and_shown_once(rt, server):
    picture = png(seed=4)
    row_id = queue(rt, "wecom", "person", {"user_id": "ligs"}, "image", "重试.png", "image/png", picture)
    server.wecom.inject_fault("http", 503, count=1, path="message/send")
    assert deliver(rt, row_id, NOW) == "pending"  # the send failed after the upload
    assert deliver(rt, row_id, NOW + timedelta(seconds=3)) == "sent"
    uploads = [c for c in server.wecom.api_calls if c["path"].endswith("/media/upload")]
    assert len(uploads) == 1 and server.wecom.media_for_user("ligs") == [("image", "重试.png", picture)]


@pytest.mark.parametrize("content,code", [(GIF, "40004"), (png(seed=5) + b"\x00" * (10 * 1024 * 1024), "40009")],
                         ids=["not-jpg-or-png", "over-10MB"])
def test_wecom_a_refused_picture_fails_for_the_desk_to_see(rt, server, content, code):
    row_id = queue(rt, "wecom", "person", {"user_id": "ligs"}, "image", "坏图.png", "image/png", content)
    assert deliver(rt, row_id, NOW) == "failed"
    row = stored(rt, row_id)
    assert code in row.last_error and server.wecom.media_for_user("ligs") == []
    assert _what(row.card) == "图片" and reason(row.last_error) == "文件过大或格式不被平台接受"  # the desk's words


def test_wecom_a_file_over_20MB_is_refused_by_the_robot_upload(rt, server):
    huge = b"x" * (20 * 1024 * 1024 + 1)
    row_id = queue(rt, "wecom", "group", {"group": FOOD_HOOK}, "file", "过大.zip", "application/zip", huge, raw=True)
    assert deliver(rt, row_id, NOW) == "failed"
    assert "40006" in stored(rt, row_id).last_error


# --- WeCom's smart bot over its long connection ------------------------------------------------------------
@pytest.fixture
def ws_rt(rt, server, redis_url):
    """``rt`` with a WeCom messenger on the smart bot's long connection and no self-built app (no secret),
    and a connector holding that connection in a thread."""
    server.wecom.longconn.drop()
    config = {**DEMO_ENV, **DEMO_WS_ENV, "WECOM_SECRET": "", "WECOM_API_BASE": server.url,
              "WECOM_AIBOT_WS_URL": server.wecom.ws_url}
    connector = Connector(config, rt.redis, lambda event: None, lease=1.0, heartbeat=0.5, name="media")
    thread = threading.Thread(target=connector.run, daemon=True)
    thread.start()
    wait_for(lambda: server.wecom.longconn.connected, what="the connector to subscribe")
    rt.messengers["wecom"] = WeComMessenger(config, redis=rt.redis, templates_dir=TEMPLATES, timeout=5)
    yield rt
    connector.stop.set()
    thread.join(timeout=10)


def test_wecom_smart_bot_posts_a_picture_into_its_group_chat_in_chunks(ws_rt, server):
    picture = png(seed=8) + bytes(range(256)) * 3000  # ~770 KB: two chunks of the long connection's upload
    row_id = queue(ws_rt, "wecom", "group", {"group": {"wecom_aibot_chatid": "wrFood0001"}}, "image", "走势.png",
                   "image/png", picture)
    assert deliver(ws_rt, row_id, NOW) == "sent"
    assert server.wecom.media_in_group("wrFood0001") == [("image", "走势.png", picture)]
    chunks = [f for f in server.wecom.longconn.frames if f.get("cmd") == "aibot_upload_media_chunk"]
    assert [c["body"]["chunk_index"] for c in chunks] == [0, 1]


def test_wecom_without_the_app_a_file_goes_1to1_over_the_long_connection(ws_rt, server):
    assert ws_rt.messengers["wecom"].capabilities.sends_files
    row_id = queue(ws_rt, "wecom", "person", {"user_id": "ligs"}, "file", "YQ-2026-0001.docx",
                   "application/octet-stream", DOCX)
    assert deliver(ws_rt, row_id, NOW) == "sent"
    assert server.wecom.media_for_user("ligs") == [("file", "YQ-2026-0001.docx", DOCX)]


def test_wecom_smart_bot_refuses_a_picture_that_is_not_jpg_or_png(ws_rt, server):
    row_id = queue(ws_rt, "wecom", "person", {"user_id": "ligs"}, "image", "动图.gif", "image/gif", GIF)
    assert deliver(ws_rt, row_id, NOW) == "failed"
    assert "40004" in stored(ws_rt, row_id).last_error and server.wecom.media_for_user("ligs") == []


# --- DingTalk ---------------------------------------------------------------------------------------------
def _opened(rt, url: str):
    """GET the picture's link from our own web app, as a reader's DingTalk client would."""
    assert url.startswith(PUBLIC + "/files/")
    app = create_app(rt.settings, database=rt.database)
    return app.test_client().get(urlparse(url).path)


def _markdown_link(message) -> str:
    text = message.content["text"]
    return text[text.index("](") + 2:text.index(")", text.index("]("))]


def test_dingtalk_picture_reaches_a_person_and_a_group_as_markdown_with_our_link(rt, server):
    picture = png(seed=6)
    person = queue(rt, "dingtalk", "person", {"user_id": "0524"}, "image", "周报.png", "image/png", picture)
    group = queue(rt, "dingtalk", "group", {"group": FOOD_CID}, "image", "周报.png", "image/png", picture)
    assert deliver(rt, person, NOW) == deliver(rt, group, NOW) == "sent"
    for message in (server.dingtalk.messages_for_user("0524")[-1],
                    server.dingtalk.messages_for_group("cidFoodSale01==")[-1]):
        assert message.msgtype == "sampleMarkdown" and message.content["text"].startswith("![周报.png](")
        answer = _opened(rt, _markdown_link(message))
        assert answer.status_code == 200 and answer.data == picture and answer.mimetype == "image/png"


def test_dingtalk_office_file_goes_as_the_robots_file_message(rt, server):
    person = queue(rt, "dingtalk", "person", {"user_id": "0524"}, "file", "YQ-2026-0001.docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document", DOCX)
    group = queue(rt, "dingtalk", "group", {"group": FOOD_CID}, "file", "统计.xlsx", "application/vnd.ms-excel",
                  DOCX)
    assert deliver(rt, person, NOW) == deliver(rt, group, NOW) == "sent"
    media = server.dingtalk.media
    assert media.received(server.dingtalk.messages_for_user("0524")) == [("sampleFile", "YQ-2026-0001.docx", DOCX)]
    assert media.received(server.dingtalk.messages_for_group("cidFoodSale01==")) == [("sampleFile", "统计.xlsx", DOCX)]
    assert server.dingtalk.messages_for_user("0524")[-1].content["fileType"] == "docx"


def test_dingtalk_a_file_it_will_not_carry_goes_as_a_signed_link(rt, server):
    export = "# YQ-2026-0001\n\n全文……".encode()
    row_id = queue(rt, "dingtalk", "person", {"user_id": "0524"}, "file", "YQ-2026-0001.md", "text/markdown", export)
    assert deliver(rt, row_id, NOW) == "sent"
    message = server.dingtalk.messages_for_user("0524")[-1]
    assert message.msgtype == "sampleMarkdown" and "YQ-2026-0001.md" in message.content["text"]
    answer = _opened(rt, _markdown_link(message))
    assert answer.status_code == 200 and answer.data == export


def test_dingtalk_a_link_whose_time_is_over_no_longer_opens(rt, server, monkeypatch):
    row_id = queue(rt, "dingtalk", "person", {"user_id": "0524"}, "image", "旧图.png", "image/png", png(seed=7))
    assert deliver(rt, row_id, NOW) == "sent"
    link = _markdown_link(server.dingtalk.messages_for_user("0524")[-1])
    import bot.files_route as route

    later = datetime.now(timezone.utc) + timedelta(days=8)
    monkeypatch.setattr(route.time, "time", lambda: later.timestamp())
    answer = _opened(rt, link)
    assert answer.status_code == 410 and "链接已过期" in answer.get_data(as_text=True)


@pytest.mark.parametrize("megabyte", [1024 * 1024, 1_000_000], ids=["MB=2^20", "MB=10^6"])
def test_dingtalk_a_file_at_the_20MB_edge_is_uploaded_under_either_reading(rt, server, megabyte):
    server.dingtalk.media.megabyte = megabyte
    edge = b"x" * 20_000_000
    row_id = queue(rt, "dingtalk", "person", {"user_id": "0524"}, "file", "边界.pdf", "application/pdf", edge)
    assert deliver(rt, row_id, NOW) == "sent"
    assert server.dingtalk.media.received(server.dingtalk.messages_for_user("0524")) == [("sampleFile", "边界.pdf", edge)]


def test_dingtalk_a_file_over_its_limit_goes_as_a_link_instead_of_a_refused_upload(rt, server):
    server.dingtalk.media.megabyte = 1_000_000  # the reading under which DingTalk would refuse it
    big = b"x" * (20_000_000 + 1)  # over "20 MB" read as 10^6 bytes: DingTalk might refuse it
    row_id = queue(rt, "dingtalk", "person", {"user_id": "0524"}, "file", "大文件.pdf", "application/pdf", big)
    assert deliver(rt, row_id, NOW) == "sent"
    message = server.dingtalk.messages_for_user("0524")[-1]
    assert message.msgtype == "sampleMarkdown" and _opened(rt, _markdown_link(message)).data == big
    assert not [c for c in server.dingtalk.media.received(server.dingtalk.messages_for_user("0524"))]


def test_dingtalk_a_refused_upload_fails_for_the_desk_to_see(rt, server):
    row_id = queue(rt, "dingtalk", "person", {"user_id": "0524"}, "file", "空.pdf", "application/pdf", b"", raw=True)
    assert deliver(rt, row_id, NOW) == "failed"
    row = stored(rt, row_id)
    assert "40006" in row.last_error and server.dingtalk.messages_for_user("0524") == []
    assert _what(row.card) == "文件" and reason(row.last_error) == "文件过大或格式不被平台接受"
