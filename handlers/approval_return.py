"""退回修改 on a unit's script or plan version: the approver says why, the version goes back to the unit.

    (none) --click 退回修改 (script.return / plan.return, params {case, u, v} or {case, d})
           / "退回修改 YQ-… [vN] [单位]"--> REASON: "请说明退回修改的理由" (continued 1:1; the prompt says where)
    (none) --"退回修改 YQ-… [vN] [单位] 理由"--> END: returned at once
    REASON --text--> END: returned (decide_* approve=False): the unit's liaisons, head and submitter get the notice
        with the reason; every copy of the version's approval card settles (handlers/approvals.py)
    any --取消--> END, nothing changes
    refused at the start, before the reason is asked (the domain's refusal raised: the worker answers and audits
        it, nothing changes): not an approver of this version, an old version, decided already, the main leader
        out of turn; the main leader on a script with both roles pending is first asked in whose place
        (代宣传分管领导审定 / 代分管领导审定)

Typed ``退回修改`` is shared with the desk's evaluation review (``退回修改 YQ-… 单位 理由``,
handlers/evaluation_review.py). The rule: the words after the number start with ``vN``, or the person has an
approval pending on that case (an open 口径审定 / 方案审批 duty of his) → this dialog, an approval version;
otherwise → the evaluation review.
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.card import Reply
from bot.core.conversation import END, Conversation, Step, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.errors import DomainError
from bot.domain.permissions import Role
from bot.domain.response.plans import decide_plan
from bot.domain.response.scripts import decide_script
from handlers import approval_typed, approvals, evaluation_review
from handlers.case_lookup import case_view
from handlers.registry import dialog

WORD = "退回修改"
ACTIONS = ("script.return", "plan.return")


class S(StrEnum):
    """States of the 退回修改 dialog."""

    REASON = "reason"


class _Rehearsed(Exception):
    """Raised at the end of a rehearsal so its transaction is rolled back."""


class _Rehearsal:
    """A CaseStore that runs a command's work and rolls it back: the domain's own checks, nothing written."""

    def __init__(self, store) -> None:
        self.store = store

    def run(self, work):
        def attempt(repo):
            work(repo)
            raise _Rehearsed

        try:
            self.store.run(attempt)
        except _Rehearsed:
            return None


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action in ACTIONS
    return command_text(event).split()[:1] == [WORD]


def _decide(event: Event, ctx, data: dict, reason: str, store=None):
    """decide_script / decide_plan with approve=False (in ``store``: the rehearsal, or the case store)."""
    view = case_view(ctx, data["case"])
    args = (store or ctx.store, ctx.rules, view.case.id, data["u"], int(data["v"]), ctx.actor(event), ctx.now, False,
            reason)
    if data["plan"]:
        return decide_plan(*args)
    behalf = Role(data["b"]) if data.get("b") else None
    return decide_script(*args, on_behalf=behalf)


def start(event: Event, ctx, data: dict) -> Step:
    """Find the version; refuse at once what the domain would refuse; return it now or ask the reason."""
    if event.kind == "click":
        view = case_view(ctx, str(event.params.get("case", "")))
        plan = event.action == "plan.return"
        unit, version = approvals.clicked_version(ctx, view, event, plan)
        reason = ""
    else:
        found = _typed(event, ctx)
        if isinstance(found, Step):
            return found
        view, plan, unit, version, reason = found
    data = {"case": view.case.number, "plan": plan, "u": unit, "v": version, "b": str(event.params.get("b") or "")}
    st = approvals.state_of(ctx, view.case.id)
    v = (st.plan if plan else st.script)(unit, version)
    if not data["b"] and v is not None and v is (st.latest_plan if plan else st.latest_script)(unit) \
            and approvals.needs_role(ctx, v, plan, view.case.county):
        return Step(END, (approvals.role_choice(ctx, view, v, "script.return"),))
    if reason:  # refused: raised, so the worker answers and audits it (``refused … reason=…``)
        return Step(END, tuple(approvals.after_decision(event, ctx, _decide(event, ctx, data, reason), plan)))
    _decide(event, ctx, data, "（预检）", _Rehearsal(ctx.store))  # the domain's refusal raised, as above
    where = ctx.extra.get("answer_where") or "直接回复即可"
    what = f"{unit_name(ctx.org, unit)}的{'回应方案' if plan else '口径'} v{version}"
    return Step(S.REASON, (Reply(notice(f"请说明退回修改 {view.case.number} {what}的理由（{where}；发送“取消”放弃）。")),),
                data)


def _typed(event: Event, ctx):
    """(the case, plan?, unit, version, reason) that ``退回修改 YQ-… [vN] [单位] [理由]`` names — or the Step that
    ends here: the evaluation review's (module docstring: the rule), the pending list, or what is missing."""
    words = command_text(event).split()[1:]
    number = words[0].upper() if words else ""
    versioned = len(words) > 1 and approval_typed.VERSION.match(words[1])
    if not number.startswith("YQ-") and (mine := approval_typed.pending_of(ctx, ctx.person.id)):
        return Step(END, (Reply(notice(f"请这样退回修改：\n{approval_typed.listed(ctx, mine, WORD)}")),))
    if not number.startswith("YQ-") or not (versioned or approval_typed.pending_of(ctx, ctx.person.id, number)):
        return Step(END, tuple(evaluation_review.return_typed(event, ctx)))
    view = case_view(ctx, number)
    chosen, reason = _chosen(ctx, [number, *words[1:]])
    if isinstance(chosen, str):
        return Step(END, (Reply(notice(chosen)),))
    return view, chosen.plan, chosen.unit, chosen.version, reason


def _chosen(ctx, words: list[str]):
    """(the version the typed words name, the reason after them) — or (what to say, "")."""
    rest = words[1:]
    head = [words[0]]
    if rest and approval_typed.VERSION.match(rest[0]):
        head.append(rest.pop(0))
        if rest and any(rest[0] in (u, unit_name(ctx.org, u)) for u in ctx.org.units):
            head.append(rest.pop(0))
    chosen = approval_typed.pick(ctx, head, None)
    return chosen, " ".join(rest)


def got_reason(event: Event, ctx, data: dict) -> Step:
    """The reason: return the version."""
    return _returned(event, ctx, data, command_text(event))


def _returned(event: Event, ctx, data: dict, reason: str) -> Step:
    try:
        outcome = _decide(event, ctx, data, reason)
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    return Step(END, tuple(approvals.after_decision(event, ctx, outcome, data["plan"])))


def _v(data: dict) -> str:
    return f" v{data['v']}" if data.get("v") else ""


RETURN_VERSION = dialog(Conversation(
    name="return_version",
    expiry_notice=lambda data: f"{data['case']} 的退回修改尚未提交（未填写理由），"
                               f"请重新发送“{WORD} {data['case']}{_v(data)} 理由”。",
    entry_points=[(_is_start, start)],
    states={S.REASON: [(lambda e: is_text(e) and not _is_start(e), got_reason)]},
))
