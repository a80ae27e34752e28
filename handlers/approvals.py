"""A leader's 同意 on a unit's script (口径审定, two leaders in any order) or plan (方案审批, in order), by button or
typed; what everyone concerned sees afterwards. 退回修改 (with its reason) is :mod:`handlers.approval_return`.

    同意 (script.approve / plan.approve; params {case, u, v}, or {case, d} from a reminder / 我的待办)
        --> the domain decides (decide_script / decide_plan); the clicked card settles in place; the other
            approvers' copies and the unit's card show the decision (in place, else a fresh card or a notice)
        version approved --> the unit's liaisons, head and the submitter get 口径/方案已审定; for a script the
            publicity leader who approved gets 同意报送 (script.onward_consent)
        a plan's leader in charge approved --> the main leader's 方案审批 card (handlers/approval_sending.py)
    an old version's card --> 「已有新版本 vN」 and the card settles as outdated
    the same leader again, another unit's leader in charge, a liaison, the main leader out of turn
        --> the domain's refusal, nothing changes
    the main leader on a script with both roles pending --> which role (代宣传分管领导审定 / 代分管领导审定)

The typed forms (``审定 YQ-… v2``, ``审批 YQ-… v1``, a bare ``同意``) are :mod:`handlers.approval_typed`; they
decide through :func:`decide` here.
"""

from __future__ import annotations

from bot.core.card import Button, Card, Reply, Target
from bot.core.event import Event
from bot.domain.cards import notice
from bot.domain.cards.case_card import LIVE, unit_card, unit_name
from bot.domain.cards.response_cards import (PENDING, PLAN, SCRIPT, onward_consent_card, version_approved_notice,
                                             version_returned_notice)
from bot.domain.cards.shapes import PromptCardData
from bot.domain.errors import IllegalTransition, InvalidInput
from bot.domain.permissions import Role
from bot.domain.response import approvers as who
from bot.domain.response.plans import decide_plan
from bot.domain.response.scripts import decide_script
from bot.domain.response.state import PlanVersion, ResponseState, Version, response_state
from handlers.approval_sending import approval_card, approval_cards, approvers_of
from handlers.card_copies import refresh
from handlers.case_lookup import CaseView, case_view, case_view_of
from handlers.leaders import drill_people_of
from handlers.desk_card import desk_card_updates
from handlers.registry import Context, router

ON_BEHALF = {Role.PUBLICITY_LEADER: "代宣传分管领导审定", Role.LEADER_IN_CHARGE: "代分管领导审定"}


def state_of(ctx: Context, case_id: int) -> ResponseState:
    """The case's response state as it stands now."""
    return ctx.store.run(lambda repo: response_state(repo.timeline(case_id)))


def awaits(ctx: Context, v: Version, plan: bool, person_id: str, county: str | None = None) -> bool:
    """Whether version ``v`` still waits for ``person_id``'s decision (his card stays live); ``county``: the
    case's county (its leaders approve a county case)."""
    if v.status != PENDING or v.decided_by(person_id) is not None:
        return False
    settled = v.settled()
    if plan:
        nxt = next((s for s in who.PLAN_STEPS if str(s) not in settled), None)
        return nxt is not None and nxt in who.plan_steps(ctx.org, person_id, v.unit, county=county)
    return any(str(r) not in settled for r in who.script_roles(ctx.org, person_id, v.unit, county=county))


def version_card(ctx: Context, view: CaseView, st: ResponseState, v: Version, plan: bool, live: bool) -> Card:
    """The approval card of version ``v``: live (同意 / 退回修改) or settled; outdated when a newer one exists."""
    latest = (st.latest_plan if plan else st.latest_script)(v.unit)
    newer = latest.version if latest is not None and latest.version > v.version else None
    return approval_card(ctx, view, v, PLAN if plan else SCRIPT, live=live, newer=newer)


def clicked_version(ctx: Context, view: CaseView, event: Event, plan: bool) -> tuple[str, int]:
    """(unit, version) a button names: ``{u, v}`` on the approval card, ``{d}`` (the duty) on a reminder."""
    params = event.params
    if params.get("d") not in (None, ""):
        v = state_of(ctx, view.case.id).version_of_duty(int(params["d"]))
        if v is None or isinstance(v, PlanVersion) != plan:
            raise InvalidInput("approval.button", "这个按钮已失效，请发送“我的待办”查看待审定的事项。")
        return v.unit, v.version
    try:
        return str(params.get("u", "")), int(params.get("v"))
    except (TypeError, ValueError):
        raise InvalidInput("approval.button", "这个按钮已失效，请发送“我的待办”查看待审定的事项。") from None


