"""What dialogs declare and the registry acts on: which dialog's entry point is tried first, and the
buttons only a dialog's owner may click — answered for every dialog that declares them, with no line to
add in handlers/dialog_owner.py or handlers/ended_dialog_clicks.py."""

import ast
from datetime import datetime, timezone
from enum import StrEnum
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.core.card import Button, Card, Reply
from bot.core.conversation import END, LAST, Conversation, OwnerButtons, Step
from bot.core.event import Event
from handlers import registry
from handlers.dialog_owner import owned
from handlers.engine import by_precedence, process

NOW = datetime(2026, 11, 30, 2, tzinfo=timezone.utc)
HANDLERS = Path(registry.__file__).parent
PEOPLE = {"p-wei": "卫干事", "p-feng": "冯科长"}


class S(StrEnum):
    SIGN = "sign"


def ctx(person_id):
    org = SimpleNamespace(person=lambda pid: SimpleNamespace(id=pid, name=PEOPLE[pid]) if pid in PEOPLE else None)
    return SimpleNamespace(org=org, person=org.person(person_id), extra={})


def click(action, params):
    return Event(platform="dingtalk", kind="click", user_id="u", chat_id="cid1", chat_type="group",
                 dedup_key=action, received_at=NOW.isoformat(), action=action, params=params)


def typed(text):
    return Event(platform="dingtalk", kind="text", user_id="u", chat_id="cid1", chat_type="single",
                 dedup_key=text, received_at=NOW.isoformat(), text=text)


def answer(event, person_id, stored=None):
    outcome = process(event, ctx(person_id), stored, NOW, registry.dialogs, registry.load_router())
    return outcome, [r.card.data["text"] for r in outcome.replies]


@pytest.fixture
def register():
    """Register dialogs for one test on the real registry; take them (and their routed buttons) away after."""
    registry.load_router()
    added = []

    def add(conversation):
        registry.dialog(conversation)
        added.append(conversation)
        return conversation

    yield add
    for conversation in added:
        del registry.dialogs[conversation.name]
        for key in conversation.owner_buttons.keys if conversation.owner_buttons else ():
            del registry.router.actions[key]


def test_real_dialogs_are_tried_in_declared_order_and_intake_comes_last():
    registry.load_router()
    order = [c.name for c in by_precedence(registry.dialogs.values())]
    assert order[-1] == "intake" and registry.dialogs["intake"].precedence == LAST
    starts = [c.name for c in by_precedence(reversed(list(registry.dialogs.values())))
              if c.entry(typed("报告 YQ-2026-0001 初报 https://weibo.com/3/Q"))]
    assert starts[0] == "report"


def test_a_later_module_with_an_earlier_precedence_wins(register):
    # registered in file-name order, as registry.load_router() imports them; both take the same text
    register(Conversation(name="a_any_sign", entry_points=[(lambda e: "会签" in e.text, lambda e, c, d: Step(
        END, (Reply(Card("notice", {"text": "a_any_sign"})),)))], states={}, precedence=LAST - 1))
    register(Conversation(name="z_sign", entry_points=[(lambda e: e.text.startswith("会签 "), lambda e, c, d: Step(
        END, (Reply(Card("notice", {"text": "z_sign"})),)))], states={}))
    assert answer(typed("会签 YQ-2026-0009"), "p-wei")[1] == ["z_sign"]
    assert answer(typed("请会签"), "p-wei")[1] == ["a_any_sign"]


def declared_keys():
    registry.load_router()
    return {key: c.owner_buttons for c in registry.dialogs.values() if c.owner_buttons for key in c.owner_buttons.keys}


def owned_buttons_in_handlers():
    """Every ``Button(label, "key", owned(...))`` the handler modules build: (module, key)."""
    for path in sorted(HANDLERS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Button"):
                continue
            args = dict(zip(("label", "action", "params"), node.args)) | {k.arg: k.value for k in node.keywords}
            params, key = args.get("params"), args.get("action")
            if isinstance(params, ast.Call) and getattr(params.func, "id", "") == "owned":
                yield path.name, key.value if isinstance(key, ast.Constant) else ast.unparse(key)


def test_every_button_made_owner_bound_is_declared_by_its_dialog():
    found = list(owned_buttons_in_handlers())
    assert {key for _, key in found} >= {"report.kind", "report.confirm", "report.redo", "grade.pick"}
    undeclared = [f"{module}: {key}" for module, key in found if key not in declared_keys()]
    assert not undeclared, f"owner-bound buttons no dialog declares (Conversation.owner_buttons): {undeclared}"


@pytest.mark.parametrize("key", sorted(declared_keys()))
def test_every_declared_owner_button_has_its_words_for_someone_else_and_after_the_dialog(key):
    word = declared_keys()[key].word
    assert word.strip()
    params = owned({"case": "YQ-2026-0001"}, ctx("p-wei"))
    _, [other] = answer(click(key, params), "p-feng")
    assert other == (f"这是卫干事的{word}步骤，此按钮只能由本人使用，您的点击未作处理。"
                     f"如需{word}，请发送“{word} YQ-2026-0001”。")
    outcome, [ended] = answer(click(key, params), "p-wei")
    assert ended == f"这一步已结束（已提交、已取消或等待超时），此按钮已失效。如需继续，请发送“{word} YQ-2026-0001”。"
    assert outcome.keep


def test_owner_buttons_cannot_be_declared_without_their_word():
    with pytest.raises(ValueError):
        OwnerButtons(("memo.sign",), " ")
    with pytest.raises(ValueError):
        OwnerButtons((), "会签")


def test_a_new_dialog_with_owner_buttons_is_answered_without_editing_the_owner_modules(register):
    def start(event, ctx, data):
        number = event.text.split()[1]
        button = Button("会签", "memo.sign", owned({"case": number}, ctx))
        return Step(S.SIGN, (Reply(Card("notice", {"text": "请会签"}, (button,))),), {"case": number})

    def signed(event, ctx, data):
        return Step(END, (Reply(Card("notice", {"text": "已会签"})),))

    register(Conversation(name="countersign", entry_points=[(lambda e: e.text.startswith("会签 "), start)],
                          states={S.SIGN: [(lambda e: e.action == "memo.sign", signed)]},
                          owner_buttons=OwnerButtons(("memo.sign",), "会签")))
    started, _ = answer(typed("会签 YQ-2026-0009"), "p-wei")
    (button,) = started.replies[0].card.buttons
    _, [other] = answer(click("memo.sign", button.params), "p-feng")
    assert other.startswith("这是卫干事的会签步骤，此按钮只能由本人使用") and "请发送“会签 YQ-2026-0009”" in other
    done, texts = answer(click("memo.sign", button.params), "p-wei", started.state)
    assert texts == ["已会签"] and done.state is None
    _, [ended] = answer(click("memo.sign", button.params), "p-wei")
    assert ended.startswith("这一步已结束") and ended.endswith("如需继续，请发送“会签 YQ-2026-0009”。")


def test_a_button_key_cannot_be_owner_bound_twice(register):
    with pytest.raises(ValueError, match="already routed"):
        register(Conversation(name="regrade", entry_points=[], states={},
                              owner_buttons=OwnerButtons(("grade.pick",), "定级")))
    assert "regrade" not in registry.dialogs
