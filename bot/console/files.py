"""Pictures and files the bot sends, as the chat apps show them, and their bytes for the console's download route.

A file is a bubble with a box standing for its type (W for Word, X for Excel, PDF …), its name, its size and a
download link; a picture shows inline with the same link. Where the bytes are:

* WeCom ``image``/``file`` name a media_id — the app's ``media/upload``, the group robot's ``webhook/upload_media``
  or the smart bot's upload over its long connection — kept by the emulator (``/_emulator/wecom/media/<id>``);
  the group robot's ``image`` carries its bytes as base64 in the message itself (served by group and message seq);
* DingTalk's robot ``sampleFile`` ``{mediaId, fileName, fileType}`` names a ``/media/upload`` media
  (``/_emulator/dingtalk/media/<id>``); a DingTalk picture is markdown ``![name](url)`` (``bot.console.richtext``).

A bubble names its bytes as ``endpoint`` and ``args`` of a console route (the template builds the URL); a media
the emulator no longer keeps (WeCom's 3 days, a reset) is a file bubble saying so, with no link.
"""

from __future__ import annotations

import base64
import binascii

from bot.console.emulators import EmulatorControl

__all__ = ["dingtalk_file", "file_icon", "size_text", "webhook_picture", "wecom_media"]

KB, MB = 1024, 1024 * 1024
ICONS = {  # extension → (the box's text, its colour class)
    **dict.fromkeys(("doc", "docx", "wps"), ("W", "word")), **dict.fromkeys(("xls", "xlsx", "csv"), ("X", "excel")),
    **dict.fromkeys(("ppt", "pptx"), ("P", "ppt")), "pdf": ("PDF", "pdf"),
    **dict.fromkeys(("zip", "rar", "7z"), ("ZIP", "zip")),
    **dict.fromkeys(("png", "jpg", "jpeg", "gif", "bmp"), ("IMG", "image")),
    **dict.fromkeys(("txt", "md", "json"), ("TXT", "text")),
}
GONE = "（文件已过期或已被清除）"


def size_text(size: int | None) -> str:
    """A file's size as the apps print it: ``512 B``, ``12.3 KB``, ``1.5 MB``; "" when unknown."""
    if size is None:
        return ""
    if size < KB:
        return f"{size} B"
    return f"{size / KB:.1f} KB" if size < MB else f"{size / MB:.1f} MB"


def file_icon(name: str) -> tuple[str, str]:
    """The type box of a file named ``name``: its text and its colour class."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return ICONS.get(extension) or ((extension[:4].upper() or "FILE"), "other")


def wecom_media(control: EmulatorControl, msgtype: str, content: dict, group: str = "", seq: int | None = None) -> dict:
    """The bubble fields of a WeCom ``image``/``file`` message: by its media_id, or (a group robot's picture) its
    base64 bytes, served by ``group`` and the message's ``seq``."""
    if msgtype == "image" and content.get("base64") and group and seq is not None:
        size = _base64_size(str(content["base64"]))
        return {"kind": "image", "name": "图片", "size": size_text(size),
                "endpoint": "console.webhook_picture", "args": {"group": group, "seq": seq}}
    return _by_media_id(control, "wecom", msgtype, str(content.get("media_id") or ""), "")


def dingtalk_file(control: EmulatorControl, content: dict) -> dict:
    """The bubble fields of a DingTalk robot ``sampleFile``: the name it gives, the size of the media it names."""
    return _by_media_id(control, "dingtalk", "file", str(content.get("mediaId") or ""),
                        str(content.get("fileName") or ""))


def webhook_picture(control: EmulatorControl, group: str, seq: int) -> tuple[bytes, str] | None:
    """The bytes and type of the group robot's picture message number ``seq`` in ``group``, or None."""
    for message in control.wecom_group_chat(group):
        content = message.get("content") or {}
        if message.get("seq") == seq and message.get("msgtype") == "image" and content.get("base64"):
            try:
                data = base64.b64decode(str(content["base64"]), validate=True)
            except (binascii.Error, ValueError):
                return None
            return data, "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return None


def _by_media_id(control: EmulatorControl, platform: str, msgtype: str, media_id: str, name: str) -> dict:
    info = control.media_info(platform, media_id) if media_id else None
    if info is None:
        label, colour = file_icon(name)
        return {"kind": "file", "name": name or "文件", "size": GONE, "icon": label, "icon_class": colour,
                "gone": True}
    name = name or str(info.get("name") or "")
    fields = {"name": name, "size": size_text(info.get("size")), "endpoint": "console.media",
              "args": {"platform": platform, "media_id": media_id}}
    if msgtype == "image":
        return {**fields, "kind": "image"}
    label, colour = file_icon(name)
    return {**fields, "kind": "file", "icon": label, "icon_class": colour}


def _base64_size(encoded: str) -> int:
    return len(encoded) * 3 // 4 - encoded[-2:].count("=")