def needs_role(ctx: Context, v: Version | None, plan: bool, county: str | None = None) -> bool:
    """Whether the person is the main leader (of the case: ``county``'s on a county case) without a role of his own
    on a script whose two roles are pending."""
    if plan or v is None or v.status != PENDING or v.settled():
        return False
    return (who.is_main_leader(ctx.org, ctx.person.id, county=county)
            and not who.script_roles(ctx.org, ctx.person.id, v.unit, county=county))


def role_choice(ctx: Context, view: CaseView, v: Version, action: str) -> Reply:
    """Ask the main leader in whose place he decides (two buttons passing ``b``, the role)."""
    params = {"case": view.case.number, "u": v.unit, "v": v.version}
    buttons = tuple(Button(label, action, {**params, "b": str(role)}, "primary") for role, label in ON_BEHALF.items())
    card = PromptCardData(title=f"代为审定 {view.case.number} v{v.version}", color="orange", facts=[],
                          case_id=view.case.id, status="",
                          body=f"{unit_name(ctx.org, v.unit)}的口径 v{v.version} 尚待分管宣传的局领导和分管局领导审定，"
                               "请选择代为哪一方审定。", hint="").card(buttons)
    return Reply(card, case_id=view.case.id)


def behalf_of(event: Event) -> Role | None:
    """The role the main leader chose to decide in place of (button param ``b``), or None."""
    value = str(event.params.get("b") or "")
    return Role(value) if value in {str(r) for r in ON_BEHALF} else None


def decide(event: Event, ctx: Context, view: CaseView, unit: str, version: int, plan: bool, approve: bool,
           reason: str | None = None, on_behalf: Role | None = None) -> list[Reply]:
    """Record the decision through the domain and answer everyone concerned; raises the domain's refusals
    (an old version's click: its message, and the card settles as outdated)."""
    case_id = view.case.id
    try:
        if plan:
            outcome = decide_plan(ctx.store, ctx.rules, case_id, unit, version, ctx.actor(event), ctx.now, approve,
                                  reason)
        else:
            outcome = decide_script(ctx.store, ctx.rules, case_id, unit, version, ctx.actor(event), ctx.now, approve,
                                    reason, on_behalf)
    except IllegalTransition as exc:
        if exc.key not in ("script.superseded", "plan.superseded") or event.kind != "click":
            raise
        st = state_of(ctx, case_id)
        old = (st.plan if plan else st.script)(unit, version)
        return [Reply(version_card(ctx, view, st, old, plan, live=False), update=True, case_id=case_id),
                Reply(notice(exc.message))]
    return after_decision(event, ctx, outcome, plan)


def after_decision(event: Event, ctx: Context, outcome, plan: bool) -> list[Reply]:
    """The decider's answer (his card settled in place on a click), the copies brought up to date, and what the
    unit, the publicity leader and the main leader get next."""
    view = case_view_of(ctx, outcome.case.id)
    st = state_of(ctx, view.case.id)
    p = outcome.entry.payload
    v = (st.plan if plan else st.script)(p["unit"], int(p["version"]))
    what = f"{view.case.number} {unit_name(ctx.org, v.unit)}的{'回应方案' if plan else '口径'} v{v.version}"
    done = "退回修改" if p.get("returned") else ("代为审定" if p.get("on_behalf") else ("审批同意" if plan else "审定同意"))
    said = f"已{done}：{what}" + ("（已通过）" if v.approved else "") + "。"
    mine = version_card(ctx, view, st, v, plan, live=False)
    replies = [Reply(mine, update=True, case_id=view.case.id) if event.kind == "click" else Reply(notice(said))]
    follow = f"{what}：{ctx.person.name}{'退回修改' if p.get('returned') else '同意'}" + ("，已审定通过" if v.approved else "")
    replies += copies(ctx, view, st, v, plan, follow, event.card_id if event.kind == "click" else "")
    replies += unit_told(ctx, view, v, follow)
    if p.get("returned"):
        card = version_returned_notice(view.case, v.unit, unit_name(ctx.org, v.unit), PLAN if plan else SCRIPT,
                                       v.version, ctx.person.name, ctx.now, p.get("reason") or "", ctx.now)
        replies += [Reply(card, to=Target("person", pid), case_id=view.case.id) for pid in unit_people(ctx, v)]
    if v.approved:
        replies += approved(ctx, view, v, plan)
    if plan and p.get("next"):
        replies += main_leader_card(ctx, view, outcome)
    return replies + desk_card_updates(ctx, view.case.id)


