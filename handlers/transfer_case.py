"""转办 (Art. 11, 21): an item transferred from above (省局, 市委网信办, other departments) is opened with its
slip number and feedback deadline, through a short dialog with the desk.

    (none) --转办 [涉密]--> [desk?] --no--> refusal
                       └─yes─> SOURCE --text--> SLIP --text--> DEADLINE --date | 无--> CONTENT
    CONTENT --涉密--> CONTENT (the case will open 涉密)
    CONTENT --title and/or link--> open_case(transfer_ref, transfer_deadline, confidential) → desk card (END)
    any --取消--> END

The deadline starts the transfer-feedback duty (the slip's deadline, else the policy's 3 working days). A
transfer marked 涉密 (``转办 涉密``, or ``涉密`` answered where the content is asked) opens confidential
(issue 21): no group ever sees its content.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.core import queues
from bot.core.card import Reply
from bot.core.conversation import END, Conversation, Step
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.case.commands import open_case
from bot.domain.errors import InvalidInput
from bot.domain.intake.links import find_links, source_of
from bot.domain.intake.reading import TITLE_CHARS, first_line_title, link_key, parse_deadline
from bot.domain.kinds import DutyKind
from bot.domain.permissions import require_desk
from bot.domain.records import Intake
from bot.domain.words import when
from handlers.case_lookup import current_intake_card
from handlers.registry import Context, dialog, router

SOURCES = "省局、市委网信办、市政府办公室或其他部门"
SECRET = "涉密"
ASK_CONTENT = "请回复舆情标题或内容，也可以直接转发链接。"


class S(StrEnum):
    """States of the dialog."""

    SOURCE = "source"
    SLIP = "slip"
    DEADLINE = "deadline"
    CONTENT = "content"


def _where(ctx: Context) -> str:
    where = ctx.extra.get("answer_where") or ""
    return f"（{where}）" if where else ""


def start(event: Event, ctx: Context, data: dict) -> Step:
    """转办: ask where the item comes from."""
    require_desk(ctx.org, ctx.person_id)
    secret = command_text(event).split()[1:2] == [SECRET]
    told = "（按涉密案件登记：各群只显示案件编号和等级）" if secret else ""
    return Step(S.SOURCE, (Reply(notice(f"请回复转办来源（如{SOURCES}）{told}。随时回复“取消”可退出。{_where(ctx)}")),),
                {"confidential": True} if secret else {})


def got_source(event: Event, ctx: Context, data: dict) -> Step:
    """The source; ask for the slip number."""
    return Step(S.SLIP, (Reply(notice("请回复转办单编号（如“2026第118号”），没有编号请回复“无”。")),),
                {**data, "source": command_text(event)[:60]})


def got_slip(event: Event, ctx: Context, data: dict) -> Step:
    """The slip number; ask for the feedback deadline."""
    slip = command_text(event)[:60]
    return Step(S.DEADLINE, (Reply(notice("请回复反馈期限（如“2026-12-03 17:00”或“12月3日”），没有期限请回复“无”（按3个工作日计）。")),),
                {**data, "slip": "" if slip == "无" else slip})


def got_deadline(event: Event, ctx: Context, data: dict) -> Step:
    """The deadline (re-asked when unreadable or past); ask for the content."""
    try:
        deadline = parse_deadline(command_text(event), ctx.now)
    except InvalidInput as exc:
        return Step(S.DEADLINE, (Reply(notice(exc.message)),), data)
    secret = "" if data.get("confidential") else f"如为涉密舆情，请先回复“{SECRET}”。"
    return Step(S.CONTENT, (Reply(notice(ASK_CONTENT + secret)),),
                {**data, "deadline": deadline.isoformat() if deadline else None})


def got_secret(event: Event, ctx: Context, data: dict) -> Step:
    """涉密 where the content is asked: the case will open confidential; ask for the content again."""
    return Step(S.CONTENT, (Reply(notice(f"已按涉密案件登记：各群只显示案件编号和等级。{ASK_CONTENT}")),),
                {**data, "confidential": True})


def got_content(event: Event, ctx: Context, data: dict) -> Step:
    """The content: open the case with the slip and its deadline, and show the desk's card."""
    links = [event.url] if event.kind == "link" and event.url else find_links(event.text)
    link = links[0] if links else None
    title = (event.title.strip() if event.kind == "link" else "") or first_line_title(command_text(event))
    title_from = "transfer" if title else "link"
    title = (title or link or "")[:TITLE_CHARS]
    if not title:
        return Step(S.CONTENT, (Reply(notice("请回复舆情标题或内容。")),), data)
    deadline = datetime.fromisoformat(data["deadline"]) if data.get("deadline") else None
    slip = data.get("slip") or "无编号"
    outcome = open_case(ctx.store, ctx.rules, ctx.actor(event), ctx.now, title=title,
                        source=str(source_of(link)) if link else "other", link=link, transfer_ref=slip,
                        transfer_deadline=deadline, confidential=bool(data.get("confidential")),
                        intake=Intake(title_from, transfer_source=data.get("source") or None))
    if link and link_key(link) is not None:
        ctx.after_commit(queues.PREVIEW_LINK, outcome.case.id)
    duty = next((d for d in outcome.started if d.kind == DutyKind.TRANSFER_FEEDBACK), None)
    status = f"转办反馈期限：{when(duty.due_at, ctx.now)}" if duty else ""
    return Step(END, (Reply(current_intake_card(ctx, outcome.case.id, status), case_id=outcome.case.id),))


def _is_answer(event: Event) -> bool:
    words = command_text(event).split(maxsplit=1)
    return event.kind in ("text", "mention", "link") and bool(words or event.url) and (
        not words or words[0].lower() not in router.commands)


def _pending_step(data: dict) -> str:
    """The step a 转办 left unanswered, in words (for its expiry notice)."""
    steps = (("source", "转办来源"), ("slip", "转办单编号"), ("deadline", "办理时限"))
    return next((label for key, label in steps if key not in data), "转办内容")


TRANSFER = dialog(Conversation(
    name="transfer",
    expiry_notice=lambda data: (f"转办登记尚未完成（停在“{_pending_step(data)}”，尚未生成案件），"
                                "请重新发送“转办”从头登记。"),
    entry_points=[(lambda e: e.kind != "click" and command_text(e).split(maxsplit=1)[:1] == ["转办"], start)],
    states={S.SOURCE: [(_is_answer, got_source)], S.SLIP: [(_is_answer, got_slip)],
            S.DEADLINE: [(_is_answer, got_deadline)],
            S.CONTENT: [(lambda e: e.kind != "click" and command_text(e) == SECRET, got_secret), (_is_answer, got_content)]},
))
