"""Digests on working days and Mondays from the domain's calendar (drills left out, sent once even when
Redis forgets), and the desk's one card per batch of messages that finally failed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.clock import SHANGHAI
from bot.domain.case import commands as case_commands
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.store import outbox
from bot.store.case_repo import SqlCaseStore
from tests.unit.domain.sample_org import make_org
from tests.unit.worker.test_clock import DESK, TEN, rt  # noqa: F401 - fixture
from worker import digests, failures

RULES = Rules(make_org(), default_policy(), WorkCalendar())


def rows(rt, prefix):  # noqa: F811
    with rt.database.session() as session:
        return list(session.scalars(select(outbox.OutboxRow).where(outbox.OutboxRow.dedup_id.like(prefix + "%"))
                                    .order_by(outbox.OutboxRow.id)))


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_daily_on_working_days_weekly_on_mondays_from_the_chinese_calendar():
    assert [k for k, _, _ in digests.due_digests(RULES, at(2026, 11, 30, 8, 30))] == ["daily", "weekly"]
    assert digests.due_digests(RULES, at(2026, 11, 30, 8, 29)) == []
    assert [k for k, _, _ in digests.due_digests(RULES, at(2026, 12, 1, 9))] == ["daily"]
    assert digests.due_digests(RULES, at(2026, 11, 29, 9)) == []  # a Sunday
    assert digests.due_digests(RULES, at(2026, 10, 1, 9)) == []  # National Day


def test_a_digest_lists_the_period_without_drills_and_goes_once(rt):  # noqa: F811
    store = SqlCaseStore(rt.database)
    case_commands.open_case(store, RULES, DESK, TEN, title="真实案件", grade=Grade.MAJOR)
    case_commands.open_case(store, RULES, DESK, TEN, title="演练案件", grade=Grade.MAJOR, drill=True)
    monday = at(2026, 11, 30, 8, 31)
    assert digests.send_due(rt, monday) == 2
    daily = rows(rt, "dg:daily:")
    assert {r.address["user_id"] for r in daily} >= {"zhaojz", "qianfjz", "ligs"}
    data = daily[0].card["data"]
    assert data["open"] == 1 and all("演练" not in line for line in data["new"] + data["overdue"])
    weekly = rows(rt, "dg:weekly:")[0].card["data"]
    assert [n.split(" ", 1)[1] for n in weekly["new"]] == ["真实案件"] and weekly["overdue"]
    rt.redis.flushdb()  # Redis forgot the claims: the outbox still refuses a second copy
    assert digests.send_due(rt, monday) == 0 and len(rows(rt, "dg:")) == len(daily) * 2


def test_the_desk_gets_one_card_per_batch_of_final_failures(rt):  # noqa: F811
    now = TEN
    with rt.database.session() as session:
        ids = [outbox.add(session, outbox.Message(f"m{i}", "wecom", "person", {"user_id": "zhouks"},
                                                  {"kind": "reminder", "data": {}}), now) for i in range(3)]
        for row_id in ids[:2]:
            row = session.get(outbox.OutboxRow, row_id)
            row.state, row.last_error = outbox.FAILED, "45009 api freq out of limit"
    assert failures.notify_desk(rt, now) == 2
    assert failures.notify_desk(rt, now) == 0
    cards = rows(rt, failures.PREFIX)
    assert {r.address["user_id"] for r in cards} == {"0523", "ligs"}  # the desk: 孙科长, 李干事
    assert cards[0].card["data"]["count"] == 2 and "周科长" in cards[0].card["data"]["items"][0]
    with rt.database.session() as session:
        session.get(outbox.OutboxRow, ids[2]).state = outbox.FAILED
        for card in cards:  # a notice that fails is not reported again
            session.get(outbox.OutboxRow, card.id).state = outbox.FAILED
    assert failures.notify_desk(rt, now) == 1 and len(rows(rt, failures.PREFIX)) == 4


def test_a_policy_with_digests_off_never_has_one_due():
    from bot.domain.clock.policy_file import parse_policy_text

    off = Rules(make_org(), parse_policy_text("digests: {daily: off, weekly: off}\n"), WorkCalendar())
    assert digests.due_digests(off, at(2026, 11, 30, 23, 59)) == []  # a Monday, late
    weekly_only = Rules(make_org(), parse_policy_text("digests: {daily: off}\n"), WorkCalendar())
    assert [k for k, _, _ in digests.due_digests(weekly_only, at(2026, 11, 30, 9))] == ["weekly"]
