"""Every role × every chat action, through the real signed callbacks of both platforms (issue 11,
"Authorisation"). Which combinations must be refused is read from the permission table itself
(``bot.domain.permissions``: PERMISSIONS, UNIT_SCOPED, case_roles) — the test sends each refused one as
the person would type it, 1:1, on each platform the person is on, and asserts:

* a Chinese answer that names the reason (the action, or who may do it);
* nothing changed: the case's timeline, its grade, its assignments, and no outbox row but the answer;
* the refusal is audited: the worker logs ``refused platform=… user=… reason=…`` for it (design.md has
  refusals write no timeline entry — nothing changed — so the worker's log is their audit trail).

Desk-only commands (分派, 转办: ``bot.domain.permissions.require_desk``) are refused to everyone who is not in
the city desk or a county bureau (``opener_roles``). Deactivated people, strangers and stale cards: tests/faults/test_authorisation.py. One stack for
the module; only refusals are sent, so the case stays as it was between rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import pytest
from sqlalchemy import func, select

from bot.domain.permissions import (
    ACTION_LABELS,
    PERMISSIONS,
    UNIT_SCOPED,
    Action,
    case_roles,
    opener_roles,
)
from bot.org.file import parse_org_file
from bot.store.outbox import OutboxRow
from tests.faults.redeliver import settled
from tests.integration import stack as stack_module
from tests.integration.stack import SAMPLE_ORG, Stack
from tests.integration.unit_flow import (
    assignment_states,
    case_grade,
    open_and_assign,
    timeline_actions,
)

wait_for = partial(stack_module.wait_for, timeout=40)
ORG = parse_org_file(SAMPLE_ORG)
UNITS = ["u-foodsale", "u-drug"]  # the case's units: one on DingTalk, one on WeCom


@dataclass(frozen=True)
class Command:
    """A chat command, the action it asks for, and the extra words it takes."""

    word: str
    action: Action
    rest: str = ""
    desk_only: bool = False  # refused before the case is looked at (bot.domain.permissions.require_desk)


COMMANDS = [
    Command("签收", Action.ACKNOWLEDGE), Command("退回", Action.REJECT), Command("报告", Action.REPORT),
    Command("定级", Action.GRADE), Command("改派", Action.REASSIGN, " 广告监督管理科"),
    Command("补充", Action.SIGHTING, " https://weibo.com/2/again"), Command("案件", Action.VIEW),
    Command("分派", Action.ASSIGN, desk_only=True), Command("转办", Action.TRANSFER_DOWN, desk_only=True),
]

# role on the case (as the org file makes it) → person
ROLES = {
    "desk liaison": "p-li", "desk head": "p-sun",
    "liaison of the assigned unit (DingTalk)": "p-wei", "head of the assigned unit (DingTalk)": "p-chu",
    "liaison of the assigned unit (WeCom)": "p-shen", "head of the assigned unit (WeCom)": "p-jiang",
    "liaison of another unit": "p-yang", "head of another unit": "p-zhou", "member of a county bureau": "p-xie",
    "leader in charge of an assigned unit": "p-wu", "leader in charge of another unit": "p-wang",
    "publicity leader": "p-qian", "main leader": "p-zhao", "admin": "p-ops",
}


def refused(person: str, command: Command) -> bool:
    """Whether the permission table refuses ``command`` to ``person`` on a city case of UNITS."""
    if command.desk_only:
        return not opener_roles(ORG, person)  # the city desk or a county bureau
    own = [u for u in UNITS if person in ORG.units[u].people] if command.action in UNIT_SCOPED else [None]
    held = set().union(*(case_roles(ORG, person, None, UNITS, for_unit=u) for u in own or [None]))
    if command.action in UNIT_SCOPED and not own:
        held -= {"liaison", "unit_head"}
    return not (held & PERMISSIONS[command.action])


CASES = [(role, platform, command) for role, person in ROLES.items() for command in COMMANDS
         for platform in ("dingtalk", "wecom") if getattr(ORG.people[person], platform) and refused(person, command)]


@pytest.fixture(scope="module")
def matrix(redis_service, tmp_path_factory):
    redis_service.reset()
    running = Stack(redis_service.url, tmp_path_factory.mktemp("matrix"))
    running.case = open_and_assign(running, UNITS)
    settled(running, wait_for)
    yield running
    running.stop()


def state(stack) -> tuple:
    with stack.database.session() as session:
        rows = session.scalar(select(func.count()).select_from(OutboxRow))
    case_id = stack.case.case_id
    return timeline_actions(stack, case_id), assignment_states(stack, case_id), case_grade(stack, case_id), rows


def texts(stack, platform: str, user: str) -> list[str]:
    emulator = getattr(stack.emulator, platform)
    if platform == "dingtalk":
        return [m.content.get("text", "") for m in emulator.messages_for_user(user) if m.channel != "card"]
    return [str(m) for m in emulator.messages_for_user(user)]


def test_the_table_refuses_something_to_every_role():
    assert {role for role, _, _ in CASES} == set(ROLES)
    assert len(CASES) >= 60


@pytest.mark.parametrize(("role", "platform", "command"), CASES,
                         ids=[f"{r}-{p}-{c.word}" for r, p, c in CASES])
def test_a_refused_action_is_answered_with_its_reason_and_changes_nothing(matrix, role, platform, command):
    person = ORG.people[ROLES[role]]
    user = getattr(person, platform)
    before, seen = state(matrix), len(texts(matrix, platform, user))
    audited = len(re.findall(rf"refused platform={platform} user={user} ", matrix.worker_log()))
    text = f"{command.word} {matrix.case.number}{command.rest}"
    if platform == "dingtalk":
        matrix.emulator.dingtalk.say_to_bot(user, text)
    else:
        matrix.emulator.wecom.act_as(user).send_text(text)
    answer = wait_for(lambda: texts(matrix, platform, user)[seen:], what=f"{role} to be answered on {platform}")
    settled(matrix, wait_for)
    reason = ACTION_LABELS[command.action]
    assert len(answer) == 1 and (reason in answer[0] or command.word in answer[0] or "只有" in answer[0]), answer
    assert "没有看懂" not in answer[0], answer
    timeline, assignments, grade, rows = state(matrix)
    assert (timeline, assignments, grade, rows) == (*before[:3], before[3] + 1)  # the answer, nothing else
    assert len(re.findall(rf"refused platform={platform} user={user} ", matrix.worker_log())) == audited + 1
