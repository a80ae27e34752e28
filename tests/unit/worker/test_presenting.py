"""Every outbox row the worker adds passes the rendering rule with its own audience: a drill's reminders are
marked like its other cards, a confidential case's card is hidden wherever a group reads it (sent to the group,
answered in a group chat, an update of a group's copy) and whole for a person; no module adds rows around it."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from bot.core.card import Button, Card
from bot.core.clock import FixedClock
from bot.core.presentation import DRILL_MARK, HIDDEN_IN_GROUP
from bot.domain.case import commands as case_commands
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.store import outbox
from bot.store.case_repo import SqlCaseStore
from tests.unit.domain.sample_org import make_org
from tests.unit.worker.test_clock import DESK, TEN, duty, rt, sh  # noqa: F401 - fixture
from worker import clock
from worker.presenting import add_rows

ROOT = Path(__file__).resolve().parents[3]
RULES = Rules(make_org(), default_policy(), WorkCalendar())
TITLE = "某品牌奶粉质量问题"


def open_case(rt, **flags):  # noqa: F811
    return case_commands.open_case(SqlCaseStore(rt.database), RULES, DESK, TEN, title=TITLE,
                                   link="https://weibo.com/1/abc", grade=Grade.ESPECIALLY_MAJOR, **flags).case


def cards(rt, prefix: str) -> list[dict]:  # noqa: F811
    with rt.database.session() as session:
        rows = select(outbox.OutboxRow).where(outbox.OutboxRow.dedup_id.like(prefix + "%"))
        return [r.card for r in session.scalars(rows.order_by(outbox.OutboxRow.id))]


def test_a_drills_reminder_is_marked_by_the_rule_and_a_real_cases_is_not(rt):  # noqa: F811
    drill, real = open_case(rt, drill=True), open_case(rt)
    clock.arm(rt)
    fixed = FixedClock(sh(24, 12))
    for case in (drill, real):
        release = duty(rt, case, DutyKind.AUTHORITATIVE_RELEASE)
        assert clock.fire(rt, release.id, release.firing_id, fixed.now()) == "sent"
    marked = {c["data"]["case"]: c["data"]["title"] for c in cards(rt, "clk:")}
    assert marked == {drill.number: DRILL_MARK + "催办", real.number: "催办"}


def test_each_row_is_shown_to_its_own_audience(rt):  # noqa: F811
    case = open_case(rt, confidential=True)
    card = Card("case_card", {"title": f"舆情预警 {case.number}", "body": TITLE, "status": "", "facts": []},
                (Button("签收", "case.ack"), Button("报告", "report.start")))
    group_chat = {"event": {"chat_type": "group"}}
    messages = [outbox.Message("t:group", "dingtalk", "group", {"group": {"open_conversation_id": "cid"}},
                               card.to_dict(), case.id),
                outbox.Message("t:person", "dingtalk", "person", {"user_id": "0602"}, card.to_dict(), case.id),
                outbox.Message("t:reply", "wecom", "reply", group_chat, card.to_dict(), case.id),
                outbox.Message("t:none", "wecom", "reply", group_chat, card.to_dict())]
    with rt.database.session() as session:
        group_id, person_id, *_ = add_rows(session, messages, TEN)
        add_rows(session, [outbox.Message("t:upd-group", "dingtalk", "update", {"copy_of": group_id}, card.to_dict(),
                                          case.id),
                           outbox.Message("t:upd-person", "dingtalk", "update", {"copy_of": person_id}, card.to_dict(),
                                          case.id)], TEN)
    shown = {c: cards(rt, f"t:{c}")[0] for c in ("group", "person", "reply", "none", "upd-group", "upd-person")}
    for hidden in ("group", "reply", "upd-group"):
        assert shown[hidden]["data"]["body"] == HIDDEN_IN_GROUP, hidden
        assert [b["action"] for b in shown[hidden]["buttons"]] == ["case.ack"], hidden
    for whole in ("person", "upd-person", "none"):  # "none": filed under no case, so no rule applies
        assert shown[whole] == card.to_dict(), whole


def test_no_module_adds_outbox_rows_around_the_rule():
    adders = []
    for folder in ("bot", "handlers", "worker"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add" \
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "outbox":
                    adders.append(str(path.relative_to(ROOT)))
    assert adders == ["worker/presenting.py"]
