"""口径 (Art. 19(1)): the unit's head or liaison, or the desk for the unit it speaks for, submits a response script
— a new version each time — which goes to the two leaders for 审定 (``handlers/approval_sending.py``).

    (none) --"口径 YQ-… [单位]"--> TEXT: "请发送<单位>的口径内容（v2）"
        several units possible (the desk; roles in several assigned units), none named --> UNIT: one button each
    UNIT --click a unit / type its name--> TEXT
    TEXT --text--> CONFIRM: the script shown back with 确认提交 / 修改 / 取消
    TEXT, CONFIRM --picture / file--> the same state, the attachment kept (at most 9)
    CONFIRM --确认提交 / 确认--> END: submit_script; the submitter told whom it went to; each approver gets the
        口径审定 card 1:1; the superseded version's cards settle (「已有新版本 v2」)
    CONFIRM --修改 / new text--> TEXT / CONFIRM     any state --取消 (typed or clicked)--> END, nothing kept
    refused at the start: not the unit's head or liaison nor the desk, the unit not on the case, the case closed
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from bot.core.attachments import MAX_PER_REPORT, summary
from bot.core.card import Button, Reply
from bot.core.conversation import END, Conversation, OwnerButtons, Step, cancelled_reply, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import Fact, notice
from bot.domain.cards.case_card import LIVE, case_facts, unit_name
from bot.domain.cards.shapes import PromptCardData
from bot.domain.errors import DomainError, InvalidInput, NotPermitted
from bot.domain.permissions import DESKS, UNIT, Action, authorise, case_roles
from bot.domain.response import response_state, submit_script
from bot.domain.response.checks import need_text, state_allows
from bot.domain.words import grade_color
from handlers.approval_sending import SCRIPT, approval_cards, names_of
from handlers.case_lookup import case_view
from handlers.desk_card import desk_card_updates
from handlers.dialog_owner import not_owner, owned
from handlers.dialog_steps import clicked, settled_click, typed
from handlers.evaluation_review import unit_named
from handlers.registry import dialog

__all__ = ["SCRIPT_DIALOG", "names_of_units", "start_for", "units_for"]

WORD = "口径"


class S(StrEnum):
    """States of the 口径 dialog."""

    UNIT = "unit"
    TEXT = "text"
    CONFIRM = "confirm"


def _is_start(event: Event) -> bool:
    return event.kind != "click" and command_text(event).split()[:1] == [WORD]


def units_for(ctx, view) -> list[str]:
    """The case's live units the person may speak for: all of them for the desk, else those he heads or is a
    liaison of."""
    live = list(dict.fromkeys(a.unit_id for a in view.assignments if a.state in LIVE))
    every = [a.unit_id for a in view.assignments]
    if case_roles(ctx.org, ctx.person.id, view.case.county, every) & DESKS:
        return live
    return [u for u in live if case_roles(ctx.org, ctx.person.id, view.case.county, every, u) & UNIT]


def start_for(event: Event, ctx, word: str, action: Action) -> tuple:
    """The case and the unit (or the units to choose from) a ``<word> YQ-… [单位]`` names, after who, then the
    state: (view, unit id or None, choices). Raises NotPermitted, IllegalTransition, InvalidInput, NotFound."""
    parts = command_text(event).split()
    if len(parts) < 2:
        raise InvalidInput("case.number_missing", f"请在“{word}”后写上案件编号，例如：{word} YQ-2026-0001")
    view = case_view(ctx, parts[1])
    try:
        authorise(ctx.org, ctx.person.id, action, view.case.county, [a.unit_id for a in view.assignments])
    except NotPermitted:
        raise NotPermitted("permission.denied", f"只有承办单位的负责人、联络员或舆情工作台可以提交{view.case.number} "
                                                f"的{word}，您的指令未作处理。") from None
    state_allows(view.case, action)
    mine = units_for(ctx, view)
    if len(parts) > 2:
        unit_id = unit_named(ctx, view, parts[2], word)
        if unit_id not in mine:
            raise NotPermitted("permission.denied", f"您不是{unit_name(ctx.org, unit_id)}的负责人或联络员，不能为其"
                                                    f"提交{view.case.number} 的{word}。")
        return view, unit_id, mine
    if not mine:
        raise InvalidInput("response.no_units", f"{view.case.number} 还没有在办的承办单位，暂不能提交{word}。")
    return view, (mine[0] if len(mine) == 1 else None), mine


def start(event: Event, ctx, data: dict) -> Step:
    """Check the person may submit a script for the case; ask which unit, or for the text."""
    view, unit_id, mine = start_for(event, ctx, WORD, Action.SCRIPT_SUBMIT)
    data = {"case": view.case.number, "case_id": view.case.id, "units": mine}
    if unit_id is not None:
        return _ask_text(ctx, {**data, "u": unit_id})
    buttons = tuple(Button(unit_name(ctx.org, u), "script.unit", owned({"case": view.case.number, "u": u}, ctx))
                    for u in mine)
    body = f"{view.case.title}\n请选择为哪个单位提交口径：{names_of_units(ctx, mine)}。"
    card = PromptCardData(title=f"{WORD} {view.case.number}", color=grade_color(view.case.grade),
                          facts=case_facts(view.case), body=body,
                          hint="回复单位名称；发送“取消”放弃。", case_id=view.case.id).card(buttons)
    return Step(S.UNIT, (Reply(card, case_id=view.case.id),), data)


def names_of_units(ctx, units: list[str]) -> str:
    """The units' names in one line (「食品经营安全监督管理科、药品安全监督管理科」)."""
    return "、".join(unit_name(ctx.org, u) for u in units)


