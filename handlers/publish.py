"""发布 (Art. 19(2), 24): the desk records a publication — channel, time, link, and the approved scripts and plan it
rests on; the domain refuses it (and keeps the refused attempt on the timeline) unless those are approved.

    (none) --"发布 YQ-… [渠道]" / click 登记发布 (publication.start, params case, d: a 发布权威信息 / 公开回应 duty)
        --> CHANNEL (buttons 门户网站 … 其他, or typed; a channel typed along goes on to WHEN)
        refused at once: not the desk
    CHANNEL --a channel--> WHEN (「15:00」「今天 15:00」「现在」: the meetings' time parser)
    WHEN --a time--> LINK (a link, or 「无」)
    LINK --text--> BASIS: the scripts and plan it rests on, shown — by default each unit's latest approved script
        (else its latest, so a refusal names it) and the latest approved plan
    BASIS --确认登记--> END: publish(); accepted: 「已登记 YQ-… 发布（…）；已办结：公开回应（按时）」;
        refused: 「不能登记发布：<every reason>」
    BASIS --更改依据--> CHOOSE: the versions numbered --"1、3"--> BASIS
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from bot.core.card import Button, Reply
from bot.core.conversation import END, Conversation, OwnerButtons, Step, is_text, until_due
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import Fact, notice
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.shapes import PromptCardData
from bot.domain.case.lifecycle import CASE_LABELS
from bot.domain.errors import InvalidInput
from bot.domain.kinds import DUTY_LABELS
from bot.domain.permissions import Action, authorise
from bot.domain.response.approvers import PLAN_STEPS, SCRIPT_ROLES
from bot.domain.response.channels import CHANNEL_LABELS, channel_of
from bot.domain.response.publications import LEEWAY, publish
from bot.domain.response.state import response_state
from bot.domain.words import grade_color, when
from handlers.case_lookup import case_view
from handlers.desk_card import desk_card_updates
from handlers.dialog_owner import not_owner, owned
from handlers.dialog_steps import clicked, settled_click, typed
from handlers.meetings import moment
from handlers.registry import dialog
from handlers.response_view import version_words

WORD = "发布"
NONE_WORDS = ("无", "没有", "暂无", "-")


class S(StrEnum):
    """States of the 发布 dialog."""

    CHANNEL = "channel"
    WHEN = "when"
    LINK = "link"
    BASIS = "basis"
    CHOOSE = "choose"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == "publication.start"
    return command_text(event).split()[:1] == [WORD]


def _where(ctx) -> str:
    return ctx.extra.get("answer_where") or "直接回复即可"


def _settled(event: Event, data: dict, status: str) -> tuple[Reply, ...]:
    return settled_click(event, data, f"发布 {data['case']}", status)


def start(event: Event, ctx, data: dict) -> Step:
    """The desk starts a publication's record: the channel is asked first."""
    words = command_text(event).split()
    number = str(event.params.get("case", "")) if event.kind == "click" else (words[1] if len(words) > 1 else "")
    if not number:
        raise InvalidInput("case.number_missing", f"请在“{WORD}”后写上案件编号，例如：{WORD} YQ-2026-0001")
    view = case_view(ctx, number)
    authorise(ctx.org, ctx.person.id, Action.PUBLISH, view.case.county, [a.unit_id for a in view.assignments])
    duty = next((d for d in view.duties if str(d.id) == str(event.params.get("d"))), None)
    data = {"case": view.case.number, "case_id": view.case.id, "due": duty.due_at.isoformat() if duty else None}
    typed = _parsed(words[2]) if event.kind != "click" and len(words) > 2 else None
    if typed is not None:  # 发布 YQ-… 新闻发布会: the channel typed along
        return _ask_when(ctx, {**data, "channel": str(typed)}, ())
    buttons = tuple(Button(label, "publish.channel", owned({"case": view.case.number, "c": str(c)}, ctx))
                    for c, label in CHANNEL_LABELS.items())
    card = PromptCardData(title=f"发布 {view.case.number}", color=grade_color(view.case.grade), facts=[],
                          body=f"{view.case.title}\n第1/4项：通过什么渠道发布？", status="",
                          hint=f"回复渠道名称：{'、'.join(CHANNEL_LABELS.values())}；发送“取消”放弃。").card(buttons)
    return Step(S.CHANNEL, (Reply(card, case_id=view.case.id),), data)


