"""The old API's /media/upload and the robot messages that name a media, as strict as DingTalk: types,
formats by extension, sizes, an unknown mediaId refused; what arrived can be read back as bytes."""

from __future__ import annotations

import json

import pytest
import requests

from .conftest_dingtalk import *  # noqa: F401,F403  (fixtures)
from bot.emulator.dingtalk.media import MILLION

from .conftest_dingtalk import DESK, ENV, LI, api

MB = 1024 * 1024


def upload(server, token, kind, name, content):
    params = {"type": kind, **({"access_token": token} if token else {})}
    return requests.post(f"{server.url}/media/upload", params=params, timeout=30,
                         files={"media": (name, content, "application/octet-stream")}).json()


def file_message(media_id, name="报告.docx", **where):
    body = {"robotCode": ENV["DINGTALK_ROBOT_CODE"], "msgKey": "sampleFile",
            "msgParam": json.dumps({"mediaId": media_id, "fileName": name, "fileType": "docx"}), **where}
    return body


def test_an_uploaded_file_reaches_a_person_and_a_group_with_its_bytes(server, dt, token):
    answer = upload(server, token, "file", "报告.docx", b"docx-bytes")
    assert answer["errcode"] == 0 and answer["media_id"].startswith("@")
    one = api(server, "POST", "/v1.0/robot/oToMessages/batchSend", token, file_message(answer["media_id"],
                                                                                     userIds=[LI]))
    group = api(server, "POST", "/v1.0/robot/groupMessages/send", token,
                file_message(answer["media_id"], openConversationId=DESK))
    assert one.status_code == group.status_code == 200
    assert dt.media.received(dt.messages_for_user(LI)) == [("sampleFile", "报告.docx", b"docx-bytes")]
    assert dt.media.received(dt.messages_for_group(DESK)) == [("sampleFile", "报告.docx", b"docx-bytes")]


@pytest.mark.parametrize("kind,name,content,code", [
    ("document", "a.pdf", b"pdf", 40005),  # a type the upload does not take
    ("file", "a.md", b"# md", 40004),  # a format the file type does not take
    ("file", "noextension", b"bytes", 40004),
    ("image", "a.tiff", b"tiff", 40004),
    ("file", "empty.pdf", b"", 40006),
    ("file", "big.zip", b"x" * (20 * MB + 1), 40006),  # over 20 MB
    ("voice", "a.mp3", b"x" * (2 * MB + 1), 40006),
])
def test_uploads_outside_the_limits_are_refused_with_the_old_apis_code(server, dt, token, kind, name, content,
                                                                       code):
    assert upload(server, token, kind, name, content)["errcode"] == code


def test_an_upload_needs_the_token_in_the_query(server, dt, token):
    assert upload(server, None, "file", "a.pdf", b"pdf-bytes")["errcode"] == 88


def test_a_file_message_naming_an_unknown_media_is_refused(server, dt, token):
    resp = api(server, "POST", "/v1.0/robot/oToMessages/batchSend", token, file_message("@lAnothing", userIds=[LI]))
    assert resp.status_code == 400 and resp.json()["code"] == "invalidParameter.mediaId.invalid"
    assert dt.messages_for_user(LI) == []


@pytest.mark.parametrize("megabyte,accepted", [(MB, True), (MILLION, False)], ids=["2^20", "10^6"])
def test_what_20MB_means_is_a_switch(server, dt, token, megabyte, accepted):
    dt.media.megabyte = megabyte
    answer = upload(server, token, "file", "edge.pdf", b"x" * (20_000_000 + 1))
    assert (answer["errcode"] == 0) is accepted and (accepted or answer["errcode"] == 40006)
    assert upload(server, token, "file", "edge.pdf", b"x" * 20_000_000)["errcode"] == 0  # within either reading


def test_the_control_endpoints_give_an_uploads_name_size_and_bytes(server, dt, token):
    media_id = upload(server, token, "file", "档案.docx", b"docx-bytes")["media_id"]
    control = f"{server.url}/_emulator/dingtalk/media/{media_id}"
    info = requests.get(control, timeout=10).json()
    assert (info["name"], info["type"], info["size"]) == ("档案.docx", "file", 10)
    assert info["content_type"].endswith("wordprocessingml.document")
    answer = requests.get(control + "/content", timeout=10)
    assert answer.status_code == 200 and answer.content == b"docx-bytes"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert requests.get(f"{server.url}/_emulator/dingtalk/media/@lAnothing", timeout=10).status_code == 404
    assert requests.get(f"{server.url}/_emulator/dingtalk/media/@lAnothing/content", timeout=10).status_code == 404
