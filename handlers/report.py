"""报告 (Art. 14, 26): the unit submits 初报, 核报, 续报 or 专项报告 through a dialog with a confirm step.

    (none) --"报告 YQ-…" / click 报告--> KIND: a card with the four kinds
    (none) --"报告 YQ-… 初报" / click a reminder's or 我的待办's 报告初报 (params name the duty)--> TEXT
    (none) --"反馈 YQ-…" / click 反馈处置情况 (the unit's feedback to the desk, Art. 14)--> TEXT of the
        专项报告 (处置情况)
    KIND --click a kind / type its name--> TEXT: "请发送初报内容" (continued 1:1; the prompt says where)
    TEXT --text or link--> CONFIRM: the report shown back with 确认提交 / 取消
    TEXT, CONFIRM --picture / file--> the same state, the attachment kept (at most 9; the confirm card
        shown again with it); a message type the bot cannot use is refused with a clear word
    CONFIRM --确认--> END: report recorded (domain: version, time against its deadline, late marked),
        forwarded to the desk as a card
    CONFIRM --取消 / 重写: text--> END / TEXT
    refused at the start: not the unit's liaison/head, not acknowledged yet, returned, case closed

The dialog lives while the report may still be written (review ux-2026-12-07, finding 5): until the deadline
of the duty it fulfils (``bot.core.conversation.until_due``: at least 2 h, at most 24 h), and its expiry notice
names the case and the report (“YQ-… 的初报尚未提交，请重新发送“报告 YQ-…””).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.core.attachments import MAX_PER_REPORT, summary
from bot.core.card import Button, Reply, Target
from bot.core.conversation import END, Conversation, OwnerButtons, Step, is_text, until_due
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import latest_report, unit_card, unit_name
from bot.domain.cards.desk_card import report_card
from bot.domain.cards.prompt_card import report_confirm_prompt, report_kind_prompt, settled_prompt
from bot.domain.case.lifecycle import AssignmentState, check_case_allows
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.kinds import REPORT_FULFILS, REPORT_LABELS, ReportKind
from bot.domain.unit import commands as unit_commands
from bot.domain.words import when
from handlers.acknowledge import clicked_assignment, my_assignment, why_not
from handlers.card_copies import refresh
from handlers.case_lookup import case_view, case_view_of
from handlers.dialog_owner import not_owner, owned
from handlers.leader_told import main_leader_told
from handlers.registry import dialog

KINDS = {label: kind for kind, label in REPORT_LABELS.items()}


class S(StrEnum):
    """States of the report dialog."""

    KIND = "kind"
    TEXT = "text"
    CONFIRM = "confirm"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == "report.start"
    return command_text(event).split()[:1] in (["报告"], ["反馈"])  # 反馈: the 专项报告 (处置情况), Art. 14


def _where(ctx) -> str:
    return ctx.extra.get("answer_where") or "直接回复即可"


def start(event: Event, ctx, data: dict) -> Step:
    """Check the person may report on this part now, then ask which report."""
    parts = command_text(event).split()
    number = str(event.params.get("case", "")) if event.kind == "click" else (parts[1] if len(parts) > 1 else "")
    if not number:
        raise InvalidInput("case.number_missing", "请在“报告”后写上案件编号，例如：报告 YQ-2026-0001")
    view = case_view(ctx, number)
    a = my_assignment(ctx, view, clicked_assignment(view, event.params) if event.kind == "click" else None, "报告")
    if a.state == AssignmentState.WARNED:
        return Step(END, (Reply(notice(f"请先签收 {view.case.number}，再报送情况（发送“签收 {view.case.number}”）。")),))
    if a.state not in (AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED):
        return Step(END, (Reply(notice(why_not(ctx, view, a))),))
    check_case_allows(view.case.state, "report.submit")
    data = {"case": view.case.number, "a": a.id, "dues": _dues(view, a.id)}
    if len(parts) > 2 and parts[2] in KINDS:
        return _ask_text(ctx, data, KINDS[parts[2]])
    if parts[:1] == ["反馈"]:
        return _ask_text(ctx, data, ReportKind.SPECIAL)
    if event.kind == "click" and (fulfils := _kind_of_duty(view, event.params.get("d"))) is not None:
        return _ask_text(ctx, data, fulfils)  # a reminder's or 我的待办's button names the duty: its report
    buttons = tuple(Button(label, "report.kind", owned({"case": view.case.number, "k": str(kind)}, ctx))
                    for kind, label in REPORT_LABELS.items())
    card = report_kind_prompt(view.case, unit_name(ctx.org, a.unit_id), buttons)
    return Step(S.KIND, (Reply(card, case_id=view.case.id),), data)


def _kind_of_duty(view, duty_id) -> ReportKind | None:
    """The report that fulfils the duty ``duty_id`` (a button of ``bot.domain.clock.acts``), or None. The button
    names its report as its command does (反馈处置情况 is ``反馈 YQ-…``, the 专项报告), so a click goes to it even
    when the duty has ended meanwhile, as the typed command would."""
    duty = next((d for d in view.duties if duty_id is not None and str(d.id) == str(duty_id)), None)
    return next((k for k, fulfils in REPORT_FULFILS.items() if duty is not None and fulfils == duty.kind), None)


def _dues(view, assignment_id: int) -> dict[str, str]:
    """The open duties of the part a report may fulfil: report kind → its deadline (ISO)."""
    dues = {}
    for kind, duty_kind in REPORT_FULFILS.items():
        duty = next((d for d in view.duties
                     if d.open and d.assignment_id == assignment_id and d.kind == duty_kind), None)
        if duty is not None:
            dues[str(kind)] = duty.due_at.isoformat()
    return dues


def lasts(data: dict, now: datetime) -> datetime:
    """When a report being written expires: its duty's deadline (:func:`until_due`; before the kind is chosen,
    the latest of the part's deadlines)."""
    dues = data.get("dues") or {}
    return until_due(dues.get(data["kind"]) if data.get("kind") else max(dues.values(), default=None), now)