def channel_given(event: Event, ctx, data: dict) -> Step:
    """The channel, clicked or typed; then when it went out."""
    if refused := not_owner(event, ctx):
        return Step(S.CHANNEL, (Reply(notice(refused)),), data)
    try:
        chosen = channel_of(event.params.get("c") if event.kind == "click" else command_text(event))
    except InvalidInput as exc:
        return Step(S.CHANNEL, (Reply(notice(exc.message)),), data)
    data = {**data, "channel": str(chosen)}
    return _ask_when(ctx, data, _settled(event, data, f"渠道：{CHANNEL_LABELS[chosen]}"))


def _parsed(word: str):
    try:
        return channel_of(word)
    except InvalidInput:
        return None


def _ask_when(ctx, data: dict, settled: tuple[Reply, ...]) -> Step:
    ask = f"发布 {data['case']}（第2/4项）：何时发布的？（如 15:30、今天 15:30；刚发布回复“现在”）（{_where(ctx)}）"
    return Step(S.WHEN, (*settled, Reply(notice(ask))), data)


def when_given(event: Event, ctx, data: dict) -> Step:
    """When it went out (the meetings' parser); then the link."""
    try:
        at, _ = moment(ctx, command_text(event))
    except InvalidInput:
        return Step(S.WHEN, (Reply(notice("没有看懂发布时间，请按“15:30”“今天 15:30”或“12月7日 15:30”的格式回复"
                                          "（刚发布回复“现在”）。")),), data)
    if datetime.fromisoformat(at) > ctx.now + LEEWAY:
        return Step(S.WHEN, (Reply(notice("发布时间不能晚于现在：请在发布后登记，或回复已发布的时间。")),), data)
    data = {**data, "when": at, "when_shown": when(datetime.fromisoformat(at), ctx.now)}
    return Step(S.LINK, (Reply(notice(f"发布 {data['case']}（第3/4项）：发布链接？（没有链接回复“无”）")),), data)


def _defaults(ctx, data: dict) -> dict:
    """Each unit's latest approved script (else its latest) and the latest approved plan (else the latest)."""
    st = response_state(ctx.store.run(lambda repo: repo.timeline(data["case_id"])))
    scripts = []
    for unit, versions in st.scripts.items():
        chosen = next((v for v in reversed(versions) if v.approved), versions[-1])
        scripts.append([unit, chosen.version])
    plans = [v for versions in st.plans.values() for v in versions]
    approved = [v for v in plans if v.approved]
    plan = max(approved or plans, key=lambda v: v.seq, default=None)
    return {**data, "scripts": scripts, "plan": [plan.unit, plan.version] if plan else None}


def link_given(event: Event, ctx, data: dict) -> Step:
    """The link (or 无); then the approvals it rests on, for confirmation."""
    text = command_text(event).strip()
    data = _defaults(ctx, {**data, "link": None if text in NONE_WORDS else text})
    return basis(ctx, data)


def basis(ctx, data: dict) -> Step:
    """The record shown back with what it rests on: 确认登记 / 更改依据."""
    st = response_state(ctx.store.run(lambda repo: repo.timeline(data["case_id"])))
    rests = [Fact("口径", f"{unit_name(ctx.org, u)} {version_words(ctx.org, st.script(u, v), SCRIPT_ROLES, '口径')}")
             for u, v in data["scripts"]] or [Fact("口径", "（无）")]
    plan = data.get("plan")
    planned = version_words(ctx.org, st.plan(*plan), PLAN_STEPS, "方案") if plan else ""
    rests.append(Fact("回应方案", f"{unit_name(ctx.org, plan[0])} {planned}" if plan else "（无）"))
    facts = [Fact("渠道", CHANNEL_LABELS[channel_of(data["channel"])]), Fact("时间", data["when_shown"]),
             Fact("链接", data.get("link") or "无"), *rests]
    buttons = (Button("确认登记", "publish.confirm", owned({"case": data["case"]}, ctx), "primary"),
               Button("更改依据", "publish.change", owned({"case": data["case"]}, ctx)))
    card = PromptCardData(title=f"确认发布 {data['case']}", color="blue", facts=facts,
                          body="第4/4项：所依据的口径和回应方案如上（默认为各单位最新审定通过的版本）。", status="",
                          hint="回复“确认”登记，回复“更改依据”另选版本，发送“取消”放弃。").card(buttons)
    return Step(S.BASIS, (Reply(card, case_id=data["case_id"]),), data)


