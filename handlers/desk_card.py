"""The desk's intake card of a case brought up to date where it can change in place: after 分派, and after every
step of a response (issue 20: its 回应 section — scripts and plans per unit, who decided what, publications)."""

from __future__ import annotations

from bot.core.card import Reply
from handlers.card_copies import refresh
from handlers.case_lookup import current_intake_card
from handlers.registry import Context


def desk_card_updates(ctx: Context, case_id: int, status: str = "") -> list[Reply]:
    """Updates of the desk's intake cards of the case (grade, units and 回应 as they are now) that can change in
    place; none for a copy that cannot (the answer in words says what was done)."""
    rows = [r for r in ctx.card_copies.of_case(case_id, kind="intake_card")
            if any(b.get("action") == "intake.units" for b in (r.card or {}).get("buttons") or [])]
    if not rows:
        return []
    return refresh(ctx, ctx.org, rows, current_intake_card(ctx, case_id, status), "", case_id)