def expiry_notice(data: dict) -> str:
    """“YQ-… 的初报尚未提交，请重新发送“报告 YQ-…””."""
    label = REPORT_LABELS[ReportKind(data["kind"])] if data.get("kind") else "报告"
    return f"{data['case']} 的{label}尚未提交，请重新发送“报告 {data['case']}”。"


def _ask_text(ctx, data: dict, kind: ReportKind) -> Step:
    text = f"请发送{REPORT_LABELS[kind]}内容（{_where(ctx)}；可附链接、图片或文件；发送“取消”放弃）。"
    return Step(S.TEXT, (Reply(notice(text)),), {**data, "kind": str(kind)})


def picked(event: Event, ctx, data: dict) -> Step:
    """A kind button or a kind's name."""
    if refused := not_owner(event, ctx):
        return Step(S.KIND, (Reply(notice(refused)),), data)
    key = str(event.params.get("k", "")) if event.kind == "click" else KINDS.get(command_text(event), "")
    if key not in {str(k) for k in ReportKind}:
        return Step(S.KIND, (Reply(notice("请选择：初报、核报、续报或专项报告。")),), data)
    asked = _ask_text(ctx, data, ReportKind(key))
    settled = _settled(event, ctx, data, f"报告 {data['case']}", f"已选择{REPORT_LABELS[ReportKind(key)]}")
    return Step(asked.state, (*settled, *asked.replies), asked.data)


def _settled(event: Event, ctx, data: dict, title: str, status: str, view=None) -> tuple[Reply, ...]:
    """The clicked question brought to its outcome (no buttons left), when its step was answered by a click
    (``view``: the case as already read, else it is read here)."""
    if event.kind != "click" or not event.card_id:
        return ()
    case_id = (view or case_view(ctx, data["case"])).case.id
    return (Reply(settled_prompt(title, status), update=True, case_id=case_id),)


def got_text(event: Event, ctx, data: dict) -> Step:
    """The report's text (and a link or pictures, if sent): show it back for confirmation."""
    data = {**data, "text": command_text(event) or event.title, "files": [u for u in (event.url,) if u]}
    data, refused = _keep(data, event.attachments)
    return _confirm(ctx, data, refused)


def got_media(event: Event, ctx, data: dict) -> Step:
    """A picture or file while the report waits for its text or its confirmation: kept as an attachment."""
    here = S.CONFIRM if data.get("text") else S.TEXT
    if event.unsupported or not event.attachments:
        what = "位置" if event.unsupported == "位置" else "这种消息"
        said = f"暂不支持把{what}作为报告附件，请发送文字、链接、图片或文件。"
        return Step(here, (Reply(notice(said)),), data)
    data, refused = _keep(data, event.attachments)
    if data.get("text"):
        return _confirm(ctx, data, refused)
    held = summary(data["attachments"])
    said = refused or f"已收到附件（{held}）。请继续发送{REPORT_LABELS[ReportKind(data['kind'])]}的文字内容。"
    return Step(S.TEXT, (Reply(notice(said)),), data)


def _keep(data: dict, items: list[dict]) -> tuple[dict, str]:
    """``data`` with ``items`` added to its attachments (up to the limit), and what was refused, in words."""
    held = list(data.get("attachments") or [])
    room = MAX_PER_REPORT - len(held)
    refused = (f"每份报告最多 {MAX_PER_REPORT} 个附件，超出的 {len(items) - max(room, 0)} 个未加入。"
               if len(items) > room else "")
    return {**data, "attachments": held + list(items[:max(room, 0)])}, refused


def _body(data: dict) -> str:
    """The report's text with its links and attachments, as the confirm card and the desk show it."""
    body = data["text"] + "".join(f"\n附件：{u}" for u in data.get("files", []))
    items = data.get("attachments") or []
    if items:
        body += f"\n附件：{summary(items)}"
    return body


