"""演练 (issue 23): the city desk's head starts a drill from a shipped scenario in the chat, after a confirmation
that names who will receive cards.

    (none) --"演练" / "演练 major|general|especially_major"--> CONFIRM: a card naming the scenario's title, grade,
        scale (×60), its scripted steps and who receives cards (the desk, each unit with its liaisons, the
        leaders the scenario names), with 确认开始 / 取消
        not the city desk's head --> refused at once, nothing changes
        a name not shipped (examples/drills/) --> refused at once, naming the shipped ones
    CONFIRM --确认 (typed) / click 确认开始--> END: the drill opens (bot.domain.drill.start.start_drill): the head
        gets the desk's card of the case, each unit its warning, the named leaders their bulletins — the same
        cards as a case opened, graded and assigned in the chat (:func:`drill_replies`), all marked 【演练】
    CONFIRM --取消 (typed or clicked)--> END, nothing changes

:func:`drill_replies` and :func:`outcomes_of` are shared with the worker's job that announces a drill the command
line opened (``worker/drill_jobs.py``).
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.card import Button, Card, Reply
from bot.core.conversation import END, Conversation, OwnerButtons, Step, cancelled_reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import Fact, notice
from bot.domain.cards.shapes import PromptCardData
from bot.domain.context import Outcome
from bot.domain.drill.scenario import Scenario, ScenarioError, load_scenario
from bot.domain.drill.start import DEFAULT_SCALE, recipients, shipped_scenario, start_drill, starter
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.words import grade_color
from handlers import leaders, warning
from handlers.case_lookup import current_intake_card
from handlers.dialog_owner import not_owner, owned
from handlers.dialog_steps import clicked, settled_click, typed
from handlers.registry import Context, dialog

WORD = "演练"
DEFAULT = "major"
TITLE = "开始演练"


class S(StrEnum):
    """States of the 演练 dialog."""

    CONFIRM = "confirm"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return False
    words = command_text(event).split()
    return bool(words) and words[0] == WORD and len(words) <= 2


def _scenario(ctx: Context, name: str) -> Scenario:
    """The shipped scenario ``name``, checked against the org; raises InvalidInput (not shipped, or refused)."""
    path = shipped_scenario(name)
    try:
        return load_scenario(path, ctx.org)
    except ScenarioError as exc:
        raise InvalidInput("drill.scenario", f"演练场景 {path.name} 有误，请管理员修正：{exc}") from None


def start(event: Event, ctx: Context, data: dict) -> Step:
    """The city desk's head asks for a drill: the confirmation card (anyone else is refused first)."""
    starter(ctx.org, ctx.actor(event))
    words = command_text(event).split()
    name = words[1] if len(words) > 1 else DEFAULT
    scenario = _scenario(ctx, name)
    name = shipped_scenario(name).stem
    data = {"scenario": name, "scale": DEFAULT_SCALE}
    return Step(S.CONFIRM, (Reply(confirm_card(ctx, scenario, DEFAULT_SCALE, name)),), data)


def confirm_card(ctx: Context, scenario: Scenario, scale: float, name: str = DEFAULT) -> Card:
    """The card asking the head to confirm: the scenario, its grade and scale, and who will receive cards."""
    who = recipients(ctx.org, scenario.units, scenario.people, scenario.grade)
    facts = [Fact("场景", scenario.title), Fact("等级", scenario.grade.label),
             Fact("时间倍率", f"×{scale:g}（时限按 1/{scale:g} 计算，四小时缩为 {240 / scale:g} 分钟）")]
    for i, step in enumerate(scenario.steps, 1):
        minutes = step.after.total_seconds() / 60
        facts.append(Fact(f"脚本第{i}步", f"演练时间 {minutes:g} 分钟后（实际约 {minutes / scale:g} 分钟）"
                                          f"升为{step.raise_to.label}：{step.reason}"))
    body = "将按真实流程发送以下卡片（均标注【演练】）：\n" + "\n".join(who.lines())
    params = {"case": name}  # the ended-click answer says: 请发送“演练 <name>”
    buttons = (Button("确认开始", "drill.confirm", owned(params, ctx), "primary"),
               Button("取消", "drill.cancel", owned(params, ctx)))
    return PromptCardData(title=f"{TITLE}？", color=grade_color(scenario.grade), facts=facts, body=body, status="",
                          hint="回复“确认”开始演练，发送“取消”放弃。").card(buttons)


