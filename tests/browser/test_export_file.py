"""导出 YQ-… as its reader sees it (issue 24): the desk's 李干事 opens a case on DingTalk and asks for its file; the
robot's 1:1 chat says 「正在生成」 and then shows a file bubble — a Word box, ``YQ-…-舆情处置档案.docx``, its size and
a download link that fetches the bytes the emulator received. The same on WeCom, where the self-built app sends
it 1:1; a picture the app sends shows inline with 下载图片. The last screenshots are at a phone's width (390 px).
Screenshots under var/test-artifacts."""

from __future__ import annotations

import re
import struct
import zlib
from urllib.parse import urljoin

import requests

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips (or fails in strict mode) with the reason
    expect = None

NUMBER = re.compile(r"YQ-\d{4}-\d{4}")
SIZE = re.compile(r"^\d+(\.\d)? (KB|MB)$")


def test_an_exported_case_arrives_as_a_file_bubble_on_dingtalk_and_wecom(console, stack):
    console.act_as("李干事").open_chat("dingtalk", "舆情助手")
    console.send("立案 某超市销售过期食品")
    number = NUMBER.search(console.card("已立案").inner_text()).group(0)
    console.send(f"导出 {number}")
    expect(console.bot_says("正在生成")).to_contain_text(number)
    _shows_the_file(console, number)
    console.screenshot("export-file-dingtalk")

    console.open_chat("wecom", "舆情助手")
    console.send(f"导出 {number}")
    expect(console.bot_says("正在生成")).to_contain_text(number)
    _shows_the_file(console, number)
    console.screenshot("export-file-wecom")

    _app_sends_a_picture(stack)
    picture = console.page.locator("#messages .msg.bot .bubble.kind-image").last
    expect(picture.locator("img.pic")).to_have_js_property("naturalWidth", 480)
    expect(picture.locator("a.file-download")).to_have_text("下载图片")
    console.screenshot("picture-wecom")

    console.page.set_viewport_size({"width": 390, "height": 844})
    picture.scroll_into_view_if_needed()
    console.screenshot("export-file-wecom-phone")
    console.open_chat("dingtalk", "舆情助手")
    console.page.locator("#messages .file-card").last.scroll_into_view_if_needed()
    console.screenshot("export-file-dingtalk-phone")
    box = console.page.locator("#messages .file-card").last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the bubble fits a phone's width


def _app_sends_a_picture(stack) -> None:
    """The self-built app sends 李干事 a chart (as the bot's pictures go: media/upload, then message/send)."""
    base, env = stack.emulator.url + "/cgi-bin/", stack.env
    http = requests.Session()
    http.trust_env = False
    token = http.get(base + "gettoken", params={"corpid": env["WECOM_CORP_ID"],
                                                 "corpsecret": env["WECOM_SECRET"]}).json()["access_token"]
    media_id = http.post(base + "media/upload", params={"access_token": token, "type": "image"},
                         files={"media": ("趋势图.png", _chart_png(480, 240), "image/png")}).json()["media_id"]
    body = {"touser": "ligs", "agentid": int(env["WECOM_AGENT_ID"]), "msgtype": "image",
            "image": {"media_id": media_id}}
    assert http.post(base + "message/send", params={"access_token": token}, json=body).json()["errcode"] == 0


def _chart_png(width: int, height: int) -> bytes:
    """A PNG of bars, made with the stdlib."""
    rows = b""
    for y in range(height):
        row = bytearray()
        for x in range(width):
            bar = x % 40 < 28 and y > 20 + (x // 40 * 53) % (height - 40)
            row += bytes((50, 150, 250) if bar else (245, 247, 250))
        rows += b"\x00" + bytes(row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _shows_the_file(console, number: str) -> None:
    """The chat's last file bubble is the case's Word file, with its size, and its link downloads a .docx."""
    card = console.page.locator("#messages .msg.bot .file-card", has_text=f"{number}-舆情处置档案.docx").last
    expect(card).to_be_visible()
    expect(card.locator(".file-icon")).to_have_text("W")
    expect(card.locator(".file-size")).to_have_text(SIZE)
    link = card.locator("a.file-download")
    expect(link).to_have_text("下载")
    answer = console.page.request.get(urljoin(console.url, link.get_attribute("href")))
    assert answer.ok and answer.body()[:2] == b"PK"  # a .docx is a zip
    assert f"{number}" in answer.headers["content-disposition"]
