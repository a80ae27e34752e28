"""Pictures and files the bot sends show as the apps show them: a file bubble (type box, name, size, download
link) and a picture inline with the same link — never the message's raw JSON; the links fetch the bytes the
emulator received."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests
from flask import Flask, render_template

from bot.console import install
from bot.console.chats import _dingtalk_bubble, _wecom_bubble
from bot.console.files import file_icon, size_text
from tests.console.helpers import wait_in_chat

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60
DOCX = "YQ-2026-0001-舆情处置档案.docx"
DESK = "综合应急和新闻宣传科"


class FakeControl:
    """The emulators' media, as ``EmulatorControl.media_info`` reads them."""

    def __init__(self, media: dict[tuple[str, str], dict]) -> None:
        self.media = media

    def media_info(self, platform: str, media_id: str) -> dict | None:
        return self.media.get((platform, media_id))


CONTROL = FakeControl({("wecom", "m-file"): {"name": DOCX, "type": "file", "size": 39_100},
                       ("wecom", "m-pic"): {"name": "趋势图.png", "type": "image", "size": 2_400_000},
                       ("dingtalk", "@lAfile"): {"name": "upload.docx", "type": "file", "size": 800}})


def wecom(msgtype: str, content: dict, group: str = "") -> dict:
    message = {"seq": 7, "sender": "app", "msgtype": msgtype, "content": content, "time": 1_800_000_000}
    return _wecom_bubble(message, "ligs", {}, {}, CONTROL, group)


def dingtalk(msgtype: str, content: dict) -> dict:
    message = {"seq": 3, "sender": "bot", "channel": "robot_oto", "msgtype": msgtype, "content": content, "at": 0}
    return _dingtalk_bubble(CONTROL, message, "0524", {})


def test_a_wecom_file_is_a_file_bubble_with_its_name_size_and_bytes():
    bubble = wecom("file", {"media_id": "m-file"})
    assert bubble["kind"] == "file" and bubble["name"] == DOCX and bubble["size"] == "38.2 KB"
    assert (bubble["icon"], bubble["icon_class"]) == ("W", "word")
    assert bubble["endpoint"] == "console.media" and bubble["args"] == {"platform": "wecom", "media_id": "m-file"}


def test_a_wecom_picture_by_media_id_or_as_the_robots_base64_shows_inline():
    by_id = wecom("image", {"media_id": "m-pic"})
    assert by_id["kind"] == "image" and by_id["size"] == "2.3 MB" and by_id["args"]["media_id"] == "m-pic"
    robot = wecom("image", {"base64": base64.b64encode(PNG).decode(), "md5": "x"}, group="综合应急和新闻宣传科")
    assert robot["kind"] == "image" and robot["size"] == "68 B"
    assert robot["endpoint"] == "console.webhook_picture" and robot["args"] == {"group": "综合应急和新闻宣传科", "seq": 7}


def test_a_media_the_emulator_no_longer_keeps_says_so_without_a_link():
    bubble = wecom("file", {"media_id": "expired"})
    assert bubble["kind"] == "file" and bubble["gone"] and "过期" in bubble["size"] and "endpoint" not in bubble


def test_a_dingtalk_sample_file_shows_the_name_it_gives_and_the_size_uploaded():
    bubble = dingtalk("sampleFile", {"mediaId": "@lAfile", "fileName": DOCX, "fileType": "docx"})
    assert bubble["kind"] == "file" and bubble["name"] == DOCX and bubble["size"] == "800 B"
    assert bubble["args"] == {"platform": "dingtalk", "media_id": "@lAfile"}


@pytest.mark.parametrize("size,text", [(None, ""), (5, "5 B"), (1024, "1.0 KB"), (1536 * 1024, "1.5 MB")])
def test_sizes_read_as_the_apps_print_them(size, text):
    assert size_text(size) == text


