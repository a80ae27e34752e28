"""The self-built app's XML, read safely: the encrypted envelope and the decrypted message.

Every XML body goes through defusedxml with DTDs forbidden, so a DOCTYPE, an entity (billion
laughs, external entities) or a malformed document is a ``PayloadError`` (400) before anything
else looks at it. wechatpy's own parser (xmltodict) is not used on request bodies, and it reads
``template_card_event`` as an unknown message anyway; :func:`parse_message` reads text, link and
``template_card_event``/``template_card_menu_event`` (with ``SelectedItems``) into a plain dict.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.core.errors import PayloadError

CARD_EVENTS = ("template_card_event", "template_card_menu_event")


def parse_xml(data: bytes | str, what: str = "body") -> Element:
    """The root element of ``data``; raises PayloadError for DTDs, entities or malformed XML."""
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise PayloadError(f"hostile XML in {what} refused: {type(exc).__name__}") from None
    except (ParseError, ValueError) as exc:
        raise PayloadError(f"malformed XML in {what}: {exc}") from None


def fields(root: Element) -> dict[str, str]:
    """The text of each direct child of ``root`` (CDATA unwrapped), by tag."""
    return {child.tag: (child.text or "").strip() for child in root}


def envelope(body: bytes) -> dict[str, str]:
    """``ToUserName``, ``AgentID`` and ``Encrypt`` of a POSTed callback; raises PayloadError."""
    root = parse_xml(body, "envelope")
    found = fields(root)
    if root.tag != "xml" or not found.get("Encrypt"):
        raise PayloadError("callback envelope has no Encrypt")
    return found


def _selected_items(root: Element) -> list[dict]:
    """``SelectedItems`` as ``[{"question_key": ..., "option_ids": [...]}]`` (one or many alike)."""
    items = []
    for item in root.iterfind("SelectedItems/SelectedItem"):
        items.append({"question_key": (item.findtext("QuestionKey") or "").strip(),
                      "option_ids": [(o.text or "").strip() for o in item.iterfind("OptionIds/OptionId")]})
    return items


def parse_message(plaintext: str) -> dict:
    """A decrypted app message as a dict of its fields (``selected_items`` for card events).

    Raises PayloadError when it is not XML or lacks ``FromUserName``/``MsgType``.
    """
    root = parse_xml(plaintext.encode(), "decrypted message")
    message: dict = fields(root)
    message.pop("SelectedItems", None)
    if not message.get("FromUserName") or not message.get("MsgType"):
        raise PayloadError("decrypted message lacks FromUserName or MsgType")
    if message.get("Event") in CARD_EVENTS:
        message["selected_items"] = _selected_items(root)
    return message