def _options(ctx, data: dict) -> list[tuple[str, str, int]]:
    st = response_state(ctx.store.run(lambda repo: repo.timeline(data["case_id"])))
    return ([("口径", v.unit, v.version) for vs in st.scripts.values() for v in vs]
            + [("方案", v.unit, v.version) for vs in st.plans.values() for v in vs])


def change(event: Event, ctx, data: dict) -> Step:
    """Every script and plan version, numbered, to choose from."""
    if refused := not_owner(event, ctx):
        return Step(S.BASIS, (Reply(notice(refused)),), data)
    options = _options(ctx, data)
    if not options:
        return Step(S.BASIS, (Reply(notice(f"{data['case']} 还没有提交任何口径或回应方案。")),), data)
    lines = [f"{i}. {unit_name(ctx.org, u)} {what} v{v}" for i, (what, u, v) in enumerate(options, 1)]
    text = "\n".join([f"请回复所依据的版本序号（用顿号或空格分隔，如“1、3”；方案至多一个）：", *lines])
    return Step(S.CHOOSE, (*_settled(event, data, "更改依据"), Reply(notice(text))), data)


def chosen(event: Event, ctx, data: dict) -> Step:
    """The numbers typed: the scripts and the plan; back to the confirmation."""
    options = _options(ctx, data)
    picks = [int(n) for n in re.findall(r"\d+", command_text(event))]
    if not picks or any(not 1 <= n <= len(options) for n in picks):
        return Step(S.CHOOSE, (Reply(notice(f"请回复 1 到 {len(options)} 之间的序号，如“1、3”。")),), data)
    named = [options[n - 1] for n in dict.fromkeys(picks)]
    plans = [[u, v] for what, u, v in named if what == "方案"]
    if len(plans) > 1:
        return Step(S.CHOOSE, (Reply(notice("回应方案只能选一个，请重新回复序号。")),), data)
    data = {**data, "scripts": [[u, v] for what, u, v in named if what == "口径"], "plan": plans[0] if plans else None}
    return basis(ctx, data)


def _accepted(ctx, data: dict, result) -> str:
    p = result.outcome.entry.payload
    at = datetime.fromisoformat(p["when"])
    said = f"已登记 {data['case']} 发布（{p['channel_label']}，{when(at, ctx.now)}）"
    ended = [f"{DUTY_LABELS[d.kind]}（{'逾期' if d.late else '按时'}）" for d in result.outcome.ended]
    if ended:
        said += "；已办结：" + "、".join(ended)
    if p.get("from") != p.get("to"):
        said += f"；案件转为“{CASE_LABELS[result.outcome.case.state]}”"
    return said


def confirmed(event: Event, ctx, data: dict) -> Step:
    """确认: the domain records the publication, or refuses it with every reason."""
    if refused := not_owner(event, ctx):
        return Step(S.BASIS, (Reply(notice(refused)),), data)
    result = publish(ctx.store, ctx.rules, data["case_id"], ctx.actor(event), ctx.now, data["channel"],
                     datetime.fromisoformat(data["when"]), data.get("link"),
                     [tuple(s) for s in data["scripts"]], tuple(data["plan"]) if data.get("plan") else None)
    settled = _settled(event, data, "已提交")
    if not result.accepted:
        said = (f"不能登记发布：{'；'.join(result.refused)}。（此次登记已记入案件记录；"
                f"审定、审批通过后请重新发送“{WORD} {data['case']}”）")
        return Step(END, (*settled, Reply(notice(said), case_id=data["case_id"])))
    return Step(END, (*settled, Reply(notice(_accepted(ctx, data, result)), case_id=data["case_id"]),
                      *desk_card_updates(ctx, data["case_id"])))


def _answer(e: Event) -> bool:
    return is_text(e) and not _is_start(e)


PUBLISH = dialog(Conversation(
    name="publish", lasts=lambda data, now: until_due(data.get("due"), now),
    owner_buttons=OwnerButtons(("publish.channel", "publish.confirm", "publish.change"), WORD),
    expiry_notice=lambda data: f"{data['case']} 的发布尚未登记，请重新发送“{WORD} {data['case']}”。",
    entry_points=[(_is_start, start)],
    states={S.CHANNEL: [(clicked("publish.channel"), channel_given), (_answer, channel_given)],
            S.WHEN: [(_answer, when_given)],
            S.LINK: [(_answer, link_given)],
            S.BASIS: [(clicked("publish.confirm"), confirmed), (typed("确认", "确认登记"), confirmed),
                      (clicked("publish.change"), change), (typed("更改依据", "更改"), change)],
            S.CHOOSE: [(_answer, chosen)]},
))
