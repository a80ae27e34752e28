"""What a leader's click or typed word may not do, and two leaders at the same moment, through the real signed
callbacks, real workers and the emulators (issue 20, Done when: "Tests prove").

* 吴副局长 (DingTalk) presses 同意 on 食品经营's 口径 v1, and DingTalk delivers the same click once more (his card
  had not yet changed): the second answer says 无需重复操作 and one decision is recorded;
* the liaison submits v2; 吴副局长's v1 card is clicked again: the answer says a newer version exists, nothing changes;
* 郑副局长 (leader in charge of 药品安全监督管理科, also on the case), the liaison 卫干事, and the main leader
  赵局长 before the leader in charge (the plan) type their decisions: each refused with the reason, nothing written;
* 钱副局长 (WeCom) and 吴副局长 (DingTalk) press 同意 on one version at the same moment (two threads released by a
  barrier, each posting its signed click callback), with three workers taking events: both decisions count and the
  version is approved exactly once, and both leaders' cards end settled (an older drawing of a card is not sent
  after a newer one: worker/card_order.py) — on SQLite and on PostgreSQL, three rounds each.

A click the emulator would no longer show (the card updated) is posted as DingTalk would post it
(``tests.faults.stackhelp.click_body`` / ``post_click``: the same signed callback the emulator sends).
The timeline is read straight from the database, for assertions only."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bot.domain.grade import Grade
from bot.store import outbox
from tests.faults.stackhelp import click_body, more_workers, now_ms, post_click
from tests.integration.response.walk import QIAN, WU, ZHAO, button, entries, live, submit_plan, submit_script
from tests.integration.stack import Stack, wait_for
from tests.integration.unit_flow import People, open_and_assign
from tests.support.workers import stop_workers

UNIT, LIAISON, ZHENG = "食品经营安全监督管理科", "0602", "0413"  # 郑副局长 prefers DingTalk
ROUNDS = 3
@pytest.fixture
def people(stack):
    """A stack of this test's own (the race below starts its own on the same Redis database: never two at once)."""
    return People(stack)


def repost(p: People, user: str, found) -> int:
    """DingTalk delivering ``user``'s click on the button ``found`` (dt_button's answer) once more — a click of its
    own, signed at its own moment (the same body signed within the same second is a redelivery, handled once)."""
    out_track_id, b = found
    return post_click(p.stack, click_body(out_track_id, user, b["action_id"], b["params"], user), now_ms())


def test_refused_clicks_and_words_change_nothing(people):
    p = people
    case = open_and_assign(p.stack, ["u-foodsale", "u-drug"], Grade.MAJOR)
    n = case.number
    submit_script(p, LIAISON, n, UNIT, "涉事批次已下架。", 1)
    first = p.wait(lambda: button(p, WU, f"口径审定 {n} v1", "script.approve", case=n, v=1), "吴副局长's v1 card")

    # the same leader twice: counted once
    p.press(WU, f"口径审定 {n} v1", "script.approve", case=n, v=1)
    p.wait(lambda: entries(p.stack, case.case_id, "script.approve"), "吴副局长's decision")
    seen = len(p.got(WU))
    assert repost(p, WU, first) == 200
    p.wait(lambda: any("无需重复操作" in t for t in p.got(WU)[seen:]), "the second click answered 无需重复操作")
    [once] = entries(p.stack, case.case_id, "script.approve")
    assert (once.actor, once.payload["approved"], once.payload["pending"]) == ("p-wu", False, ["publicity_leader"])

    # an old version's card
    submit_script(p, LIAISON, n, UNIT, "涉事批次已下架，正在溯源。", 2)
    seen = len(p.got(WU))
    assert repost(p, WU, first) == 200
    p.wait(lambda: any("已有新版本 v2" in t for t in p.got(WU)[seen:]), "the old card's click answered")
    assert len(entries(p.stack, case.case_id, "script.approve")) == 1

    # another unit's leader in charge, a liaison: refused by the typed form
    p.exchange(ZHENG, (f"审定 {n} v2", "的分管局领导或主要领导可以审定该口径"))
    p.exchange(LIAISON, (f"审定 {n} v2", "的分管局领导或主要领导可以审定该口径"))
    # the plan: the main leader before the leader in charge, another unit's leader in charge
    submit_plan(p, LIAISON, n, UNIT, "新闻通稿", "发布新闻通稿说明核查进展。")
    p.exchange(ZHAO, (f"审批 {n} v1", "须先由分管局领导（吴副局长）审批"))
    p.exchange(ZHENG, (f"审批 {n} v1", f"只有{UNIT}的分管局领导和主要领导"))
    p.exchange(LIAISON, (f"审批 {n} v1", f"只有{UNIT}的分管局领导和主要领导"))
    assert len(entries(p.stack, case.case_id, "script.approve")) == 1
    assert not entries(p.stack, case.case_id, "plan.approve")
    assert not entries(p.stack, case.case_id, "script.return") and not entries(p.stack, case.case_id, "plan.return")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def racing(request, redis_url, tmp_path):
    """A stack of its own (SQLite or PostgreSQL) with two more workers: three take events at once."""
    template = request.getfixturevalue("pg_template") if request.param == "postgres" else None
    url = template.copy() if template else None
    running = Stack(redis_url, tmp_path, database_url=url)
    workers = more_workers(running, 2)
    yield People(running)
    stop_workers(workers, timeout=5)  # the extra workers only: nothing of theirs is waited for after the test
    running.stop()
    if template:
        template.drop(url)


