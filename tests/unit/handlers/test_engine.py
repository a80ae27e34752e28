"""The dialog engine as pure functions: a two-step dialog, 取消, fall-through, timeout, stale state,
and the declared precedence among dialogs whose entry points take the same event."""

from datetime import datetime, timedelta, timezone
from enum import StrEnum

from bot.core.card import Card, Reply
from bot.core.conversation import END, LAST, Conversation, Step, is_text
from bot.core.event import Event
from bot.core.router import Router
from handlers.engine import answer_where, by_precedence, dialog_chat, process

NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)


class S(StrEnum):
    REASON = "reason"
    CONFIRM = "confirm"


def say(text):
    return Reply(Card("notice", {"text": text}))


def start(event, ctx, data):
    return Step(S.REASON, (say("请说明理由"),), {"case": event.params.get("case")})


def got_reason(event, ctx, data):
    return Step(S.CONFIRM, (say(f"理由：{event.text}，确认吗？"),), {**data, "reason": event.text})


def confirm(event, ctx, data):
    return Step(END, (say(f"已退回 {data['case']}：{data['reason']}"),))


RETURN = Conversation(
    name="return_case",
    entry_points=[(lambda e: e.kind == "click" and e.action == "case.reject", start)],
    states={S.REASON: [(is_text, got_reason)], S.CONFIRM: [(lambda e: e.text == "确认", confirm)]},
    timeout=timedelta(minutes=10),
)
DIALOGS = {RETURN.name: RETURN}
ROUTER = Router()


@ROUTER.command("帮助")
def helper(event, ctx):
    return [say("帮助内容")]


def ev(text="", kind="text", action="", params=None, chat_type="single"):
    return Event(platform="dingtalk", kind=kind, user_id="0524", chat_id="cid1", chat_type=chat_type,
                 dedup_key=text + action, received_at=NOW.isoformat(), text=text, action=action, params=params or {})


def texts(outcome):
    return [r.card.data["text"] for r in outcome.replies]


def test_a_dialog_walks_its_states_and_ends():
    first = process(ev(kind="click", action="case.reject", params={"case": "YQ-2026-0001"}), None, None, NOW, DIALOGS, ROUTER)
    assert texts(first) == ["请说明理由"] and first.state.state == "reason" and first.state.version == 1
    second = process(ev("不属于本科室职责"), None, first.state, NOW + timedelta(minutes=1), DIALOGS, ROUTER)
    assert second.state.state == "confirm" and second.state.data["reason"] == "不属于本科室职责"
    assert second.state.version == 2
    third = process(ev("确认"), None, second.state, NOW + timedelta(minutes=2), DIALOGS, ROUTER)
    assert third.state is None and not third.keep
    assert texts(third) == ["已退回 YQ-2026-0001：不属于本科室职责"]


def test_cancel_leaves_any_dialog():
    first = process(ev(kind="click", action="case.reject"), None, None, NOW, DIALOGS, ROUTER)
    out = process(ev("取消"), None, first.state, NOW, DIALOGS, ROUTER)
    assert out.state is None and not out.keep and "已取消" in texts(out)[0]


def test_cancel_without_a_dialog_says_so_and_keeps_nothing():
    out = process(ev("取消"), None, None, NOW, DIALOGS, ROUTER)
    assert out.keep and "没有进行中的操作" in texts(out)[0]


def test_a_message_that_fits_no_handler_falls_through_to_commands_and_keeps_the_dialog():
    first = process(ev(kind="click", action="case.reject"), None, None, NOW, DIALOGS, ROUTER)
    second = process(ev("随便说说"), None, first.state, NOW, DIALOGS, ROUTER)
    out = process(ev("帮助"), None, second.state, NOW, DIALOGS, ROUTER)
    assert texts(out) == ["帮助内容"] and out.keep and out.state == second.state


def test_an_expired_dialog_is_ignored():
    first = process(ev(kind="click", action="case.reject"), None, None, NOW, DIALOGS, ROUTER)
    out = process(ev("理由"), None, first.state, NOW + timedelta(minutes=11), DIALOGS, ROUTER)
    assert out.replies == [] and out.keep and out.state is None


def test_dialog_key_and_where_to_answer():
    group = ev(kind="click", action="case.reject", chat_type="group")
    assert dialog_chat(group, one_to_one=True) == "1:1"
    assert dialog_chat(group, one_to_one=False) == "cid1"
    assert dialog_chat(ev("x"), one_to_one=False) == "1:1"
    assert answer_where(group, True) == "" and "@舆情助手" in answer_where(group, False)  # 1:1: the prompt is there
    assert answer_where(ev("x"), True) == ""


def one_step(name, matches, precedence=0):
    """A dialog that answers its own name and ends at once."""
    return Conversation(name=name, entry_points=[(matches, lambda e, c, d: Step(END, (say(name),)))], states={},
                        precedence=precedence)


def test_the_declared_precedence_decides_which_dialog_starts_not_names_or_registration_order():
    # "a_links" would win by name and by registration (modules are imported in file-name order)
    links = one_step("a_links", lambda e: "https://" in e.text, precedence=LAST)
    report = one_step("z_report", lambda e: e.text.startswith("报告 "))
    event = ev("报告 YQ-2026-0001 初报 https://weibo.com/3/Q")
    for registered in ({links.name: links, report.name: report}, {report.name: report, links.name: links}):
        assert texts(process(event, None, None, NOW, registered, ROUTER)) == ["z_report"]
        assert texts(process(ev("https://weibo.com/3/Q"), None, None, NOW, registered, ROUTER)) == ["a_links"]
    first = one_step("z_report", report.entry_points[0][0], precedence=LAST + 1)
    assert texts(process(event, None, None, NOW, {links.name: links, first.name: first}, ROUTER)) == ["a_links"]


def test_equal_precedence_falls_back_to_the_dialogs_names_never_their_order():
    b, a = one_step("b", is_text), one_step("a", is_text)
    assert [c.name for c in by_precedence([b, a])] == [c.name for c in by_precedence([a, b])] == ["a", "b"]