def confirmed(event: Event, ctx: Context, data: dict) -> Step:
    """确认: open the drill and send its cards."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    scale = float(data.get("scale") or DEFAULT_SCALE)
    try:
        scenario = _scenario(ctx, data["scenario"])
        started = start_drill(ctx.store, ctx.rules, ctx.actor(event), ctx.now, scenario, scale=scale,
                              source=scenario.source)
    except DomainError as exc:
        return Step(END, (*settled_click(event, data, f"{TITLE}？", "未开始"), Reply(notice(exc.message))))
    case = started.case
    said = (f"已开始演练 {case.number}（{case.grade.label}，时间 ×{scale:g}）。案件卡片如下，"
            f"承办单位的预警和领导的通报已按等级发出；演练结束后发送“演练报告 {case.number}”查看各环节是否按时。")
    return Step(END, (*settled_click(event, data, f"{TITLE}？", f"已开始 {case.number}"),
                      Reply(notice(said), case_id=case.id),
                      Reply(current_intake_card(ctx, case.id, "演练案件"), case_id=case.id),
                      *drill_replies(ctx, started.opened, started.assigned)))


def cancelled(event: Event, ctx: Context, data: dict) -> Step:
    """取消 clicked: nothing starts."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    return Step(END, (*settled_click(event, data, f"{TITLE}？", "已取消"), cancelled_reply()))


def drill_replies(ctx: Context, opened: Outcome, assigned: list[Outcome]) -> list[Reply]:
    """What others are told once a drill opened and its units were warned: each unit's warning (its group and
    liaisons) and the leaders' bulletins by grade — only to the leaders the scenario names (handlers/leaders.py)
    — one bulletin per leader, naming every unit."""
    replies = leaders.after_grade(opened, ctx)
    for outcome in assigned:
        replies += warning.after_assign(outcome, ctx)
    return leaders.latest_bulletins(replies)


def outcomes_of(ctx: Context, case_id: int) -> tuple[Outcome, list[Outcome]] | None:
    """The ``case.open`` outcome of a case and its ``case.assign`` outcomes, read back from its timeline (the
    worker announces a drill the command line opened); None when the case or its opening is not found."""
    def read(repo):
        case = repo.get_case(case_id)
        if case is None:
            return None
        timeline = repo.timeline(case_id)
        opening = next((e for e in timeline if e.action == "case.open"), None)
        if opening is None:
            return None
        by_id = {a.id: a for a in repo.assignments(case_id)}
        assigned = [Outcome(case, e, assignment=by_id[e.payload.get("assignment")]) for e in timeline
                    if e.action == "case.assign" and e.payload.get("assignment") in by_id]
        return Outcome(case, opening), assigned
    return ctx.store.run(read)


DRILL = dialog(Conversation(
    name="drill_start",
    owner_buttons=OwnerButtons(("drill.confirm", "drill.cancel"), WORD),
    expiry_notice=lambda data: (f"演练尚未开始（停在“确认开始”，场景 {data.get('scenario', DEFAULT)}），"
                                f"如需演练请重新发送“{WORD} {data.get('scenario', DEFAULT)}”。"),
    entry_points=[(_is_start, start)],
    states={S.CONFIRM: [(clicked("drill.confirm"), confirmed), (typed("确认", "确认开始"), confirmed),
                        (clicked("drill.cancel"), cancelled)]},
))
