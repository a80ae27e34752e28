"""What the response walks share: people submitting a unit's 口径 / 方案 by the typed dialogs, what a leader's card
shows now, and the case's response entries read back (for assertions only)."""

from __future__ import annotations

from bot.store.case_repo import SessionCaseStore
from tests.integration.unit_flow import People, dt_button, wecom_button

DESK = "0524"                     # 李干事, the desk, on DingTalk
QIAN, WU, ZHAO = "qianfjz", "0412", "zhaojz"  # the publicity leader (WeCom), 吴副局长 (DingTalk), the main leader


def submit_script(p: People, user: str, number: str, unit_name: str, text: str, version: int) -> None:
    """``口径 YQ-…``, the text, 确认 — typed by ``user`` (the unit's liaison); told whom it went to."""
    p.exchange(user, (f"口径 {number}", f"请发送{unit_name}的口径内容（{number}，v{version}"),
               (text, f"确认提交口径 {number}"), ("确认", f"已提交 {number} {unit_name}的口径 v{version}"))


def submit_plan(p: People, user: str, number: str, unit_name: str, way: str, content: str, version: int = 1) -> None:
    """``方案 YQ-…``, the way, the content, when, 确认 — typed by ``user``."""
    p.exchange(user, (f"方案 {number}", f"回应方案 {number} v{version}"), (way, "请发送回应方案的内容"),
               (content, "请发送回应时间"), ("今天 16:00", f"确认提交回应方案 {number}"),
               ("确认", f"已提交 {number} {unit_name}的回应方案 v{version}"))


def button(p: People, user: str, title: str, action: str, **params) -> object:
    """The button ``action`` on ``user``'s newest card titled ``title…`` now (None when none shows it)."""
    if user.isdigit():
        return dt_button(p.dt, user, title, action, params)
    return wecom_button(p.wecom, user, title, action, params)


def live(p: People, user: str, title: str) -> bool:
    """Whether any card titled ``title…`` that ``user`` holds still shows 同意 (script or plan)."""
    if user.isdigit():
        cards = [p.dt.card_view(m.out_track_id, user) for m in p.dt.messages_for_user(user) if m.channel == "card"]
        return any(c["title"].startswith(title) and any((b["action_id"] or "").partition("#")[0].endswith(".approve")
                                                         for b in c["buttons"]) for c in cards)
    cards = [c for c in p.wecom.cards_for_user(user) if c["card"].get("main_title", {}).get("title", "").startswith(title)]
    return any(any(k.partition("?")[0].endswith(".approve") for k in c["clickable"]) for c in cards)


def entries(stack, case_id: int, action: str) -> list:
    """The case's timeline entries of ``action`` (read straight from the database, for assertions)."""
    with stack.database.session() as session:
        return [e for e in SessionCaseStore(session).run(lambda repo: repo.timeline(case_id)) if e.action == action]