def at_once(*clicks) -> None:
    """Run each click in a thread of its own, all released by one barrier."""
    barrier = threading.Barrier(len(clicks))
    errors: list[BaseException] = []

    def one(click):
        barrier.wait()
        try:
            click()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(c,)) for c in clicks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_two_leaders_pressing_agree_at_the_same_moment_approve_once(racing):
    p, cards = racing, []
    for _ in range(ROUNDS):
        case = open_and_assign(p.stack, ["u-foodsale"], Grade.MAJOR)
        n = case.number
        submit_script(p, LIAISON, n, UNIT, "涉事批次已下架，检测结果将及时公布。", 1)
        task, key = p.wait(lambda: button(p, QIAN, f"口径审定 {n} v1", "script.approve", case=n, v=1), "钱's card")
        track, b = p.wait(lambda: button(p, WU, f"口径审定 {n} v1", "script.approve", case=n, v=1), "吴's card")
        at_once(lambda: p.wecom.act_as(QIAN).click(task, key), lambda: p.dt.click(WU, track, b["action_id"]))
        p.wait(lambda: len(entries(p.stack, case.case_id, "script.approve")) >= 2, "both decisions")
        p.wait(lambda: any(f"口径已审定 {n} v1" in t for t in p.got(LIAISON)), "the unit told v1 is approved")
        decisions = entries(p.stack, case.case_id, "script.approve")
        assert sorted(e.actor for e in decisions) == ["p-qian", "p-wu"]
        assert [e.payload["approved"] for e in decisions] == [False, True], [e.payload for e in decisions]
        assert sum(f"口径已审定 {n} v1" in t for t in p.got(LIAISON)) == 1
        cards.append(n)
    # every leader's card ends settled: the first decider's handler draws the other's copy as still awaited, and
    # that older drawing must not reach the platform after the other's own settled card (worker/card_order.py)
    wait_for(lambda: not outbox_unsent(p.stack), timeout=30, what="every card update delivered")
    stale = [(n, who) for n in cards for who in (QIAN, WU) if live(p, who, f"口径审定 {n}")]
    assert not stale, f"approval cards still live on an approved version: {stale}"


def outbox_unsent(stack) -> int:
    """How many outbox rows are still pending or being sent."""
    with stack.database.session() as session:
        return session.scalar(select(func.count()).select_from(outbox.OutboxRow)
                              .where(outbox.OutboxRow.state.in_((outbox.PENDING, outbox.SENDING))))