def copies(ctx: Context, view: CaseView, st: ResponseState, v: Version, plan: bool, follow: str,
           card_id: str) -> list[Reply]:
    """Every other copy of the version's approval card brought up to date, live for whoever it still awaits."""
    kind = "plan_approval" if plan else "script_approval"
    rows = [r for r in ctx.card_copies.of_case(view.case.id, kind=kind)
            if str((r.card.get("data") or {}).get("unit")) == v.unit
            and str((r.card.get("data") or {}).get("version")) == str(v.version)]
    by_person: dict[str, list] = {}
    for row in rows:
        person = ctx.org.by_platform_id(row.platform, str((row.address or {}).get("user_id", "")))
        by_person.setdefault(person.id if person else "", []).append(row)
    replies: list[Reply] = []
    for pid, mine in by_person.items():
        card = version_card(ctx, view, st, v, plan, live=bool(pid) and awaits(ctx, v, plan, pid, view.case.county))
        replies += refresh(ctx, ctx.org, mine, card, follow, view.case.id, skip_card=card_id,
                           skip_person=ctx.person.id)
    return replies


def unit_told(ctx: Context, view: CaseView, v: Version, follow: str) -> list[Reply]:
    """The unit's case card (its 回应 section) brought up to date, in place or by a one-line notice."""
    replies: list[Reply] = []
    for a in view.assignments:
        if a.unit_id == v.unit and a.state in LIVE:
            replies += refresh(ctx, ctx.org, ctx.card_copies.of_case(view.case.id, assignment_id=a.id),
                               unit_card(ctx.org, view, a, ctx.now), follow, view.case.id)
    return replies


def unit_people(ctx: Context, v: Version) -> list[str]:
    """Who hears of a decision for the unit: its liaisons and head, and who submitted the version."""
    unit = ctx.org.units.get(v.unit)
    people = [*(unit.liaisons if unit else ()), unit.head if unit else None, v.by]
    return [p for p in dict.fromkeys(people) if p]


def approved(ctx: Context, view: CaseView, v: Version, plan: bool) -> list[Reply]:
    """A version approved: the unit's notice; for a script, 同意报送 to the publicity leader who approved it."""
    name = unit_name(ctx.org, v.unit)
    step = "待舆情工作台发布" if plan else "待分管宣传的局领导同意报送、舆情工作台发布"
    card = version_approved_notice(view.case, v.unit, name, PLAN if plan else SCRIPT, v.version,
                                   approvers_of(ctx, v, PLAN if plan else SCRIPT), ctx.now, step)
    replies = [Reply(card, to=Target("person", pid), case_id=view.case.id) for pid in unit_people(ctx, v)]
    if not plan:
        decision = v.settled().get(str(Role.PUBLICITY_LEADER))
        leaders = who.publicity_approvers(ctx.org, county=view.case.county, people=drill_people_of(ctx, view.case))
        to = [decision.person] if decision is not None and decision.person in leaders else leaders
        consent = onward_consent_card(view.case, v.unit, name, v.version, v.text, v.approved_at, ctx.now)
        replies += [Reply(consent, to=Target("person", pid), case_id=view.case.id) for pid in to]
    return replies


def main_leader_card(ctx: Context, view: CaseView, outcome) -> list[Reply]:
    """The main leader's 方案审批 card once the leader in charge approved (handlers/approval_sending.py)."""
    return approval_cards(ctx, view, outcome, PLAN)


@router.action("script.approve", "plan.approve")
def approve_clicked(event: Event, ctx: Context) -> list[Reply]:
    """同意 on an approval card, a reminder or 我的待办."""
    plan = event.action == "plan.approve"
    view = case_view(ctx, str(event.params.get("case", "")))
    unit, version = clicked_version(ctx, view, event, plan)
    behalf = behalf_of(event)
    if behalf is None:
        st = state_of(ctx, view.case.id)
        v = (st.plan if plan else st.script)(unit, version)
        latest = (st.latest_plan if plan else st.latest_script)(unit)
        if latest is v and needs_role(ctx, v, plan, view.case.county):
            return [role_choice(ctx, view, v, "script.approve")]
    return decide(event, ctx, view, unit, version, plan, True, on_behalf=behalf)


