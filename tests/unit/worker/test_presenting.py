"""Every outbox row the worker adds passes the rendering rule with its own audience: a drill's reminders are
marked like its other cards, a confidential case's card is the group notice wherever a group reads it (sent to
the group, answered in a group chat, an update of a group's copy) and whole for a person; no module adds rows
around it. A fresh group message of a confidential case sends its whole card 1:1 to each person named for the
case who reads that chat, once; a card of no case that names a confidential case loses its title and link."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain.cards import notice as notice_card
from bot.core.card import Button, Card, Reply, Target
from bot.core.clock import FixedClock
from bot.core.presentation import DRILL_MARK
from bot.domain.case import commands as case_commands
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.store import outbox
from bot.store.case_repo import SqlCaseStore
from tests.unit.domain.sample_org import make_org
from tests.unit.handlers.unit_side import World
from tests.unit.worker.test_clock import DESK, TEN, duty, rt, sh  # noqa: F401 - fixture
from worker import clock
from worker.events import reply_messages
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
    card = Card("case_card", {"title": f"舆情预警 {case.number}", "body": TITLE, "status": "", "facts": [],
                              "unit": "u-food", "assignment": 1},
                (Button("签收", "case.ack"), Button("报告", "report.start")))
    group_chat = {"event": {"chat_type": "group"}}
    messages = [outbox.Message("t:group", "dingtalk", "group", {"group": {"open_conversation_id": "cid"}},
                               card.to_dict(), case.id),
                outbox.Message("t:person", "dingtalk", "person", {"user_id": "0602"}, card.to_dict(), case.id),
                outbox.Message("t:reply", "wecom", "reply", group_chat, card.to_dict(), case.id),
                outbox.Message("t:none", "wecom", "reply", group_chat, card.to_dict())]
    with rt.database.session() as session:
        group_id, person_id, *rest = add_rows(session, messages, TEN)
        add_rows(session, [outbox.Message("t:upd-group", "dingtalk", "update", {"copy_of": group_id}, card.to_dict(),
                                          case.id),
                           outbox.Message("t:upd-person", "dingtalk", "update", {"copy_of": person_id}, card.to_dict(),
                                          case.id)], TEN)
    assert len(rest) == 2, "a chat no unit owns and a sender nobody knows get no details 1:1"
    shown = {c: cards(rt, f"t:{c}")[0] for c in ("group", "person", "reply", "none", "upd-group", "upd-person")}
    notice = {"secret_notice": {"number": case.number, "grade": "特别重大"}, "title": "涉密舆情", "unit": "u-food",
              "assignment": 1}
    for hidden in ("group", "reply", "upd-group"):
        assert shown[hidden]["kind"] == "case_card" and shown[hidden]["data"] == notice, hidden
        assert [b["action"] for b in shown[hidden]["buttons"]] == ["case.ack"], hidden
    for whole in ("person", "upd-person"):
        assert shown[whole] == card.to_dict(), whole
    assert shown["none"]["data"]["body"] == "（涉密）", "filed under no case: the safety net takes the title out"


def test_no_module_adds_outbox_rows_around_the_rule():
    adders = []
    for folder in ("bot", "handlers", "worker"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add" \
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "outbox":
                    adders.append(str(path.relative_to(ROOT)))
    assert adders == ["worker/presenting.py"]


# --- a confidential case: the details 1:1, the safety net -------------------------------------------------------

EVENTS = itertools.count()


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def added(world, replies: list[Reply], *, by: str = "p-li", chat_type: str = "single") -> list[outbox.Message]:
    """The rows ``replies`` become as the worker adds them (answers to an event of ``by``), in order."""
    event = world.event(by, f"x{next(EVENTS)}", chat_type=chat_type)  # a new event each time (its dedup key)
    messages = [m for i, r in enumerate(replies) for m in reply_messages(world.org, event, r, i)]
    with world.store.database.session() as session:
        ids = add_rows(session, messages, world.now, world.org)
        rows = [session.get(outbox.OutboxRow, i) for i in ids if i]
        return [outbox.Message(r.dedup_id, r.platform, r.method, r.address, r.card, r.case_id) for r in rows]


def ones(world, rows: list[outbox.Message]) -> list[str]:
    """The people the 1:1 rows go to, in order (by person id)."""
    return [world.org.by_platform_id(m.platform, m.address["user_id"]).id for m in rows if m.method == "person"]


def confidential(world, unit: str = "u-foodsale"):
    case = world.open(Grade.MAJOR, confidential=True, title=TITLE).case
    outcome, warning = world.assign(case.id, unit)
    return case, warning


def test_the_warning_goes_1to1_to_the_liaison_and_head_once_however_many_groups_hide_it(world):
    case, warning = confidential(world)
    rows = added(world, warning)
    groups = [m for m in rows if m.method == "group"]
    assert groups and all(m.card["data"]["secret_notice"] == {"number": case.number, "grade": "重大"} for m in groups)
    warned = [m for m in rows if m.method == "person" and m.card["kind"] == "case_card"]
    assert sorted(ones(world, warned)) == ["p-chu", "p-wei"], "the warning's own 1:1 rows, no second copy"
    assert len(rows) == len([r for r in warning if r.to.kind == "person"]) + len(groups), "nothing added"


def test_a_group_message_sends_the_whole_card_1to1_to_each_named_member_of_that_unit(world):
    case, _ = confidential(world)
    card = Card("notice", {"text": f"{case.number} {TITLE} 已由褚科长签收"})
    rows = added(world, [Reply(card, to=Target("group", "u-foodsale"), case_id=case.id)])
    assert [m.method for m in rows] == ["group", "person", "person"]
    assert ones(world, rows) == ["p-chu", "p-wei"]  # the unit's head and liaison: named, and in that group
    for m in rows[1:]:
        person = world.org.by_platform_id(m.platform, m.address["user_id"])
        assert m.card == card.to_dict() and m.case_id == case.id and m.platform == person.platform
    assert TITLE not in str(rows[0].card)


def test_the_desks_group_card_goes_1to1_to_the_desk_and_nobody_else(world):
    case, _ = confidential(world)
    card = Card("intake_card", {"title": f"立案 {case.number}", "color": "orange", "facts": [], "body": TITLE,
                                "status": ""}, (Button("定级", "case.grade"),))
    rows = added(world, [Reply(card, to=Target("group", "u-desk"), case_id=case.id)])
    assert sorted(ones(world, rows)) == sorted(["p-sun", *world.org.units["u-desk"].liaisons])
    assert len(ones(world, rows)) == len(set(ones(world, rows))), "one each, though the desk has two groups"


def test_an_answer_in_a_group_goes_1to1_to_its_sender_only_when_named(world):
    case, _ = confidential(world)
    card = Card("case_card", {"title": f"案件 {case.number}", "body": TITLE, "facts": [], "status": ""})
    named = added(world, [Reply(card, case_id=case.id)], by="p-wei", chat_type="group")
    assert [m.method for m in named] == ["reply", "person"] and ones(world, named) == ["p-wei"]
    stranger = added(world, [Reply(card, case_id=case.id)], by="p-shen", chat_type="group")
    assert [m.method for m in stranger] == ["reply"], "沈干事 is named for no part of it"
    assert added(world, [Reply(card, case_id=case.id)], by="p-wei")[0].card == card.to_dict()  # 1:1: whole


def test_no_details_1to1_for_an_update_nor_for_a_case_that_is_not_confidential(world):
    case, warning = confidential(world)
    first = added(world, warning)
    group = next(m for m in first if m.method == "group")
    with world.store.database.session() as session:
        group_id = session.scalar(select(outbox.OutboxRow.id).where(outbox.OutboxRow.dedup_id == group.dedup_id))
    card = Card("case_card", {"title": f"舆情预警 {case.number}", "body": TITLE, "facts": [], "status": "已签收"})
    update = added(world, [Reply(card, to=Target("card", str(group_id), group.platform), update=True,
                                 case_id=case.id)])
    assert [m.method for m in update] == ["update"] and "secret_notice" in update[0].card["data"]
    plain = world.open(Grade.MAJOR, title="某商场促销纠纷").case
    world.assign(plain.id, "u-foodsale")
    rows = added(world, [Reply(Card("notice", {"text": "某商场促销纠纷"}), to=Target("group", "u-foodsale"),
                               case_id=plain.id)])
    assert [m.method for m in rows] == ["group"] and rows[0].card["data"]["text"] == "某商场促销纠纷"


def test_a_group_card_of_no_case_that_names_a_confidential_case_loses_its_title_and_link(world):
    case, _ = confidential(world)
    plain = world.open(Grade.GENERAL, title="某商场促销纠纷").case
    text = f"{case.number} {TITLE} https://weibo.com/1/abc；{plain.number} 某商场促销纠纷"
    rows = added(world, [Reply(Card("notice", {"text": text}), to=Target("group", "u-desk"))])
    assert {m.card["data"]["text"] for m in rows} == {
        f"{case.number} （涉密） （涉密）；{plain.number} 某商场促销纠纷"}
    assert all(m.method == "group" for m in rows), "no case: nobody is sent anything more"


def answered_in_group(world, by: str, text: str, replies: list[Reply]) -> list[outbox.Message]:
    """The rows ``replies`` become as answers to ``text`` typed by ``by`` in a group."""
    event = world.event(by, text, chat_type="group")
    messages = [m for i, r in enumerate(replies) for m in reply_messages(world.org, event, r, i)]
    with world.store.database.session() as session:
        ids = add_rows(session, messages, world.now, world.org)
        rows = [session.get(outbox.OutboxRow, i) for i in ids if i]
        return [outbox.Message(r.dedup_id, r.platform, r.method, r.address, r.card, r.case_id) for r in rows]


def test_an_answer_in_a_group_to_a_command_naming_a_confidential_case_is_that_cases_notice(world):
    """A handler that did not file its answer under the case (``更正 YQ-… 内容`` echoing the correction and the
    person, a dialog's pointer naming the person) still shows the group only the notice, and the named sender
    gets the answer 1:1 (found by the leak test, issue 21)."""
    case, _ = confidential(world)
    echo = Card("notice", {"text": "已在记录中追加更正（卫干事，今天 10:00）：首发时间应为9时"})
    rows = answered_in_group(world, "p-wei", f"更正 {case.number.lower()} 首发时间应为9时", [Reply(echo)])
    assert rows[0].method == "reply" and rows[0].card["data"]["secret_notice"]["number"] == case.number
    assert "卫干事" not in str(rows[0].card) and "9时" not in str(rows[0].card)
    assert [m.method for m in rows] == ["reply", "person"] and rows[1].card == echo.to_dict()
    plain = world.open(Grade.GENERAL, title="某商场促销纠纷").case
    rows = answered_in_group(world, "p-wei", f"更正 {plain.number} 首发时间应为9时", [Reply(echo)])
    assert [m.method for m in rows] == ["reply"] and rows[0].card == echo.to_dict(), "an ordinary case: as it was"


def test_a_dialogs_message_of_no_case_naming_only_a_drill_is_marked_and_one_naming_a_real_case_too_is_not(world):
    drill = open_case_commands(world, drill=True)
    real = world.open(Grade.GENERAL, title="某商场促销纠纷").case
    rows = added(world, [Reply(notice_card(f"已提交 {drill.number} 初报（第1版）")),
                         Reply(notice_card(f"{drill.number}、{real.number} 待办"))])
    assert [m.card["data"].get("title", m.card["data"]["text"]).startswith(DRILL_MARK) for m in rows] == [True, False]


def open_case_commands(world, **flags):
    return case_commands.open_case(world.store, world.rules, DESK, world.now, title="演练：某超市销售过期食品",
                                   **flags).case
