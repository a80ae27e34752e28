"""帮助 and the friendly fallback, as pure functions: event and context in, cards out."""

from datetime import datetime, timezone

from bot.config import ROOT
from bot.core.card import Reply
from bot.core.event import Event
from bot.core.org import Organisation, Person
from bot.platforms.render import render_text
from handlers.registry import Context, load_router

PERSON = Person(id="p-li", name="李干事", wecom="ligs")
ORG = Organisation("示例市局", "示例市局", {"p-li": PERSON}, {})
NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)


def event(text="", kind="text", action=""):
    return Event(platform="wecom", kind=kind, user_id="ligs", chat_id="ligs", chat_type="single",
                 dedup_key="k1", received_at=NOW.isoformat(), text=text, action=action)


def dispatch(ev):
    return load_router().dispatch(ev, Context(org=ORG, person=PERSON, now=NOW))


def test_help_lists_the_commands_and_greets_by_name():
    for text in ("帮助", "@舆情助手 帮助", "  help "):
        [reply] = dispatch(event(text))
        assert isinstance(reply, Reply) and reply.card.kind == "help"
        shown = render_text(ROOT / "templates", reply.card)
        assert shown.startswith("李干事，您好！") and "签收 YQ-2026-0001" in shown and "我的待办" in shown


def test_anything_else_gets_a_friendly_pointer_to_help():
    [reply] = dispatch(event("今天天气怎么样"))
    assert reply.card.kind == "notice" and "帮助" in reply.card.data["text"]


def test_a_click_on_an_unknown_button_says_it_no_longer_applies():
    [reply] = dispatch(event(kind="click", action="nothing.here"))
    assert "按钮已失效" in reply.card.data["text"]
