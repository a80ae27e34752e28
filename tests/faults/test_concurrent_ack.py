"""Concurrency: 50 simultaneous clicks on the same 签收 button of one warning card (DingTalk group card of
u-foodsale), through the real callback path, with three workers taking events at once — by 50 different
liaisons, and by the same liaison 50 times. The unit is acknowledged once, by the click whose
transaction won; every other click is handled (and answered), nothing else changes; the case's
timeline stays one unbroken chain (bot.store.timeline.verify_case)."""

from __future__ import annotations

import threading
from collections import Counter
from functools import partial

import pytest

from bot.store.case_repo import SessionCaseStore
from bot.store.timeline import verify_case
from tests.faults.stackhelp import (
    click_body,
    handled_events,
    more_workers,
    now_ms,
    post_click,
    stop,
    with_liaisons,
)
from tests.integration import stack as stack_module
from tests.integration.unit_flow import assignment_states, open_and_assign

wait_for = partial(stack_module.wait_for, timeout=90)
GROUP, LIAISON, UNIT, CLICKS = "cidFoodSale01==", "0602", "u-foodsale", 50


def timeline(stack, case_id):
    with stack.database.session() as session:
        entries = SessionCaseStore(session).run(lambda repo: repo.timeline(case_id))
        return entries, verify_case(session, case_id)


def click_at_once(stack, bodies):
    barrier, statuses = threading.Barrier(len(bodies)), []
    base = now_ms()

    def one(i, body):
        barrier.wait()
        statuses.append(post_click(stack, body, base + i))  # DingTalk signs each callback at its own moment

    threads = [threading.Thread(target=one, args=(i, b)) for i, b in enumerate(bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


@pytest.mark.parametrize("who", ["different liaisons", "the same liaison"])
def test_fifty_simultaneous_acks_acknowledge_once(stack, tmp_path, capsys, who):
    extra = with_liaisons(stack, UNIT, CLICKS - 1, tmp_path)
    workers = more_workers(stack, 2)
    try:
        case = open_and_assign(stack, [UNIT])
        dt = stack.emulator.dingtalk
        card = wait_for(lambda: [m for m in dt.messages_for_group(GROUP) if m.channel == "card"],
                        what="the warning card\n" + stack.worker_log())[0]
        button = next(b for b in dt.card_view(card.out_track_id, LIAISON)["buttons"] if b["action_id"] == "case.ack")
        users = [LIAISON, *extra] if who == "different liaisons" else [LIAISON] * CLICKS
        before = handled_events(stack)
        statuses = click_at_once(stack, [click_body(card.out_track_id, u, "case.ack", button["params"], GROUP)
                                         for u in users])
        assert Counter(statuses) == {200: CLICKS}
        wait_for(lambda: handled_events(stack) - before >= CLICKS, what="every click handled\n" + stack.worker_log())
        entries, broken = timeline(stack, case.case_id)
        acks = [e for e in entries if e.action == "case.ack"]
        assert assignment_states(stack, case.case_id) == [(UNIT, "acknowledged")]
        assert len(acks) == 1 and broken is None, (acks, broken)
        winner = acks[0].actor
        assert winner in ({"p-wei"} | {f"p-x{i:03d}" for i in range(CLICKS - 1)})
        with capsys.disabled():
            print(f"\n[concurrency, {who}] {CLICKS} clicks: 200×{statuses.count(200)}, handled "
                  f"{handled_events(stack) - before}, acknowledgements 1 (by {winner}), timeline "
                  f"{len(entries)} entries, chain {'holds' if broken is None else broken}")
    finally:
        stop(workers)
