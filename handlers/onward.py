"""同意报送 and 报送 (Art. 19(1)): the publicity leader consents to report an approved script onward, then the desk
records to whom it was reported.

    click 同意报送 (script.onward_consent, params case, u, v) / "同意报送 YQ-… [v2]"
        --> consent_onward: the card settles in place (who, when); the desk's people told to send 报送
    "报送 YQ-… 宣传部|网信办|市委市政府 [备注]" (the desk) --> report_onward: 「已登记 YQ-… 报送市委宣传部（…）」
    refused (not the publicity leader, not approved, consented already, no consent yet, …): the domain's words
"""

from __future__ import annotations

import re

from bot.core.card import Reply, Target
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import person_name, unit_name
from bot.domain.cards.response_cards import onward_consent_card
from bot.domain.errors import InvalidInput
from bot.domain.response.channels import ONWARD_TARGETS
from bot.domain.response.scripts import consent_onward, report_onward
from bot.domain.response.state import response_state
from bot.domain.words import when
from handlers.case_lookup import case_view
from handlers.duty_record import desk_people
from handlers.registry import Context, router

CONSENT, REPORT = "同意报送", "报送"
TARGETS = "|".join(ONWARD_TARGETS)
SHOWN = {"宣传部": "市委宣传部", "网信办": "市委网信办", "市委市政府": "市委市政府"}
VERSION = re.compile(r"^[vV](\d+)$")


def _timeline(ctx: Context, case_id: int):
    return ctx.store.run(lambda repo: repo.timeline(case_id))


def _typed_version(ctx: Context, view, words: list[str]) -> tuple[str, int]:
    """The approved script a typed 同意报送 names: ``v2`` and/or a unit's name; without them the one approved
    version not yet consented. Raises InvalidInput when none or several fit."""
    number = next((int(m.group(1)) for w in words if (m := VERSION.match(w))), None)
    named = [w for w in words if not VERSION.match(w)]
    st = response_state(_timeline(ctx, view.case.id))
    fits = [v for versions in st.scripts.values() for v in versions
            if (number is None or v.version == number)
            and (not named or any(n in unit_name(ctx.org, v.unit) for n in named))
            and (number is not None or (v.approved and v.consent is None))]
    if len(fits) == 1:
        return fits[0].unit, fits[0].version
    if not fits:
        raise InvalidInput("onward.none", f"{view.case.number} 没有待同意报送的已审定口径"
                                          f"{f'v{number}' if number else ''}。")
    raise InvalidInput("onward.which", "请注明单位和版本，例如：" + "；".join(
        f"{CONSENT} {view.case.number} {unit_name(ctx.org, v.unit)} v{v.version}" for v in fits))


def _consent(event: Event, ctx: Context, number: str, unit: str | None, version: int | None,
             words: list[str]) -> list[Reply]:
    view = case_view(ctx, number)
    case = view.case
    if unit is None or version is None:
        unit, version = _typed_version(ctx, view, words)
    consent_onward(ctx.store, ctx.rules, case.id, unit, version, ctx.actor(event), ctx.now)
    v = response_state(_timeline(ctx, case.id)).script(unit, version)
    name = unit_name(ctx.org, unit)
    card = onward_consent_card(case, unit, name, version, v.text, v.approved_at, ctx.now,
                               consent=(ctx.person.name, ctx.now))
    said = (f"{ctx.person.name}已同意报送 {case.number} {name}口径 v{version}，"
            f"请发送“{REPORT} {case.number} {TARGETS}”登记")
    mine = [Reply(card, update=True, case_id=case.id)] if event.kind == "click" and event.card_id else \
        [Reply(notice(f"已同意报送 {case.number} {name}口径 v{version}，由舆情工作台报送。"))]
    told = [Reply(notice(said), to=Target("person", pid), case_id=case.id)
            for pid in desk_people(ctx, view) if pid != ctx.person.id]
    return [*mine, *told]


@router.action("script.onward_consent")
def consent_clicked(event: Event, ctx: Context) -> list[Reply]:
    """同意报送 on an approved script's card (params case, u, v)."""
    p = event.params
    try:
        version = int(p.get("v"))
    except (TypeError, ValueError):
        raise InvalidInput("case.param", "这个按钮已失效，请发送“案件 编号”查看案件。") from None
    return _consent(event, ctx, str(p.get("case", "")), str(p.get("u", "")), version, [])


@router.command(CONSENT)
def consent_typed(event: Event, ctx: Context) -> list[Reply]:
    """``同意报送 YQ-… [单位] [v2]``: the publicity leader's consent, typed."""
    words = command_text(event).split()
    if len(words) < 2:
        return [Reply(notice(f"请这样同意报送：{CONSENT} YQ-2026-0001 v2"))]
    return _consent(event, ctx, words[1], None, None, words[2:])


@router.command(REPORT)
def report_typed(event: Event, ctx: Context) -> list[Reply]:
    """``报送 YQ-… 宣传部|网信办|市委市政府 [备注]``: the desk records the onward report."""
    words = command_text(event).split(maxsplit=3)
    if len(words) < 3:
        return [Reply(notice(f"请这样登记报送：{REPORT} YQ-2026-0001 {TARGETS}"))]
    view = case_view(ctx, words[1])
    note = words[3] if len(words) > 3 else None
    out = report_onward(ctx.store, ctx.rules, view.case.id, ctx.actor(event), ctx.now, words[2], note=note)
    p = out.entry.payload
    what = f"{unit_name(ctx.org, p['unit'])}口径 v{p['version']}，" if p.get("unit") else ""
    return [Reply(notice(f"已登记 {view.case.number} 报送{SHOWN.get(p.get('to'), words[2])}"
                         f"（{what}{when(ctx.now, ctx.now)}，{person_name(ctx.org, ctx.person.id)}登记）"),
                  case_id=view.case.id)]


__all__ = ["consent_clicked", "consent_typed", "report_typed"]
