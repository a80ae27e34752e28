"""Temporary media and picture/file messages, as strict as WeCom: media/upload's types and limits, the
webhook robot's upload_media, message/send / appchat/send / webhook image and file, media_id lifetime."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests

from tests.emulator.conftest_wecom import DESK_HOOK, api, server, wecom  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 40
MB = 1024 * 1024


def upload(api, kind, content, name="a.png", token=True):
    params = {"type": kind, "access_token": api.token()} if token else {"type": kind}
    return api.session.post(api.base + "media/upload", params=params,
                            files={"media": (name, content, "application/octet-stream")}).json()


def robot_upload(api, kind, content, key=DESK_HOOK, name="报表.xlsx"):
    return api.session.post(api.base + "webhook/upload_media", params={"key": key, "type": kind},
                            files={"media": (name, content, "application/octet-stream")}).json()


def send(api, msgtype, media_id, touser="ligs"):
    return api.call("message/send", {"touser": touser, "agentid": 1000002, "msgtype": msgtype,
                                     msgtype: {"media_id": media_id}})


def test_an_uploaded_picture_reaches_the_person_with_its_bytes(api, wecom):
    answer = upload(api, "image", PNG, "图.png")
    assert answer["errcode"] == 0 and answer["type"] == "image" and answer["media_id"]
    assert send(api, "image", answer["media_id"])["errcode"] == 0
    assert wecom.media_for_user("ligs") == [("image", "图.png", PNG)]


@pytest.mark.parametrize("kind,content,code", [
    ("picture", PNG, 40005),  # a type media/upload does not take
    ("image", b"GIF89a" + b"\x00" * 20, 40004),  # not JPG or PNG
    ("image", JPEG + b"\x00" * (10 * MB), 40009),  # a picture over 10 MB
    ("file", b"12345", 40006),  # "所有文件size必须大于5个字节"
    ("file", b"x" * (20 * MB + 1), 40006),  # a file over 20 MB
    ("video", b"\x00" * (10 * MB + 1), 40011),
])
def test_uploads_outside_the_limits_are_refused_with_wecoms_code(api, wecom, kind, content, code):
    assert upload(api, kind, content)["errcode"] == code


def test_an_upload_needs_a_token_and_a_media_part(api, wecom):
    assert upload(api, "file", b"123456", token=False)["errcode"] == 41001
    answer = api.session.post(api.base + "media/upload", params={"type": "file", "access_token": api.token()},
                              data={"x": "1"}).json()
    assert answer["errcode"] == 41005


def test_a_media_id_serves_its_own_kind_and_lives_three_days(api, wecom):
    file_id = upload(api, "file", b"report-bytes", "报告.docx")["media_id"]
    assert send(api, "image", file_id)["errcode"] == 40007  # a file's media_id is no picture
    assert send(api, "file", "not-a-media-id")["errcode"] == 40007
    assert api.call("message/send", {"touser": "ligs", "agentid": 1000002, "msgtype": "file",
                                     "file": {}})["errcode"] == 41006
    wecom.advance_time(3 * 24 * 3600)
    api._token = ""  # the old access token expired too
    assert send(api, "file", file_id)["errcode"] == 40007
    assert wecom.media_for_user("ligs") == []


def test_the_robot_takes_a_picture_as_base64_and_md5(api, wecom):
    body = {"base64": base64.b64encode(JPEG).decode(), "md5": hashlib.md5(JPEG).hexdigest()}
    assert api.call("webhook/send", {"msgtype": "image", "image": body}, key=DESK_HOOK)["errcode"] == 0
    assert wecom.media_in_group(DESK_HOOK) == [("image", "", JPEG)]


@pytest.mark.parametrize("content,md5,code", [
    (JPEG, "0" * 32, 40058),  # the md5 does not match the bytes
    (b"GIF89a" + b"\x00" * 20, None, 40004),  # not JPG or PNG
    (JPEG + b"\x00" * (2 * MB), None, 40009),  # over 2 MB before encoding
])
def test_the_robot_refuses_a_picture_outside_its_rules(api, wecom, content, md5, code):
    body = {"base64": base64.b64encode(content).decode(), "md5": md5 or hashlib.md5(content).hexdigest()}
    assert api.call("webhook/send", {"msgtype": "image", "image": body}, key=DESK_HOOK)["errcode"] == code
    assert wecom.media_in_group(DESK_HOOK) == []


def test_the_robot_sends_a_file_only_from_its_own_upload(api, wecom):
    answer = robot_upload(api, "file", b"xlsx-bytes", name="统计.xlsx")
    assert answer["errcode"] == 0
    assert robot_upload(api, "image", PNG)["errcode"] == 40005  # the robot's upload takes file and voice
    assert robot_upload(api, "file", b"x" * 10, key="no-such-hook")["errcode"] == 93000
    app_id = upload(api, "file", b"from-the-app")["media_id"]
    assert api.call("webhook/send", {"msgtype": "file", "file": {"media_id": app_id}},
                    key=DESK_HOOK)["errcode"] == 40007
    assert api.call("webhook/send", {"msgtype": "file", "file": {"media_id": answer["media_id"]}},
                    key=DESK_HOOK)["errcode"] == 0
    assert wecom.media_in_group(DESK_HOOK) == [("file", "统计.xlsx", b"xlsx-bytes")]


def test_the_control_endpoints_give_a_medias_name_size_and_bytes_until_it_expires(api, wecom, server):
    media_id = robot_upload(api, "file", b"docx-bytes", name="档案.docx")["media_id"]
    control = f"{server.url}/_emulator/wecom/media/{media_id}"
    info = requests.get(control, timeout=10).json()
    assert (info["name"], info["type"], info["size"], info["owner"]) == ("档案.docx", "file", 10, f"robot:{DESK_HOOK}")
    answer = requests.get(control + "/content", timeout=10)
    assert answer.status_code == 200 and answer.content == b"docx-bytes"
    assert "attachment" in answer.headers["Content-disposition"]
    wecom.advance_time(3 * 24 * 3600)
    assert requests.get(control, timeout=10).status_code == 404
    assert requests.get(control + "/content", timeout=10).status_code == 404