@pytest.mark.parametrize("name,icon", [("a.docx", ("W", "word")), ("b.XLSX", ("X", "excel")), ("c.pdf", ("PDF", "pdf")),
                                       ("d.json", ("TXT", "text")), ("e.ofd", ("OFD", "other")),
                                       ("f", ("FILE", "other"))])
def test_a_files_type_box(name, icon):
    assert file_icon(name) == icon


def test_the_chat_draws_the_file_and_the_picture_not_their_json():
    app = Flask(__name__)
    install(app, "http://127.0.0.1:9")
    bubbles = [wecom("file", {"media_id": "m-file"}), wecom("image", {"media_id": "m-pic"}),
               dingtalk("sampleMarkdown", {"title": "图", "text": "![趋势图.png](http://x.example/files/t1)\n说明"})]
    with app.test_request_context("/"):
        html = render_template("_messages.html", page=None, bubbles=bubbles, chat_error="")
    assert "[file]" not in html and "media_id" not in html
    assert f'<div class="file-name" title="{DOCX}">{DOCX}</div>' in html and "38.2 KB" in html
    assert 'href="/console/media/wecom/m-file?download=1"' in html and ">下载</a>" in html
    assert '<img class="pic" src="/console/media/wecom/m-pic"' in html and "下载图片" in html
    assert '<img class="pic" src="http://x.example/files/t1" alt="趋势图.png"' in html  # DingTalk's markdown picture


def test_the_bytes_the_emulator_received_are_downloaded_from_the_chat(console_stack, client):
    """Through the real emulator: the app uploads a picture and a file and sends them to 李干事, the desk's robot
    posts a picture as base64; the console shows each and its links give back the same bytes."""
    base, env = console_stack.emulator.url + "/cgi-bin/", console_stack.env
    http = requests.Session()
    http.trust_env = False
    token = http.get(base + "gettoken", params={"corpid": env["WECOM_CORP_ID"],
                                                 "corpsecret": env["WECOM_SECRET"]}).json()["access_token"]

    def upload(kind: str, name: str, data: bytes) -> str:
        return http.post(base + "media/upload", params={"access_token": token, "type": kind},
                         files={"media": (name, data, "application/octet-stream")}).json()["media_id"]

    def send(msgtype: str, media_id: str) -> None:
        body = {"touser": "ligs", "agentid": int(env["WECOM_AGENT_ID"]), "msgtype": msgtype,
                msgtype: {"media_id": media_id}}
        assert http.post(base + "message/send", params={"access_token": token}, json=body).json()["errcode"] == 0

    send("image", upload("image", "趋势图.png", PNG))
    send("file", upload("file", DOCX, b"PK\x03\x04docx-bytes"))
    html = wait_in_chat(client, "p-li", "wecom.direct", DOCX, console_stack)
    assert "[file]" not in html and "[image]" not in html and '<img class="pic"' in html
    for src, data, disposition in [(_attr(html, '<img class="pic" src="'), PNG, "inline"),
                                   (_attr(html, 'class="file-download" href="', last=True), b"PK\x03\x04docx-bytes",
                                    "attachment")]:
        answer = client.get(src.replace("&amp;", "&"))
        assert answer.status_code == 200 and answer.data == data
        assert answer.headers["Content-Disposition"].startswith(disposition)

    hooks = console_stack.emulator.wecom.directory.wecom_hooks
    hook = next(key for key, name in hooks.items() if name == DESK)
    picture = {"base64": base64.b64encode(PNG).decode(), "md5": hashlib.md5(PNG).hexdigest()}
    assert http.post(base + "webhook/send", params={"key": hook},
                     json={"msgtype": "image", "image": picture}).json()["errcode"] == 0
    html = wait_in_chat(client, "p-li", f"wecom.group.{DESK}", '<img class="pic"', console_stack)
    src = _attr(html, '<img class="pic" src="')
    assert src.startswith("/console/media/wecom/groups/") and client.get(src).data == PNG


def _attr(html: str, before: str, last: bool = False) -> str:
    start = (html.rindex if last else html.index)(before) + len(before)
    return html[start:html.index('"', start)]
