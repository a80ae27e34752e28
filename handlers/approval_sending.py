"""The approval cards of a response version (口径审定, 方案审批), sent 1:1 to each approver whose duty a command just
started, and the previous version's cards settled when a new version supersedes it (not an intent: no handler).

    submit_script / submit_plan --> each started duty's owner gets the live card (同意 / 退回修改) 1:1, on the
        platform that gets his messages, filed under the case (its copies are found again by kind)
        the superseded version's copies (if it was still pending) --> settled 「已有新版本 vN，此版本不再审定」
        (in place where the platform can, else a one-line notice)
    decide_plan's 同意 by the leader in charge --> the main leader's card (the same function: its ``started``)

Decisions and the cards they update are ``handlers/approvals.py``; this module only sends.
"""

from __future__ import annotations

from bot.core.attachments import summary
from bot.core.card import Card, Reply, Target
from bot.domain.cards.case_card import person_name, unit_name
from bot.domain.cards.response_cards import APPROVED, PENDING, PLAN, RETURNED, SCRIPT, WAITING, plan_approval_card, \
    script_approval_card
from bot.domain.cards.shapes import Approver
from bot.domain.context import Outcome
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Role
from bot.domain.response import CHANNEL_LABELS, response_state
from bot.domain.response.approvers import PLAN_STEPS, SCRIPT_ROLES
from bot.domain.response.state import Version
from handlers.card_copies import refresh

__all__ = ["CARD_KINDS", "PLAN", "SCRIPT", "approval_card", "approval_cards", "approvers_of", "names_of",
           "superseded_cards", "to_person"]

CARD_KINDS = {SCRIPT: "script_approval", PLAN: "plan_approval"}  # subject → card kind (its template's stem)
DUTY_KINDS = {SCRIPT: DutyKind.SCRIPT_APPROVAL, PLAN: DutyKind.PLAN_APPROVAL}
ROLE_WORDS = {Role.PUBLICITY_LEADER: "宣传分管领导", Role.LEADER_IN_CHARGE: "分管领导", Role.MAIN_LEADER: "主要领导"}
VERBS = {SCRIPT: "审定", PLAN: "审批"}
WHAT = {SCRIPT: "口径", PLAN: "回应方案"}


def to_person(ctx, person_id: str) -> Target:
    """A 1:1 target on the platform that gets the person's messages."""
    person = ctx.org.person(person_id)
    return Target("person", person_id, person.platform if person is not None else "")


def _version(ctx, view, unit_id: str, number: int, kind: str) -> Version | None:
    st = response_state(ctx.store.run(lambda repo: repo.timeline(view.case.id)))
    return st.script(unit_id, number) if kind == SCRIPT else st.plan(unit_id, number)


def approvers_of(ctx, version: Version, kind: str) -> list[Approver]:
    """Each approver role of ``version`` as its card row reads (宣传分管领导 and 分管领导 for a script; 分管领导 then
    主要领导 for a plan — the main leader ``waiting`` until the first step approved)."""
    settled = version.settled()
    roles = SCRIPT_ROLES if kind == SCRIPT else PLAN_STEPS
    rows = []
    for i, role in enumerate(roles):
        d = settled.get(str(role))
        if d is None:
            first_open = kind == PLAN and i > 0 and str(roles[0]) not in settled
            rows.append(Approver(ROLE_WORDS[role], WAITING if first_open else PENDING))
            continue
        rows.append(Approver(ROLE_WORDS[role], APPROVED if d.approve else RETURNED, person_name(ctx.org, d.person),
                             d.at, d.reason or "", d.on_behalf))
    return rows


def approval_card(ctx, view, version: Version, kind: str, *, live: bool = True, newer: int | None = None) -> Card:
    """The ``kind`` (``SCRIPT`` / ``PLAN``) approval card of ``version`` as it stands now: live (同意 / 退回修改),
    settled, or settled because version ``newer`` exists."""
    unit, case = version.unit, view.case
    by, approvers = person_name(ctx.org, version.by), approvers_of(ctx, version, kind)
    if kind == SCRIPT:
        text = version.text + _attachments(version.attachments)
        return script_approval_card(case, unit, unit_name(ctx.org, unit), version.version, text, by, version.at,
                                    approvers, ctx.now, live=live, newer=newer)
    way = next((label for c, label in CHANNEL_LABELS.items() if version.way in (c.value, label)), version.way)
    return plan_approval_card(case, unit, unit_name(ctx.org, unit), version.version, way, version.content,
                              version.when, by, version.at, approvers, ctx.now, live=live, newer=newer)


def _attachments(items: list) -> str:
    held = summary([a for a in items if isinstance(a, dict)])
    return f"\n附件：{held}" if held else ""


def names_of(ctx, outcome: Outcome, kind: str) -> str:
    """Whom the started approval duties of ``outcome`` went to, in words (「钱副局长、吴副局长」)."""
    people = dict.fromkeys(d.owner_person for d in outcome.started
                           if d.kind == DUTY_KINDS[kind] and d.owner_person)
    return "、".join(person_name(ctx.org, p) for p in people)


def approval_cards(ctx, view, outcome: Outcome, kind: str) -> list[Reply]:
    """The approval card of ``outcome``'s version (payload ``unit``, ``version``) 1:1 to each owner of a duty it
    started (``kind``: ``SCRIPT`` or ``PLAN``), filed under the case; after a submission that superseded a pending
    version (payload ``supersedes``), that version's cards settled as well (:func:`superseded_cards`)."""
    payload = outcome.entry.payload
    unit, number = str(payload["unit"]), int(payload["version"])
    version = _version(ctx, view, unit, number, kind)
    if version is None:
        return []
    people = dict.fromkeys(d.owner_person for d in outcome.started if d.kind == DUTY_KINDS[kind] and d.owner_person)
    card = approval_card(ctx, view, version, kind)
    replies = [Reply(card, to=to_person(ctx, p), case_id=view.case.id) for p in people]
    if payload.get("supersedes"):
        replies += superseded_cards(ctx, view, unit, int(payload["supersedes"]), number, kind)
    return replies


def superseded_cards(ctx, view, unit_id: str, old: int, new: int, kind: str) -> list[Reply]:
    """Every copy of version ``old``'s approval card brought to 「已有新版本 v<new>」 (no buttons) — in place where
    the platform can, else a one-line notice to its reader."""
    version = _version(ctx, view, unit_id, old, kind)
    rows = [row for row in ctx.card_copies.of_case(view.case.id, kind=CARD_KINDS[kind])
            if str(((row.card or {}).get("data") or {}).get("unit", "")) == unit_id
            and str(((row.card or {}).get("data") or {}).get("version", "")) == str(old)]
    if version is None or not rows:
        return []
    card = approval_card(ctx, view, version, kind, live=False, newer=new)
    follow = (f"{view.case.number} {unit_name(ctx.org, unit_id)}的{WHAT[kind]}已有新版本 v{new}，"
              f"v{old} 不再{VERBS[kind]}，请{VERBS[kind]} v{new}。")
    return refresh(ctx, ctx.org, rows, card, follow, view.case.id)
