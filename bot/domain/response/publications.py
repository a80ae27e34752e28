"""发布 (Art. 19(2)–(3), 24): the desk records a publication — refused, with the reason, unless it rests on approvals.

    the desk --发布 (channel, when, link, script versions, plan)--> accepted: ``publication.publish``; a handling
        case moves to responding (``progress.on_release``); the duties it fulfils end (done; late when published
        after their deadline)
                                                               --> refused: ``publication.refused`` with the
        reasons, committed all the same (the attempt stays on the record); nothing else changes

Accepted only when every named script version is approved (at least one is named), for 重大/特别重大 a named
plan version is approved, and for 敏感 the handling opinion decided yes: 网站/公众号发布 for 门户网站 and 微信公众号,
公开回应 for any other channel. What it fulfils: 发布权威信息 (特别重大) by any channel; 公开回应 by 新闻发布会,
媒体吹风会 or 接受采访 for 重大, by 新闻发布会 only for 特别重大.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

from bot.core.clock import ensure_utc
from bot.domain.case.progress import on_release
from bot.domain.case.timeline import TimelineEntry
from bot.domain.clock.duties import end_duty
from bot.domain.context import Outcome, Rules, iso, load_case, record
from bot.domain.errors import InvalidInput
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Action, authorise
from bot.domain.records import Actor, Case, Duty, DutyState
from bot.domain.repository import CaseRepository, CaseStore
from bot.domain.response import approvers as who
from bot.domain.response.channels import CHANNEL_LABELS, PublicationChannel as C, channel_of
from bot.domain.response.checks import state_allows
from bot.domain.response.state import REFUSED, ResponseState, handling_opinion, response_state

__all__ = ["PublishResult", "fulfilled_kinds", "publish", "refusals"]

PLANNED = (Grade.MAJOR, Grade.ESPECIALLY_MAJOR)
SITES = (C.PORTAL, C.WECHAT)  # 敏感: the handling opinion's 网站/公众号发布 decides these; 公开回应 the others
LEEWAY = timedelta(minutes=5)  # a publication time at most this far ahead of now (clocks differ)


@dataclass
class PublishResult:
    """What 发布 did: ``outcome`` (its one timeline entry: ``publication.publish`` when accepted, else
    ``publication.refused``) and ``refused``: the reasons, in Chinese, empty when accepted."""

    outcome: Outcome
    refused: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Whether the publication was recorded (not refused)."""
        return not self.refused


def fulfilled_kinds(grade: Grade, channel: C) -> list[DutyKind]:
    """The statutory duties a publication by ``channel`` fulfils on a case of ``grade`` (module docstring)."""
    kinds = [DutyKind.AUTHORITATIVE_RELEASE] if grade == Grade.ESPECIALLY_MAJOR else []
    by = {Grade.MAJOR: (C.PRESS_CONFERENCE, C.MEDIA_BRIEFING, C.INTERVIEW),
          Grade.ESPECIALLY_MAJOR: (C.PRESS_CONFERENCE,)}.get(grade, ())
    return kinds + ([DutyKind.PUBLIC_RESPONSE] if channel in by else [])


def _script_reasons(rules: Rules, st: ResponseState, scripts: list[tuple[str, int]]) -> list[str]:
    if not scripts:
        return ["未注明所依据的已审定口径"]
    out = []
    for unit, n in scripts:
        v, name = st.script(unit, n), who.unit_name(rules.org, unit)
        if v is None:
            out.append(f"{name}没有口径 v{n}")
        elif v.returned is not None:
            out.append(f"{name}的口径 v{n} 已被退回修改")
        elif not v.approved:
            waiting = [who.ROLE_LABELS[r] for r in who.SCRIPT_ROLES if r not in v.settled()]
            out.append(f"{name}的口径 v{n} 尚未审定通过（待{'、'.join(waiting)}审定）")
    return out


