"""The city desk following a county's case (issue 22): each later step is re-drawn at once on the desk group's
copy of the ``county_case`` card where the platform changes a group card (DingTalk), and reaches the desk's
WeCom group as one batched notice per ``progress_every`` — none before it is due, nothing lost, nothing twice.

The batch is made due quickly the way any clock is: the case opens at a drill scale (``scale`` 60: 15min → 15 s,
``Case.drill_scale``; a ``POLICY_FILE`` with ``scale`` or ``progress_every`` does the same)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.clock import SHANGHAI, UTC
from bot.core.org import UnitGroups
from bot.domain.case import commands as cases
from bot.domain.case import county
from bot.domain.cards.county_card import county_card
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.kinds import ReportKind
from bot.domain.records import Actor
from bot.domain.unit import commands as units
from bot.platforms.dingtalk.capabilities import CAPABILITIES as DINGTALK
from bot.platforms.wecom.capabilities import WITH_APP as WECOM
from bot.store import outbox
from bot.store.case_repo import SessionCaseStore, SqlCaseStore
from bot.store.follows import active_follows
from bot.store.org_repo import apply_organisation
from tests.unit.domain.sample_org import make_org
from worker import county_progress
from worker.addressing import group_messages
from worker.presenting import add_rows
from tests.unit.worker.runtimes import runtime_for

QI, XIE, LI = Actor("p-qi", "dingtalk"), Actor("p-xie", "dingtalk"), Actor("p-li", "wecom")
TEN = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI).astimezone(UTC)
SCALE = 60  # progress_every 15min → 15 s


@dataclass
class Messenger:
    capabilities: object


def desk_org():
    org = make_org()
    desk = replace(org.units["u-desk"], groups=UnitGroups(wecom_webhook_key="k-desk",
                                                          dingtalk_open_conversation_id="cid-desk"))
    return replace(org, units={**org.units, "u-desk": desk})


@pytest.fixture
def rt(database, redis_url):
    return runtime_for(database, redis_url, desk_org(), TEN,
                       {"dingtalk": Messenger(DINGTALK), "wecom": Messenger(WECOM)})


@pytest.fixture
def rules():
    return Rules(desk_org(), default_policy().with_scale(SCALE), WorkCalendar())


@pytest.fixture
def case(rt, rules):
    """A county's 敏感 case the city desk follows (关注), its card in the desk's DingTalk and WeCom groups (sent)."""
    store = SqlCaseStore(rt.database)
    opened = cases.open_case(store, rules, QI, TEN, title="某超市销售过期食品", grade=Grade.SENSITIVE,
                             drill=True, drill_scale=SCALE).case
    county.follow(store, rules, opened.id, LI, TEN + timedelta(seconds=1))
    card = county_card(rules.org, opened, None, TEN, mode="follow")
    with rt.database.session() as session:
        ids = add_rows(session, group_messages(rules.org, "u-desk", card, "follow-card", opened.id), TEN)
        for row_id in ids:
            row = session.get(outbox.OutboxRow, row_id)
            row.state, row.sent_at = outbox.SENT, TEN
            row.card_ref = {"card_id": f"card-{row.platform}"}
    return opened


def step(rt, rules, case, minutes, what):
    at = TEN + timedelta(minutes=minutes)
    store = SqlCaseStore(rt.database)
    if what == "assign":
        return units.assign_unit(store, rules, case.id, QI, at, "u-county-a").assignment
    assignment = next(x for x in store.run(lambda repo: repo.assignments(case.id)))
    if what == "ack":
        return units.acknowledge(store, rules, case.id, assignment.id, XIE, at)
    return units.report(store, rules, case.id, assignment.id, XIE, at, ReportKind(what), "详细情况不上卡")


def progress_rows(rt):
    with rt.database.session() as session:
        rows = session.scalars(select(outbox.OutboxRow).where(outbox.OutboxRow.dedup_id.like("cp:%"))
                               .order_by(outbox.OutboxRow.id))
        return [(r.platform, r.method, r.card) for r in rows]


def follow_of(rt, case):
    with rt.database.session() as session:
        (found,) = active_follows(session, [case.id])
    return found


def test_dingtalk_copy_changes_at_once_and_wecom_gets_one_batch_when_due(rt, rules, case):
    step(rt, rules, case, 1, "assign")
    step(rt, rules, case, 2, "ack")
    now = TEN + timedelta(minutes=3)
    assert county_progress.sweep(rt, now) == 2
    (update, batch) = progress_rows(rt)
    platform, method, card = update
    assert (platform, method, card["kind"]) == ("dingtalk", "update", "county_case")
    assert card["data"]["progress"] == ["今天 10:02 谢干事（甲县市场监督管理局）签收",
                                        "今天 10:01 戚局长（甲县市场监督管理局）分派甲县市场监督管理局"]
    assert [b["action"] for b in card["buttons"]] == ["county.take_over", "county.unfollow"]
    assert card["data"]["title"].startswith("【演练】")  # through the rendering rule like every row
    platform, method, card = batch
    assert (platform, method, card["kind"]) == ("wecom", "group", "notice")
    assert card["data"]["text"].splitlines() == ["【演练】" + f"{case.number} 县局进展（2条）：",
                                                 "今天 10:01 戚局长（甲县市场监督管理局）分派甲县市场监督管理局",
                                                 "今天 10:02 谢干事（甲县市场监督管理局）签收"]
    assert county_progress.sweep(rt, now) == 0, "nothing twice"

    step(rt, rules, case, 3, "initial")  # 5 s after the batch: DingTalk at once, WeCom waits (15 s)
    soon = now + timedelta(seconds=5)
    assert county_progress.sweep(rt, soon) == 1
    assert progress_rows(rt)[-1][2]["data"]["progress"][0] == "今天 10:03 谢干事（甲县市场监督管理局）报送初报"
    assert county_progress.sweep(rt, soon) == 0
    assert follow_of(rt, case).noticed_seq < follow_of(rt, case).seen_seq, "the WeCom line is still pending"

    due = now + timedelta(seconds=15)
    assert county_progress.sweep(rt, due) == 1
    platform, method, card = progress_rows(rt)[-1]
    assert (platform, method) == ("wecom", "group")
    assert card["data"]["text"].splitlines()[1:] == ["今天 10:03 谢干事（甲县市场监督管理局）报送初报"]
    assert "1条" in card["data"]["text"] and "详细情况" not in card["data"]["text"]
    assert county_progress.sweep(rt, due + timedelta(minutes=5)) == 0
    followed = follow_of(rt, case)
    assert followed.seen_seq == followed.noticed_seq and followed.noticed_at == due


def test_a_second_worker_that_read_the_same_marks_adds_nothing(rt, rules, case):
    step(rt, rules, case, 1, "assign")
    stale = follow_of(rt, case)
    now = TEN + timedelta(minutes=2)
    assert county_progress.sweep(rt, now) == 2
    org = desk_org()
    assert county_progress._follow(rt, org, rt.rules(org), stale, now) == []
    assert len(progress_rows(rt)) == 2


def test_steps_before_the_follow_and_non_steps_send_nothing(rt, rules, case):
    assert county_progress.sweep(rt, TEN + timedelta(minutes=1)) == 0  # case.open, case.follow: no step
    followed = follow_of(rt, case)
    assert followed.seen_seq == followed.noticed_seq == 2 and followed.noticed_at is None


def test_an_unfollowed_case_is_left_alone(rt, rules, case):
    county.unfollow(SqlCaseStore(rt.database), rules, case.id, LI, TEN + timedelta(seconds=30))
    step(rt, rules, case, 1, "assign")
    assert county_progress.sweep(rt, TEN + timedelta(minutes=2)) == 0 and progress_rows(rt) == []


def test_an_event_that_writes_to_a_followed_case_sweeps_it_at_once(rt, rules, case):
    step(rt, rules, case, 1, "assign")
    touched: set[int] = set()
    with rt.database.session() as session:
        county_progress.watch(session, touched)
        store = SessionCaseStore(session)
        (a,) = store.run(lambda repo: repo.assignments(case.id))
        units.acknowledge(store, rules, case.id, a.id, XIE, TEN + timedelta(minutes=2))
    assert touched == {case.id}
    assert county_progress.after_event(rt, touched) == 2
    assert county_progress.after_event(rt, set()) == 0


def test_a_confidential_cases_lines_go_to_the_desks_head_and_liaisons_one_to_one(rt, rules):
    """Its group copy shows the number only (bot.core.presentation): nothing to re-draw there, and a group notice
    would say no more; the lines (who did what kind of step, no text) go 1:1, batched the same way."""
    store = SqlCaseStore(rt.database)
    secret = cases.open_case(store, rules, QI, TEN, title="涉密标题", grade=Grade.SENSITIVE, confidential=True,
                             drill=True, drill_scale=SCALE).case
    county.follow(store, rules, secret.id, LI, TEN + timedelta(seconds=1))
    step(rt, rules, secret, 1, "assign")
    now = TEN + timedelta(minutes=2)
    assert county_progress.sweep(rt, now) == 2
    rows = progress_rows(rt)
    assert {(p, m) for p, m, _ in rows} == {("dingtalk", "person"), ("wecom", "person")}  # 孙科长, 李干事
    assert all("涉密标题" not in c["data"]["text"] and "分派" in c["data"]["text"] for _, _, c in rows)
    step(rt, rules, secret, 2, "ack")
    assert county_progress.sweep(rt, now + timedelta(seconds=5)) == 0  # not due yet
    assert county_progress.sweep(rt, now + timedelta(seconds=15)) == 2


def test_a_desk_without_a_group_chat_hears_one_to_one(rt, rules, case):
    with rt.database.session() as session:
        apply_organisation(session, make_org(), TEN)  # the same org, no group chats
    step(rt, rules, case, 1, "assign")
    assert county_progress.sweep(rt, TEN + timedelta(minutes=2)) == 2
    assert {(p, m) for p, m, _ in progress_rows(rt)} == {("dingtalk", "person"), ("wecom", "person")}
