"""The 回应 of a case as its cards show it (issue 20 item 8): the timeline folded by the domain
(``bot.domain.response.state.response_state``) into the plain :class:`~bot.domain.cards.shapes.ResponseSection`
the 案件 status card and the desk's card lay out — per unit its latest script and plan (待审定 v2 with whom it
waits for, 已审定 v2 with who approved, 退回修改 v1 by whom), then the publications. Not an intent: no handler.
"""

from __future__ import annotations

from bot.core.org import Organisation
from bot.domain.cards.case_card import person_name, unit_name
from bot.domain.cards.shapes import Publication, ResponseLine, ResponseSection
from bot.domain.case.timeline import TimelineEntry
from bot.domain.response.approvers import PLAN_STEPS, ROLE_LABELS, SCRIPT_ROLES
from bot.domain.response.channels import CHANNEL_LABELS, PublicationChannel
from bot.domain.response.state import ResponseState, Version, response_state
from handlers.registry import Context

__all__ = ["case_response", "response_section", "version_words"]

VERB = {"口径": "审定", "方案": "审批"}
REASON = 20  # characters of a return's reason on the line (the desk's card must fit DingTalk's 1 KB)


def version_words(org: Organisation, v: Version | None, roles, subject: str) -> str:
    """A version's state in words: 「已审定 v2（钱副局长、吴副局长）」, 「待审定 v1（待分管局领导；分管宣传的局领导
    钱副局长已同意）」, 「退回修改 v1（吴副局长：理由）」; "" without a version."""
    if v is None:
        return ""
    verb = VERB[subject]
    if v.returned is not None:
        reason = (v.returned.reason or "").strip()
        reason = f"：{reason[:REASON]}…" if len(reason) > REASON else (f"：{reason}" if reason else "")
        return f"退回修改 v{v.version}（{person_name(org, v.returned.person)}{reason}）"
    names = "、".join(dict.fromkeys(person_name(org, d.person) + (f"代为{verb}" if d.on_behalf else "")
                                    for d in v.decisions if d.approve))
    if v.approved:
        return f"已{verb} v{v.version}" + (f"（{names}）" if names else "")
    waiting = "、".join(ROLE_LABELS[r] for r in roles if str(r) not in v.settled())
    done = f"；{names}已同意" if names else ""
    return f"待{verb} v{v.version}（待{waiting}{done}）"


def _channel(value: str) -> str:
    try:
        return CHANNEL_LABELS[PublicationChannel(value)]
    except ValueError:
        return value


def section_of(org: Organisation, st: ResponseState) -> ResponseSection | None:
    """The 回应 section of a folded state; None when no script, plan or publication exists yet."""
    units = list(dict.fromkeys([*st.scripts, *st.plans]))
    if not units and not st.publications:
        return None
    lines = [ResponseLine(unit_name(org, u), version_words(org, st.latest_script(u), SCRIPT_ROLES, "口径"),
                          version_words(org, st.latest_plan(u), PLAN_STEPS, "方案")) for u in units]
    published = [Publication(_channel(p.channel), p.when or p.at) for p in st.publications]
    return ResponseSection(lines, published)


def response_section(org: Organisation, entries: list[TimelineEntry]) -> ResponseSection | None:
    """The 回应 section of a case from its timeline entries (oldest first); None while nothing happened."""
    return section_of(org, response_state(entries))


def case_response(ctx: Context, case_id: int) -> ResponseSection | None:
    """The 回应 section of the case ``case_id`` as it stands now (read through ``ctx.store``)."""
    return ctx.store.run(lambda repo: response_section(ctx.org, repo.timeline(case_id)))