def _confirm(ctx, data: dict, refused: str = "") -> Step:
    label = REPORT_LABELS[ReportKind(data["kind"])]
    buttons = (Button("确认提交", "report.confirm", owned({"case": data["case"]}, ctx), "primary"),
               Button("重新填写", "report.redo", owned({"case": data["case"]}, ctx)))
    card = report_confirm_prompt(data["case"], label, _body(data), refused, buttons)
    return Step(S.CONFIRM, (Reply(card),), data)


def redo(event: Event, ctx, data: dict) -> Step:
    """重新填写: ask for the text again."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    data = {k: v for k, v in data.items() if k not in ("text", "files", "attachments")}
    asked = _ask_text(ctx, data, ReportKind(data["kind"]))
    label = REPORT_LABELS[ReportKind(data["kind"])]
    settled = _settled(event, ctx, data, f"确认提交{label} {data['case']}", "已选择重新填写")
    return Step(asked.state, (*settled, *asked.replies), asked.data)


def confirmed(event: Event, ctx, data: dict) -> Step:
    """Submit the report; tell the person how it stands against its deadline and forward it to the desk."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    view = case_view(ctx, data["case"])
    kind = ReportKind(data["kind"])
    text = data["text"] + "".join(f"\n附件：{u}" for u in data.get("files", []))
    items = list(data.get("attachments") or [])
    try:
        outcome = unit_commands.report(ctx.store, ctx.rules, view.case.id, int(data["a"]), ctx.actor(event), ctx.now,
                                       kind, text, items)
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    version = sum(1 for e in ctx.store.run(lambda repo: repo.timeline(view.case.id))
                  if e.action == "report.submit" and e.payload.get("assignment") == int(data["a"])
                  and e.payload.get("kind") == str(kind))
    due = next((d.due_at for d in outcome.ended), None)
    timing = ("（迟报：已超过截止时间 " + when(due, ctx.now) + "）" if outcome.entry.payload.get("late")
              else f"（按时，截止 {when(due, ctx.now)}）" if due else "")
    label = f"{REPORT_LABELS[kind]}（第{version}版）"
    held = f"（附件：{summary(items)}）" if items else ""
    said = f"已提交 {view.case.number} {label}{held}，提交时间 {when(ctx.now, ctx.now)}{timing}。"
    settled = _settled(event, ctx, data, f"确认提交{REPORT_LABELS[kind]} {view.case.number}", f"已提交{label}", view)
    return Step(END, (*settled, Reply(notice(said)), *forward(ctx, view, int(data["a"]), label, text, timing, items),
                      *refresh_unit_cards(ctx, view.case.id, int(data["a"]))))


def forward(ctx, view, assignment_id: int, label: str, text: str, timing: str,
            items: list[dict] | None = None) -> list[Reply]:
    """The report as a card to the desk that runs the case (its liaisons and head, 1:1)."""
    case = view.case
    a = view.assignment(assignment_id)
    desk = ctx.org.units.get(case.owner_unit)
    if desk is None:
        return []
    card = report_card(case, unit_name(ctx.org, a.unit_id), label, ctx.person.name, ctx.now, text, timing, items or [])
    return [Reply(card, to=Target("person", pid), case_id=case.id) for pid in dict.fromkeys((*desk.liaisons, desk.head))]


def refresh_unit_cards(ctx, case_id: int, assignment_id: int) -> list[Reply]:
    """Every copy of the unit's card shows the latest report (kind, version, time, 按时/迟报); where a copy
    cannot change (a WeCom group notice, a WeChat-plugin reader), a follow-up notice says the same."""
    view = case_view_of(ctx, case_id)
    a = view.assignment(assignment_id)
    follow = f"{view.case.number} {unit_name(ctx.org, a.unit_id)} {ctx.person.name} " + latest_report(view, a, ctx.now)
    return refresh(ctx, ctx.org, ctx.card_copies.of_case(case_id, assignment_id=a.id),
                   unit_card(ctx.org, view, a, ctx.now, leader_told=main_leader_told(ctx, case_id, view.case.county)), follow, case_id)


def _is_media(event: Event) -> bool:
    return event.kind == "media"


def _typed(word: str):
    return lambda e: e.kind != "click" and command_text(e) == word


def _clicked(action: str):
    return lambda e: e.kind == "click" and e.action == action


REPORT = dialog(Conversation(
    name="report", lasts=lasts, expiry_notice=expiry_notice,
    owner_buttons=OwnerButtons(("report.kind", "report.confirm", "report.redo"), "报告"),
    entry_points=[(_is_start, start)],
    states={S.KIND: [(_clicked("report.kind"), picked), (lambda e: is_text(e) and command_text(e) in KINDS, picked)],
            S.TEXT: [(lambda e: is_text(e) and not _is_start(e), got_text), (_is_media, got_media)],
            S.CONFIRM: [(_is_media, got_media), (_clicked("report.confirm"), confirmed), (_typed("确认"), confirmed),
                        (_clicked("report.redo"), redo), (lambda e: is_text(e) and not _is_start(e), got_text)]},
))
