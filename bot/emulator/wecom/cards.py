"""Template-card payload rules (``template_card`` of ``message/send``, webhook and smart bot).

Rules from the official "发送应用消息" page (document 90236), the smart bot's card page (101032) and the
error table 90313: task_id ``[0-9A-Za-z_\\-@]``, at most 128 bytes; at most 6 buttons; button key at
most 1024 bytes and unique; a callback button needs a key, a URL button a url; ``jump_list`` (text_notice
and news_notice only: the button, vote and multiple cards have no such field, and WeCom does not show it
there) at most 3 entries, each with a title and, for type 1, a url. Which errcode answers which breach is
partly a guess where WeCom documents none (see docs/emulator-wecom.md).

Lengths: WeCom *advises* (建议不超过) 36 characters for ``main_title.title``, 44 for its ``desc``, 160 for
``sub_title_text``, 30 for a row's ``value`` and 10 for a button's ``text`` (document 90236) and documents no
hard limit; the emulator refuses anything longer (40058, the table's "参数值的长度超出了限制"; 42038 for a
button's text), so a card it accepts is one WeCom shows whole. A callback key is printable ASCII without
spaces (42039): ours are URL-encoded queries. More than 6 buttons answers 42014, as the issue's field report
has it ("taskid has existed or empty or exceed max len" also for a card over its limits).
"""

from __future__ import annotations

import re

from bot.emulator.wecom import errcodes
from bot.emulator.wecom.errcodes import WeComError

CARD_TYPES = ("text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction")
INTERACTIVE = ("button_interaction", "vote_interaction", "multiple_interaction")
TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")
MAX_BUTTONS = 6
MAX_KEY_BYTES = 1024
MAX_HORIZONTAL = 6
MAX_OPTIONS = 10
MAX_JUMPS = 3
MAX_TITLE, MAX_TITLE_DESC, MAX_SUB_TITLE, MAX_VALUE, MAX_BUTTON_TEXT = 36, 44, 160, 30, 10
KEY = re.compile(r"^[!-~]+$")  # printable ASCII, no space
NOTICES = ("text_notice", "news_notice")


def needs_task_id(card: dict) -> bool:
    """Interactive cards, and notices with an action menu, carry a task_id and get a response_code."""
    return card.get("card_type") in INTERACTIVE or bool(card.get("action_menu"))


def validate_card(card: object, require_task_id: bool = True) -> dict:
    """Return ``card`` if WeCom would accept it; raises WeComError naming the broken field.

    ``require_task_id`` is False for whole-card updates, where WeCom keeps the original task.
    """
    if not isinstance(card, dict):
        raise WeComError(errcodes.INVALID_PARAMETER, "template_card must be an object")
    card_type = card.get("card_type")
    if card_type not in CARD_TYPES:
        raise WeComError(errcodes.CARD_TYPE_INVALID, f"card_type {card_type!r}")
    if require_task_id and needs_task_id(card) or "task_id" in card:
        _check_task_id(card.get("task_id"))
    _check_main_title(card)
    _check_horizontal(card.get("horizontal_content_list"))
    _check_menu(card.get("action_menu"))
    if card_type in NOTICES:
        _check_card_action(card.get("card_action"))
        _check_jump_list(card.get("jump_list"))
        return card
    if card_type == "button_interaction":
        _check_buttons(card.get("button_list"))
        _check_selection(card.get("button_selection"))
    else:
        _check_submit(card.get("submit_button"))
    # jump_list is no field of the interactive cards: WeCom accepts the card and does not show it
    return {k: v for k, v in card.items() if k != "jump_list"}


def as_sent(card: dict) -> dict:
    """What a fresh send (``message/send``, ``aibot_send_msg``, a ``response_url``) shows: ``replace_text`` is a
    field of ``update_template_card`` only, so WeCom ignores it there and the buttons stay live."""
    return {k: v for k, v in card.items() if k != "replace_text"}


def callback_keys(card: dict) -> list[str]:
    """The keys a person can click on ``card`` (callback buttons, or the submit button); none once
    ``replace_text`` greys the buttons out ("填写本字段后会展现灰色不可点击按钮")."""
    if card.get("replace_text"):
        return []
    if card.get("card_type") == "button_interaction":
        return [b["key"] for b in card.get("button_list") or [] if int(b.get("type", 0) or 0) == 0]
    submit = card.get("submit_button") or {}
    return [submit["key"]] if submit.get("key") else []


def links(card: dict) -> list[str]:
    """The URLs a holder can open from ``card``: link rows of horizontal_content_list, jump_list entries
    (notice cards), URL buttons, a linked quote_area and the whole card's card_action (type 1)."""
    items = [*(card.get("horizontal_content_list") or []), *(card.get("button_list") or []),
             *((card.get("jump_list") or []) if card.get("card_type") in NOTICES else []),
             card.get("quote_area") or {}, card.get("card_action") or {}]
    return [str(i["url"]) for i in items if isinstance(i, dict) and int(i.get("type", 0) or 0) == 1 and i.get("url")]


def _check_jump_list(items: object) -> None:
    """At most 3 entries (42042); each needs a title, and a url when it is a link (type 1)."""
    if items is None:
        return
    if not isinstance(items, list) or len(items) > MAX_JUMPS:
        raise WeComError(errcodes.CARD_JUMP_LIST, f"jump_list: at most {MAX_JUMPS} items")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("title"), str) or not item["title"]:
            raise WeComError(errcodes.INVALID_PARAMETER, "jump_list.title required")
        kind = item.get("type", 0) or 0
        if kind not in (0, 1, 2, 3):
            raise WeComError(errcodes.INVALID_PARAMETER, "jump_list.type must be 0-3")
        if kind == 1 and not item.get("url"):
            raise WeComError(errcodes.CARD_URL_MISSING, "jump_list.url missing")


