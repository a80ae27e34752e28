"""Picture and file messages, checked against the media they name (docs/emulator-wecom.md, "Media"):

* the app's ``message/send`` and ``appchat/send`` ``image``/``file`` name a media_id of the app's own
  uploads (or what people sent), of the message's kind, younger than 3 days — else 40007;
* the webhook robot's ``image`` carries ``base64`` and ``md5`` of the raw bytes: at most 2 MB before
  encoding (40009), JPG or PNG (40004), the md5 matching (40058, as WeCom is seen to answer a bad image);
  its ``file`` names a media_id from ``webhook/upload_media`` of the same robot (40007 otherwise).

:func:`received` turns recorded messages back into bytes, so a test can compare what arrived.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import TYPE_CHECKING, Iterable

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.errcodes import WeComError
from bot.emulator.wecom.uploads import PICTURE_MAGIC

if TYPE_CHECKING:
    from bot.emulator.wecom.media import MediaStore
    from bot.emulator.wecom.payloads import Body

MEDIA_TYPES = ("image", "file")
ROBOT_IMAGE_LIMIT = 2 * 1024 * 1024


def check_app(store: MediaStore, body: Body) -> None:
    """Refuse an app picture/file message whose media_id is not the app's, of its kind, alive."""
    if body.msgtype in MEDIA_TYPES:
        check_named(store, body, "app")


def check_robot(store: MediaStore, key: str, body: Body) -> None:
    """Refuse a webhook picture that breaks the rules, or a file not uploaded by this robot."""
    if body.msgtype == "file":
        check_named(store, body, f"robot:{key}")
    elif body.msgtype == "image":
        robot_image(body.content)


def robot_image(content: dict) -> bytes:
    """The bytes of a webhook ``image`` object; raises WeComError."""
    encoded, md5 = content.get("base64"), content.get("md5")
    if not isinstance(encoded, str) or not encoded or not isinstance(md5, str) or not md5:
        raise WeComError(errcodes.INVALID_PARAMETER, "image.base64 and image.md5 are required")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise WeComError(errcodes.INVALID_PARAMETER, "image.base64 invalid") from None
    if len(data) > ROBOT_IMAGE_LIMIT:
        raise WeComError(errcodes.INVALID_IMAGE_SIZE, f"{len(data)} bytes")
    if not data.startswith(PICTURE_MAGIC):
        raise WeComError(errcodes.INVALID_MEDIA_TYPE, "image must be JPG or PNG")
    if hashlib.md5(data).hexdigest() != md5.lower():
        raise WeComError(errcodes.INVALID_PARAMETER, "image.md5 does not match")
    return data


def check_named(store: MediaStore, body: Body, owner: str) -> None:
    """Refuse a picture/file message whose media_id is missing (41006), unknown, expired, of another kind or
    another ``owner``'s upload (40007)."""
    media = store.get(body.content.get("media_id"))
    if media.kind != body.msgtype or media.owner != owner:
        raise WeComError(errcodes.INVALID_MEDIA_ID, f"media is a {media.kind} of {media.owner}")


def received(store: MediaStore, messages: Iterable[dict]) -> list[tuple[str, str, bytes]]:
    """(msgtype, name, bytes) of every picture/file among recorded ``messages`` (as ``Records.messages``
    gives them; their media still kept)."""
    out = []
    for message in messages:
        if message["msgtype"] not in MEDIA_TYPES:
            continue
        content = message["content"]
        if "base64" in content:
            out.append((message["msgtype"], "", base64.b64decode(content["base64"])))
        else:
            media = store.get(content.get("media_id"))
            out.append((message["msgtype"], media.name, media.data))
    return out
