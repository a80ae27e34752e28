"""Who acts in an intake handler and under which rules: the actor, the event's transaction, the drill
switch the worker passes in (``ctx.extra["drill"]``), follow-up jobs for after the commit
(``ctx.extra["jobs"]``), and the desk's card of a case rebuilt from the store.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core import queues
from bot.core.card import Card, Reply
from bot.core.errors import HandlerError
from bot.core.event import Event
from bot.domain.context import Rules
from bot.domain.errors import InvalidInput
from bot.domain.intake import likely_units
from bot.domain.intake_cards import intake_card
from bot.domain.permissions import opener_roles
from bot.domain.records import Actor
from bot.store.case_views import case_row, case_row_by_number, case_summary, live_units
from bot.store.intake import intake_of

NOT_DESK = "只有舆情工作台（{desk}或县局）可以立案、定级和分派单位。如有舆情线索，请转给本单位联络员或{desk}。"


def actor(event: Event, ctx: Any) -> Actor:
    """The person acting, from the platform the event came from."""
    return Actor(ctx.person.id, event.platform)


def session(ctx: Any) -> Any:
    """The event's own transaction (the CaseStore's session)."""
    return ctx.store.session


def require_desk(ctx: Any) -> None:
    """Refuse politely unless the person is on the city desk or a county desk; raises HandlerError."""
    if ctx.person is None or not opener_roles(ctx.org, ctx.person.id):
        raise HandlerError("intake.not_desk", NOT_DESK.format(desk=ctx.org.desk_name()))


def drill_on(ctx: Any) -> bool:
    """Whether new cases open as drills (the console's switch, read by the worker)."""
    return bool((ctx.extra.get("drill") or {}).get("on"))


def rules_for(ctx: Any, drill: bool) -> Rules:
    """The rules a new case opens under; a drill's policy is scaled by the switch's scale, which the case
    keeps (``drill_scale``): later commands take their clocks' scale from the case, not from here."""
    scale = int((ctx.extra.get("drill") or {}).get("scale") or 1)
    if drill and scale > 1:
        return replace(ctx.rules, policy=ctx.rules.policy.with_scale(scale))
    return ctx.rules


def after_commit(ctx: Any, job: str, *args: Any, queue: str = queues.PREVIEW) -> None:
    """Ask the worker to enqueue ``job(*args)`` once the event's transaction committed."""
    ctx.extra.setdefault("jobs", []).append({"queue": queue, "job": job, "args": list(args)})


def case_id_param(event: Event) -> int:
    """The case id a button carries; raises InvalidInput for a button without one."""
    try:
        return int(event.params.get("case"))
    except (TypeError, ValueError):
        raise InvalidInput("case.param", "这个按钮已失效，请发送“案件 编号”查看案件。") from None


def case_by_number(ctx: Any, number: str) -> Any:
    """The case row with this number; raises InvalidInput when there is none."""
    row = case_row_by_number(session(ctx), number)
    if row is None:
        raise InvalidInput("case.unknown_number", f"没有找到案件 {number}，请核对编号（如 YQ-2026-0001）。")
    return row


def desk_card(ctx: Any, case_id: int, status: str = "") -> Card:
    """The desk's card of a case as it stands now: its grade, assigned units, likely units as buttons."""
    db = session(ctx)
    row = case_row(db, case_id)
    if row is None:
        raise InvalidInput("case.not_found", "找不到该案件。")
    assigned = [ctx.org.units[u] for u in live_units(db, case_id) if u in ctx.org.units]
    intake = intake_of(db, case_id)
    summary = (intake.summary or intake.preview_summary or "") if intake else ""
    suggested = likely_units(ctx.org, f"{row.title} {summary}", limit=4)
    facts = case_summary(row)
    if intake is not None and intake.transfer_source and row.transfer_ref:
        facts["transfer_ref"] = f"{intake.transfer_source} {row.transfer_ref}"
    return intake_card(facts, ctx.now, assigned, suggested, status)


def notice(text: str) -> Reply:
    """A plain answer where the event came from."""
    return Reply(Card("notice", {"text": text}))