def _plan_reason(rules: Rules, case: Case, st: ResponseState, named: tuple[str, int] | None) -> list[str]:
    if case.grade not in PLANNED:
        return []
    if named is None:
        return [f"{case.grade.label}须有经审批的回应方案"]
    v, name = st.plan(*named), who.unit_name(rules.org, named[0])
    if v is None:
        return [f"{name}没有回应方案 v{named[1]}"]
    if not v.approved:
        waiting = [who.ROLE_LABELS[r] for r in who.PLAN_STEPS if r not in v.settled()]
        said = "已被退回修改" if v.returned else f"尚未审批通过（待{'、'.join(waiting)}审批）"
        return [f"{name}的回应方案 v{named[1]} {said}"]
    return []


def _opinion_reason(case: Case, entries: list[TimelineEntry], channel: C) -> list[str]:
    if case.grade != Grade.SENSITIVE:
        return []
    key, what = ("publish", "在门户网站/微信公众号发布") if channel in SITES else ("respond", "公开回应")
    decided = ((handling_opinion(entries) or {}).get(key) or {}).get("yes")
    if decided is True:
        return []
    said = "尚未记录处置意见" if decided is None else "处置意见为不" + what
    return [f"敏感舆情须经处置意见决定{what}（{said}）"]


def refusals(rules: Rules, case: Case, entries: list[TimelineEntry], channel: C, scripts: list[tuple[str, int]],
             plan_version: tuple[str, int] | None) -> list[str]:
    """Why a publication may not be recorded yet, in Chinese; empty when it may."""
    st = response_state(entries)
    return (_script_reasons(rules, st, scripts) + _plan_reason(rules, case, st, plan_version)
            + _opinion_reason(case, entries, channel))


def _fulfil(case: Case, duties: list[Duty], channel: C, when: datetime, now: datetime, by: str) -> list[Duty]:
    kinds = fulfilled_kinds(case.grade, channel)
    ended = []
    for d in duties:
        if d.open and d.kind in kinds:
            end_duty(d, DutyState.DONE, now, by, f"已发布（{CHANNEL_LABELS[channel]}）")
            d.late = when > d.due_at
            ended.append(d)
    return ended


def publish(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, channel: str, when: datetime,
            link: str | None, scripts: Iterable[tuple[str, int]], plan: tuple[str, int] | None = None
            ) -> PublishResult:
    """Record a publication by ``channel`` (label or value) at ``when`` with ``link``, resting on the script
    versions ``scripts`` [(unit, version)] and ``plan`` (unit, version). Committed either way:
    accepted → ``publication.publish`` (payload channel, channel_label, when, link, scripts, plan, from, to,
    fulfils: the duty kinds ended) and the case moves handling → responding; refused → ``publication.refused``
    (the same and ``reasons``), and :attr:`PublishResult.refused` says why.

    Raises NotPermitted (not the desk), IllegalTransition (the case's state) or InvalidInput (an unknown channel,
    a time in the future) — those write nothing."""
    chosen = channel_of(channel)
    named = [(str(u), int(n)) for u, n in scripts]
    at = ensure_utc(when)
    plan_version = (str(plan[0]), int(plan[1])) if plan else None
    if at > ensure_utc(now) + LEEWAY:
        raise InvalidInput("publication.future", "发布时间不能晚于现在：请在发布后登记。")

    def work(repo: CaseRepository) -> PublishResult:
        case = load_case(repo, case_id)
        units = [a.unit_id for a in repo.assignments(case.id)]
        role = authorise(rules.org, actor.person_id, Action.PUBLISH, case.county, units)
        state_allows(case, Action.PUBLISH)
        entries = repo.timeline(case.id)
        reasons = refusals(rules, case, entries, chosen, named, plan_version)
        payload = {"channel": str(chosen), "channel_label": CHANNEL_LABELS[chosen], "when": iso(at),
                   "link": (link or "").strip() or None, "scripts": [list(s) for s in named],
                   "plan": list(plan_version) if plan_version else None}
        if reasons:
            out = record(repo, rules, case, actor, role, REFUSED, now, {**payload, "reasons": reasons})
            return PublishResult(out, reasons)
        old = case.state
        if on_release(case):
            repo.save_case(case)
        ended = _fulfil(case, repo.duties(case.id), chosen, at, now, actor.person_id)
        payload.update({"from": str(old), "to": str(case.state), "fulfils": [str(d.kind) for d in ended]})
        return PublishResult(record(repo, rules, case, actor, role, str(Action.PUBLISH), now, payload, [], ended))

    return store.run(work)

