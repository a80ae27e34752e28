"""The smart bot's media over the emulated long connection, with a bare WebSocket client: the three upload
frames, their checks (sizes, chunks, md5, the picture's format), and aibot_send_msg image/file naming only the
bot's own upload."""

from __future__ import annotations

import base64
import hashlib

import pytest

from tests.emulator.conftest_wecom import DESK_CHAT
from tests.emulator.test_wecom_longconn import client, send, server, wecom  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3000  # two chunks of 512 KB
CHUNK = 512 * 1024


def upload(client, content, kind="image", name="图.png", md5=None, chunks=None, skip=()):
    parts = [content[i:i + CHUNK] for i in range(0, len(content), CHUNK)]
    init = client.call("aibot_upload_media_init", {"type": kind, "filename": name, "total_size": len(content),
                                                   "total_chunks": chunks or len(parts),
                                                   "md5": md5 or hashlib.md5(content).hexdigest()})
    if init["errcode"]:
        return init
    upload_id = init["body"]["upload_id"]
    for index, part in enumerate(parts):
        if index in skip:
            continue
        answer = client.call("aibot_upload_media_chunk", {"upload_id": upload_id, "chunk_index": index,
                                                          "base64_data": base64.b64encode(part).decode()})
        assert answer["errcode"] == 0
    return client.call("aibot_upload_media_finish", {"upload_id": upload_id})


def test_an_upload_in_chunks_gives_a_media_id_whose_bytes_reach_the_group(wecom, client):
    done = upload(client, PNG)
    assert done["errcode"] == 0 and done["body"]["type"] == "image"
    image = {"msgtype": "image", "image": {"media_id": done["body"]["media_id"]}}
    assert send(client, DESK_CHAT, image)["errcode"] == 0
    assert wecom.media_in_group(DESK_CHAT) == [("image", "图.png", PNG)]


@pytest.mark.parametrize("kwargs,code", [
    ({"kind": "picture"}, 40005),
    ({"md5": "0" * 32}, 40058),  # the bytes are not what the init announced
    ({"skip": (1,)}, 40058),  # a chunk missing
    ({"chunks": 101}, 40058),  # more than 100 chunks
])
def test_a_broken_upload_is_refused(wecom, client, kwargs, code):
    assert upload(client, PNG, **kwargs)["errcode"] == code


def test_a_picture_must_be_jpg_or_png_and_a_file_over_20MB_is_refused(wecom, client):
    assert upload(client, b"GIF89a" + b"\x00" * 64, name="a.gif")["errcode"] == 40004
    answer = client.call("aibot_upload_media_init", {"type": "file", "filename": "big.zip", "md5": "x",
                                                     "total_size": 20 * 1024 * 1024 + 1, "total_chunks": 41})
    assert answer["errcode"] == 40006


def test_a_media_message_names_only_the_bots_own_upload_of_its_kind(wecom, client):
    done = upload(client, b"docx-bytes-here", kind="file", name="报告.docx")
    media_id = done["body"]["media_id"]
    assert send(client, DESK_CHAT, {"msgtype": "image", "image": {"media_id": media_id}})["errcode"] == 40007
    app_media = wecom.media.add("file", b"someone else's", "x.docx")
    assert send(client, DESK_CHAT, {"msgtype": "file", "file": {"media_id": app_media.media_id}})["errcode"] == 40007
    assert send(client, DESK_CHAT, {"msgtype": "file", "file": {}})["errcode"] == 41006
    assert send(client, DESK_CHAT, {"msgtype": "file", "file": {"media_id": media_id}})["errcode"] == 0
    assert wecom.media_in_group(DESK_CHAT) == [("file", "报告.docx", b"docx-bytes-here")]