def _next_version(ctx, case_id: int, unit_id: str) -> int:
    latest = response_state(ctx.store.run(lambda repo: repo.timeline(case_id))).latest_script(unit_id)
    return latest.version + 1 if latest else 1


def _ask_text(ctx, data: dict) -> Step:
    """Ask for the script's text, naming the unit and the version it will be."""
    n = _next_version(ctx, data["case_id"], data["u"])
    where = ctx.extra.get("answer_where") or "直接回复即可"
    text = (f"请发送{unit_name(ctx.org, data['u'])}的口径内容（{data['case']}，v{n}；{where}；可附图片或文件；"
            "发送“取消”放弃）。")
    return Step(S.TEXT, (Reply(notice(text)),), {**data, "v": n})


def picked(event: Event, ctx, data: dict) -> Step:
    """A unit button, or a unit's name typed."""
    if refused := not_owner(event, ctx):
        return Step(S.UNIT, (Reply(notice(refused)),), data)
    view = case_view(ctx, data["case"])
    if event.kind == "click":
        unit_id = str(event.params.get("u", ""))
    else:
        try:
            unit_id = unit_named(ctx, view, command_text(event), WORD)
        except InvalidInput:
            unit_id = ""
    if unit_id not in data["units"]:
        return Step(S.UNIT, (Reply(notice(f"请选择：{names_of_units(ctx, data['units'])}。")),), data)
    asked = _ask_text(ctx, {**data, "u": unit_id})
    return Step(asked.state, (*settled_click(event, data, f"{WORD} {data['case']}", f"已选择{unit_name(ctx.org, unit_id)}"),
                              *asked.replies), asked.data)


def _keep(data: dict, items: list[dict]) -> tuple[dict, str]:
    held = list(data.get("attachments") or [])
    room = max(MAX_PER_REPORT - len(held), 0)
    refused = f"每份口径最多 {MAX_PER_REPORT} 个附件，超出的 {len(items) - room} 个未加入。" if len(items) > room else ""
    return {**data, "attachments": held + list(items[:room])}, refused


def got_text(event: Event, ctx, data: dict) -> Step:
    """The script's text (a message with a link keeps the link): show it back."""
    text = command_text(event) or event.title or ""
    if event.url and event.url not in text:
        text = f"{text}\n{event.url}".strip()
    try:
        text = need_text(text, "口径内容")  # the domain's own refusal, before the confirm step
    except InvalidInput as exc:
        here = S.CONFIRM if data.get("text") else S.TEXT
        return Step(here, (Reply(notice(f"{exc.message}请发送口径的文字内容。")),), data)
    data, refused = _keep({**data, "text": text}, event.attachments)
    return _confirm(ctx, data, refused)


