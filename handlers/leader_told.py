"""Whether the main leader has been told of a case (not an intent: no handler): the unit's card says
已通知主要领导 only once his bulletin's outbox row is sent — added is not told — and 主要领导已签收 <时间> after his
签收 (``bot.domain.cards.case_card.main_leader_line``). Asked of the outbox through ``ctx.card_copies``."""

from __future__ import annotations

from bot.domain.response.approvers import is_main_leader

__all__ = ["bulletin_copies", "main_leader_told"]


def bulletin_copies(ctx, case_id: int) -> dict[str, list]:
    """The bulletins of the case already sent (or pending), by the org id of the leader they went to."""
    out: dict[str, list] = {}
    for row in ctx.card_copies.of_case(case_id, kind="bulletin"):
        person = ctx.org.by_platform_id(row.platform, str((row.address or {}).get("user_id", "")))
        if person is not None:
            out.setdefault(person.id, []).append(row)
    return out


def main_leader_told(ctx, case_id: int, county: str | None = None) -> bool:
    """Whether a bulletin of the case to its main leader (the bureau's; a county's case, ``county``: the county's)
    has been sent (its outbox row, not just added)."""
    return any(is_main_leader(ctx.org, pid, county=county) and any(row.sent for row in rows)
               for pid, rows in bulletin_copies(ctx, case_id).items())