def _check_task_id(task_id: object) -> None:
    if not isinstance(task_id, str) or not TASK_ID.match(task_id):
        raise WeComError(errcodes.INVALID_TASK_ID, "task_id must be 1-128 of [0-9A-Za-z_-@]")


def _check_main_title(card: dict) -> None:
    """main_title is required; its title too, except that a text_notice may give sub_title_text
    instead ("文本通知型卡片本字段非必填，但不可本字段和sub_title_text都不填")."""
    main = card.get("main_title")
    if not isinstance(main, dict):
        raise WeComError(errcodes.MISSING_TITLE, "main_title required")
    if not (main.get("title") or card["card_type"] == "text_notice" and card.get("sub_title_text")):
        raise WeComError(errcodes.MISSING_TITLE, "main_title.title required")
    _check_length(main.get("title"), MAX_TITLE, "main_title.title")
    _check_length(main.get("desc"), MAX_TITLE_DESC, "main_title.desc")
    _check_length(card.get("sub_title_text"), MAX_SUB_TITLE, "sub_title_text")


def _check_length(text: object, limit: int, field: str, code: int = errcodes.INVALID_PARAMETER) -> None:
    if isinstance(text, str) and len(text) > limit:
        raise WeComError(code, f"{field} exceed max length {limit}")


def _check_horizontal(items: object) -> None:
    if items is None:
        return
    if not isinstance(items, list) or len(items) > MAX_HORIZONTAL:
        raise WeComError(errcodes.CARD_HORIZONTAL_LIST, f"at most {MAX_HORIZONTAL} items")
    for item in items:
        if not isinstance(item, dict) or not item.get("keyname"):
            raise WeComError(errcodes.CARD_KEYNAME_MISSING)
        if int(item.get("type", 0) or 0) == 1 and not item.get("url"):
            raise WeComError(errcodes.CARD_URL_MISSING, "horizontal_content_list.url missing")
        _check_length(item.get("value"), MAX_VALUE, "horizontal_content_list.value")


def _check_menu(menu: object) -> None:
    if menu is None:
        return
    actions = menu.get("action_list") if isinstance(menu, dict) else None
    if not isinstance(actions, list) or not actions:
        raise WeComError(errcodes.INVALID_PARAMETER, "action_menu.action_list required")
    keys = [a.get("key") for a in actions if isinstance(a, dict)]
    if len(set(keys)) != len(actions) or not all(keys):
        raise WeComError(errcodes.CARD_MENU_KEY_CONFLICT)


def _check_card_action(action: object) -> None:
    if not isinstance(action, dict) or int(action.get("type", -1) or 0) not in (1, 2):
        raise WeComError(errcodes.CARD_ACTION_INVALID, "card_action.type must be 1 or 2")
    if int(action["type"]) == 1 and not action.get("url"):
        raise WeComError(errcodes.CARD_URL_MISSING, "card_action.url missing")


def _check_buttons(buttons: object) -> None:
    if not isinstance(buttons, list) or not buttons:
        raise WeComError(errcodes.INVALID_PARAMETER, "button_list required")
    if len(buttons) > MAX_BUTTONS:
        raise WeComError(errcodes.INVALID_TASK_ID, f"button_list exceed max size {MAX_BUTTONS}")
    keys: set[str] = set()
    for button in buttons:
        _check_button(button, keys)


def _check_button(button: object, keys: set[str]) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise WeComError(errcodes.CARD_BUTTON_TEXT)
    _check_length(button["text"], MAX_BUTTON_TEXT, "button_list.text", errcodes.CARD_BUTTON_TEXT)
    kind = button.get("type", 0) or 0
    if kind not in (0, 1):
        raise WeComError(errcodes.INVALID_PARAMETER, "button_list.type must be 0 or 1")
    if "style" in button and button["style"] not in (1, 2, 3, 4):
        raise WeComError(errcodes.INVALID_PARAMETER, "button_list.style must be 1-4")
    if kind == 1:
        if not button.get("url"):
            raise WeComError(errcodes.CARD_URL_MISSING, "button_list.url missing")
        return
    key = button.get("key")
    if not isinstance(key, str) or not KEY.match(key) or len(key.encode()) > MAX_KEY_BYTES or key in keys:
        raise WeComError(errcodes.CARD_BUTTON_KEY, "key required, unique, printable ASCII, at most 1024 bytes")
    keys.add(key)


def _check_selection(selection: object) -> None:
    if selection is None:
        return
    if not isinstance(selection, dict) or not selection.get("question_key"):
        raise WeComError(errcodes.CARD_QUESTION_KEY)
    options = selection.get("option_list")
    if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS:
        raise WeComError(errcodes.CARD_OPTION_LIST, f"1 to {MAX_OPTIONS} options")


def _check_submit(submit: object) -> None:
    if not isinstance(submit, dict) or not submit.get("text"):
        raise WeComError(errcodes.CARD_SUBMIT_TEXT)
    key = submit.get("key")
    if not isinstance(key, str) or not key or len(key.encode()) > MAX_KEY_BYTES:
        raise WeComError(errcodes.CARD_SUBMIT_KEY)