def got_media(event: Event, ctx, data: dict) -> Step:
    """A picture or file while the script waits for its text or its confirmation: kept."""
    here = S.CONFIRM if data.get("text") else S.TEXT
    if event.unsupported or not event.attachments:
        return Step(here, (Reply(notice("暂不支持把这种消息作为口径附件，请发送文字、图片或文件。")),), data)
    data, refused = _keep(data, event.attachments)
    if data.get("text"):
        return _confirm(ctx, data, refused)
    said = refused or f"已收到附件（{summary(data['attachments'])}）。请继续发送口径的文字内容。"
    return Step(S.TEXT, (Reply(notice(said)),), data)


def _body(data: dict) -> str:
    items = data.get("attachments") or []
    return data["text"] + (f"\n附件：{summary(items)}" if items else "")


def _confirm(ctx, data: dict, refused: str = "") -> Step:
    params = {"case": data["case"]}
    buttons = (Button("确认提交", "script.confirm", owned(params, ctx), "primary"),
               Button("修改", "script.redo", owned(params, ctx)), Button("取消", "script.cancel", owned(params, ctx)))
    card = PromptCardData(
        title=f"确认提交口径 {data['case']}", color="blue",
        facts=[Fact("承办单位", unit_name(ctx.org, data["u"])), Fact("版本", f"v{data['v']}")], body=_body(data),
        status=refused, hint="回复“确认”提交，回复“修改”重新填写，或直接发送新的内容；发送“取消”放弃。").card(buttons)
    return Step(S.CONFIRM, (Reply(card),), data)


def redo(event: Event, ctx, data: dict) -> Step:
    """修改: ask for the text again (the attachments stay)."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    asked = _ask_text(ctx, {k: v for k, v in data.items() if k != "text"})
    return Step(asked.state, (*settled_click(event, data, f"确认提交口径 {data['case']}", "已选择修改"), *asked.replies),
                asked.data)


def cancelled(event: Event, ctx, data: dict) -> Step:
    """取消 clicked: nothing is submitted."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    return Step(END, (*settled_click(event, data, f"确认提交口径 {data['case']}", "已取消"), cancelled_reply()))


def confirmed(event: Event, ctx, data: dict) -> Step:
    """Submit the version; tell the submitter whom it went to, and send each approver the card."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    view = case_view(ctx, data["case"])
    try:
        outcome = submit_script(ctx.store, ctx.rules, view.case.id, data["u"], ctx.actor(event), ctx.now,
                                data["text"], list(data.get("attachments") or []))
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    n = outcome.entry.payload["version"]
    said = (f"已提交 {view.case.number} {unit_name(ctx.org, data['u'])}的口径 v{n}，"
            f"已送{names_of(ctx, outcome, SCRIPT)}审定。")
    settled = settled_click(event, data, f"确认提交口径 {data['case']}", f"已提交 v{n}")
    return Step(END, (*settled, Reply(notice(said)), *approval_cards(ctx, view, outcome, SCRIPT),
                      *desk_card_updates(ctx, view.case.id)))


def _answer(e: Event) -> bool:
    return is_text(e) and not _is_start(e)


def _any_text(e: Event) -> bool:
    """Any typed message, an empty one too (a bare @-mention): the text state answers it."""
    return e.kind in ("text", "mention", "link") and not _is_start(e)


SCRIPT_DIALOG = dialog(Conversation(
    name="script_submit", timeout=timedelta(hours=2),
    expiry_notice=lambda data: f"{data['case']} 的口径尚未提交，请重新发送“{WORD} {data['case']}”。",
    owner_buttons=OwnerButtons(("script.unit", "script.confirm", "script.redo", "script.cancel"), WORD),
    entry_points=[(_is_start, start)],
    states={S.UNIT: [(clicked("script.unit"), picked), (_answer, picked)],
            S.TEXT: [(_any_text, got_text), (lambda e: e.kind == "media", got_media)],
            S.CONFIRM: [(lambda e: e.kind == "media", got_media), (clicked("script.confirm"), confirmed),
                        (typed("确认", "确认提交"), confirmed), (clicked("script.redo"), redo),
                        (typed("修改", "重新填写"), redo), (clicked("script.cancel"), cancelled),
                        (_answer, got_text)]},
))
