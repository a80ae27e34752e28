"""The typed forms of an approval, for readers without cards: ``审定 YQ-… v2`` (a script; ``审定 YQ-… v2 单位``
when several units' versions are pending), ``审批 YQ-… v1`` (a plan), ``同意`` / ``同意 YQ-…``; and what a person
has pending (his open 口径审定 / 方案审批 duties), which handlers/approval_return.py and handlers/reject.py ask.

    "审定|审批 YQ-… vN [单位]" --> that version decided (handlers/approvals.py:decide)
    "审定|审批 YQ-…" / "同意 YQ-…" / "同意" --> the person's one pending approval (of that case) decided;
        several --> the list of them with their typed forms, nothing changes; none --> said so
    the main leader on a script with both roles pending --> asked in whose place (buttons)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.errors import InvalidInput
from bot.domain.kinds import DutyKind
from bot.domain.response.state import PlanVersion, ResponseState
from handlers.approvals import decide, needs_role, role_choice, state_of
from handlers.case_lookup import CaseView, case_view
from handlers.registry import Context, router

KINDS = {False: DutyKind.SCRIPT_APPROVAL, True: DutyKind.PLAN_APPROVAL}
USAGE = {False: "审定 YQ-2026-0001 v1", True: "审批 YQ-2026-0001 v1", None: "同意 YQ-2026-0001"}
VERSION = re.compile(r"^[vV](\d+)$")


@dataclass(frozen=True)
class Pending:
    """One version awaiting a person's decision: the case's number, plan or script, the unit, the version."""

    number: str
    plan: bool
    unit: str
    version: int


def pending_of(ctx: Context, person_id: str, number: str | None = None) -> list[Pending]:
    """The versions awaiting ``person_id``'s decision — his open 口径审定 / 方案审批 duties (on case ``number``)."""
    rows = ctx.store.run(lambda repo: repo.open_duties_of([], person=person_id))
    found: list[Pending] = []
    states: dict[int, ResponseState] = {}
    for duty, case in rows:
        if duty.kind not in KINDS.values() or duty.owner_person != person_id or number not in (None, case.number):
            continue
        st = states.setdefault(case.id, state_of(ctx, case.id))
        v = st.version_of_duty(duty.id)
        if v is not None:
            found.append(Pending(case.number, isinstance(v, PlanVersion), v.unit, v.version))
    return list(dict.fromkeys(found))


def typed_form(ctx: Context, p: Pending, several_units: bool = False, word: str = "") -> str:
    """How to type the decision on ``p`` (同意 by default; ``word`` 退回修改 adds 理由)."""
    unit = f" {unit_name(ctx.org, p.unit)}" if several_units else ""
    if word:
        return f"{word} {p.number} v{p.version}{unit} 理由"
    return f"{'审批' if p.plan else '审定'} {p.number} v{p.version}{unit}"


def listed(ctx: Context, pending: list[Pending], word: str = "") -> str:
    """The pending approvals, one per line, with their typed forms."""
    lines = []
    for p in pending:
        several = len({q.unit for q in pending if q.number == p.number and q.plan == p.plan}) > 1
        what = f"{unit_name(ctx.org, p.unit)}的{'回应方案' if p.plan else '口径'} v{p.version}"
        lines.append(f"· {p.number} {what}：发送“{typed_form(ctx, p, several, word)}”")
    return "\n".join(lines)


def return_form(ctx: Context, view: CaseView) -> str:
    """What to tell a person with a pending approval on the case who typed 退回 (the unit's 非本单位职责): the
    退回修改 form; "" when he has none (handlers/reject.py goes on)."""
    mine = pending_of(ctx, ctx.person.id, view.case.number) if ctx.person else []
    if not mine:
        return ""
    return (f"{view.case.number} 有待您审定或审批的版本；如需退回修改，请发送：\n{listed(ctx, mine, '退回修改')}\n"
            f"（“退回 编号”是承办单位退回非本单位职责的案件。）")


def pick(ctx: Context, words: list[str], plan: bool | None) -> Pending | str:
    """The one version typed words name (``YQ-… [vN] [单位]``; none: the person's pending one), or what to say."""
    number = words[0] if words else None
    mine = [p for p in pending_of(ctx, ctx.person.id, number) if plan is None or p.plan == plan]
    rest = words[1:]
    if number and rest and (m := VERSION.match(rest[0])):
        n, rest = int(m.group(1)), rest[1:]
        found = [p for p in mine if p.version == n] or _latest_versions(ctx, number, n, plan)
        if rest:
            found = [p for p in found if rest[0] in (p.unit, unit_name(ctx.org, p.unit))] or found
        mine = found
    if len(mine) == 1:
        return mine[0]
    if not mine:
        return f"您在 {number} 没有待审定或审批的口径、回应方案。" if number else "您没有待审定或审批的口径、回应方案。"
    return f"您有 {len(mine)} 项待审定或审批，请逐项发送：\n{listed(ctx, mine)}"


def _latest_versions(ctx: Context, number: str, n: int, plan: bool | None) -> list[Pending]:
    """Every unit's version ``n`` on case ``number`` (scripts, then plans): for a main leader deciding without a
    duty of his own, and so that an old or decided version gets the domain's own answer (「已有新版本」…)."""
    view = case_view(ctx, number)
    st = state_of(ctx, view.case.id)
    found = []
    for is_plan, group in ((False, st.scripts), (True, st.plans)):
        if plan in (None, is_plan):
            found += [Pending(number, is_plan, u, n) for u, vs in group.items() if any(v.version == n for v in vs)]
    return found


def _typed(event: Event, ctx: Context, word: str, plan: bool | None) -> list[Reply]:
    words = command_text(event).split()[1:]
    if words and not words[0].upper().startswith("YQ-"):
        raise InvalidInput("approval.usage", f"请这样{word}：{USAGE[plan]}")
    if words:
        words[0] = words[0].upper()
    chosen = pick(ctx, words, plan)
    if isinstance(chosen, str):
        return [Reply(notice(chosen))]
    view = case_view(ctx, chosen.number)
    v = (state_of(ctx, view.case.id).plan if chosen.plan else state_of(ctx, view.case.id).script)(chosen.unit,
                                                                                                  chosen.version)
    if needs_role(ctx, v, chosen.plan, view.case.county):
        return [role_choice(ctx, view, v, "script.approve")]
    return decide(event, ctx, view, chosen.unit, chosen.version, chosen.plan, True)


@router.command("审定")
def approve_script_typed(event: Event, ctx: Context) -> list[Reply]:
    """``审定 YQ-… v2 [单位]`` (the unit needed only when several units' versions are pending)."""
    return _typed(event, ctx, "审定口径", False)


@router.command("审批")
def approve_plan_typed(event: Event, ctx: Context) -> list[Reply]:
    """``审批 YQ-… v1``."""
    return _typed(event, ctx, "审批回应方案", True)


@router.command("同意")
def approve_typed(event: Event, ctx: Context) -> list[Reply]:
    """``同意`` / ``同意 YQ-…``: only when exactly one approval of the person is pending, else the list."""
    return _typed(event, ctx, "同意", None)
