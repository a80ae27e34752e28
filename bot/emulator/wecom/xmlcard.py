"""A template card in the CamelCase XML of a passive ``update_template_card`` reply (document
90241, "更新点击用户的整张卡片"), turned into the JSON form ``message/send`` uses.

Repeated list elements (``<ButtonList>`` once per button, …) become arrays; numeric fields
(Style, Type, DescColor, …) become integers. Best effort: WeCom documents the XML by example only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

LIST_TAGS = {"HorizontalContentList", "VerticalContentList", "JumpList", "ButtonList", "OptionList",
             "SelectList", "ActionList", "ImageTextArea"}
INT_TAGS = {"Style", "Type", "DescColor", "AspectRatio", "Disable", "IsChecked", "Mode"}
RENAMED = {"key_name": "keyname"}


def snake(tag: str) -> str:
    """``MainTitle`` → ``main_title`` (``KeyName`` → ``keyname``, as in the JSON form)."""
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", tag).lower()
    return RENAMED.get(name, name)


def card_from_xml(element: ElementTree.Element) -> dict:
    """The JSON form of a ``<TemplateCard>`` element (or any nested element)."""
    card: dict = {}
    for child in element:
        key = snake(child.tag)
        value = card_from_xml(child) if len(child) else _scalar(child.tag, child.text or "")
        if child.tag in LIST_TAGS and child.tag != "ImageTextArea":
            card.setdefault(key, []).append(value)
        else:
            card[key] = value
    return card


def _scalar(tag: str, text: str) -> object:
    if tag in INT_TAGS and text.strip().lstrip("-").isdigit():
        return int(text)
    if tag == "Disable":
        return text.strip().lower() == "true"
    return text
