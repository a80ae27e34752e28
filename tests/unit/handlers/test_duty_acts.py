"""No clock without an act that ends it (issue 19): every duty kind the shipped policy gives a clock has an act in
``bot.domain.clock.acts.DUTY_ACTS`` — 发布权威信息 and 公开回应 too: ``publication.start`` opens the desk's 发布
dialog (issue 20, handlers/publish.py) — and that act's button and typed command each reach a handler — a registered action or command, or a dialog's entry point. So a reminder's button
(``worker/escalation.py``) and 我的待办's (``bot/domain/cards/duties_card.py``) never lead nowhere."""

from __future__ import annotations

import pytest

from bot.core.event import Event
from bot.domain.clock.acts import DUTY_ACTS, command_of
from bot.domain.clock.policy_file import default_policy
from bot.domain.kinds import DutyKind
from handlers.registry import dialogs, load_router

ROUTER = load_router()


def _event(**kw) -> Event:
    return Event(platform="wecom", user_id="u", chat_id="u", chat_type="single", dedup_key="k",
                 received_at="2026-12-07T00:00:00+00:00", **kw)


def _reached(event: Event) -> bool:
    if any(c.entry(event) is not None for c in dialogs.values()):
        return True
    handler = ROUTER.find(event)
    return handler is not None and handler is not ROUTER.fallback


def test_every_clocked_kind_has_an_act():
    policy = default_policy()
    clocked = {k for k in DutyKind if policy.duties.get(k)}
    assert {k for k in clocked if DUTY_ACTS.get(k) is None} == set()
    assert set(DUTY_ACTS) == set(DutyKind)


@pytest.mark.parametrize("kind", [DutyKind.AUTHORITATIVE_RELEASE, DutyKind.PUBLIC_RESPONSE], ids=str)
def test_the_publication_duties_button_opens_the_publish_dialog(kind):
    act = DUTY_ACTS[kind]
    assert act.action == "publication.start" and command_of(kind, "YQ-2026-0001") == "发布 YQ-2026-0001"
    click = _event(kind="click", action=act.action, params={"case": "YQ-2026-0001", "d": 1})
    assert dialogs["publish"].entry(click) is not None
    assert dialogs["publish"].entry(_event(kind="text", text="发布 YQ-2026-0001")) is not None


@pytest.mark.parametrize("kind", [k for k, act in DUTY_ACTS.items() if act is not None], ids=str)
def test_the_acts_button_and_command_reach_a_handler(kind):
    act = DUTY_ACTS[kind]
    assert _reached(_event(kind="click", action=act.action, params={"case": "YQ-2026-0001", "d": 1})), act.action
    assert _reached(_event(kind="text", text=command_of(kind, "YQ-2026-0001"))), act.command
