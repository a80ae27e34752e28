"""跟踪, the follow-up script question, 平息, 重新跟踪, 归档 and 更正 as pure handlers on a real case store
(``handlers/tracking.py``, ``handlers/subside.py``, ``handlers/archive.py``); the same walks through the
emulators are tests/integration/unit_side/test_case_progress.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.case.lifecycle import CaseState
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K
from bot.domain.records import DutyState
from tests.unit.handlers.unit_side import World, texts

DESK, LIAISON, HEAD = "p-li", "p-feng", "p-zhou"


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def handling(world, grade=Grade.GENERAL):
    """A case of ``grade`` assigned to u-food and acknowledged by its liaison (处置中)."""
    case = world.open(grade).case
    world.assign(case.id, "u-food")
    world.act(LIAISON, text=f"签收 {case.number}")
    return case


def state(world, case) -> CaseState:
    return world.store.run(lambda repo: repo.get_case(case.id)).state


def duties(world, case):
    return world.store.run(lambda repo: repo.duties(case.id))


def test_the_desks_tracking_moves_the_case_and_asks_the_unit_with_two_buttons(world):
    case = handling(world, Grade.SENSITIVE)
    replies = world.act(DESK, text=f"跟踪 {case.number} 话题热度下降")
    assert "案件转为“跟踪中”" in replies[0].card.data["text"] and "食品生产安全监督管理科" in replies[0].card.data["text"]
    asked = {r.to.id: r.card for r in replies[1:]}
    assert set(asked) == {HEAD, LIAISON}
    card = asked[LIAISON]
    assert [b.label for b in card.buttons] == ["需要续发口径", "无需续发"]
    assert "话题热度下降" in card.data["body"] and f"需要续发口径 {case.number}" in card.data["hint"]
    assert state(world, case) == CaseState.TRACKING

    params = card.buttons[0].params
    clicked = world.act(LIAISON, action="script.needed", params=params, card_id="yq1")
    assert clicked[0].update and "需要续发口径" in clicked[0].card.data["status"] and not clicked[0].card.buttons
    assert clicked[-1].to.id == DESK and "案件转为“回应中”" in clicked[-1].card.data["text"]
    assert state(world, case) == CaseState.RESPONDING
    # the head clicks his copy too: answered, nothing changes
    again = world.act(HEAD, action="script.needed", params=params)
    assert "已答复" in texts(again)[0] and len(again) == 1
    assert state(world, case) == CaseState.RESPONDING
    # the desk tracks again: back to tracking, a new question; typed 无需续发 answers it
    world.act(DESK, text=f"跟踪 {case.number} 续发口径已发布，评论平稳")
    assert state(world, case) == CaseState.TRACKING
    typed = world.act(HEAD, text=f"无需续发 {case.number}")
    assert "已答复" in texts(typed)[0] and "无需续发" in texts(typed)[0]
    assert state(world, case) == CaseState.TRACKING


def test_a_units_tracking_note_is_its_own_and_does_not_move_the_case(world):
    case = handling(world)
    replies = world.act(LIAISON, text=f"跟踪 {case.number} 已约谈涉事超市")
    assert texts(replies)[0] == f"已记录本单位对 {case.number} 的跟踪情况。"
    assert replies[1].to.id == DESK and "已约谈涉事超市" in replies[1].card.data["text"]
    assert state(world, case) == CaseState.HANDLING
    stranger = world.act("p-wei", text=f"跟踪 {case.number} 无关")
    assert "权限" in texts(stranger)[0]


def test_subsiding_closes_duties_as_missed_or_not_needed_and_starts_evaluations(world):
    case = handling(world, Grade.MAJOR)
    world.act(DESK, text=f"跟踪 {case.number} 热度下降")
    world.now += timedelta(hours=3)  # the 初报 (2 h) is overdue; the 研判会议 (24 h) is not yet due
    replies = world.act(DESK, text=f"平息 {case.number} 连续两天无新增")
    text = texts(replies)[0]
    assert "按逾期关闭" in text and "无需再办" in text and "已请食品生产安全监督管理科提交评估总结" in text
    by_kind = {d.kind: d for d in duties(world, case)}
    assert (by_kind[K.INITIAL_REPORT].state, by_kind[K.INITIAL_REPORT].late) == (DutyState.CLOSED, True)
    assert by_kind[K.INITIAL_REPORT].reason == "平息时未办结"
    assert by_kind[K.PUBLIC_RESPONSE].late and by_kind[K.PUBLIC_RESPONSE].reason == "平息时未办结"
    assert (by_kind[K.ASSESSMENT_MEETING].late, by_kind[K.ASSESSMENT_MEETING].reason) == (False, "舆情已平息，无需办理")
    assert by_kind[K.EVALUATION].open and by_kind[K.EVALUATION].owner_unit == "u-food"
    assert {r.to.id for r in replies[1:]} == {HEAD, LIAISON}
    assert f"评估 {case.number}" in replies[1].card.data["text"]
    # archive refused, naming what is missing
    refused = texts(world.act(DESK, text=f"归档 {case.number}"))[0]
    assert "暂不能归档" in refused and "食品生产安全监督管理科的评估总结未提交" in refused


def test_a_major_case_cannot_subside_from_handling_a_general_one_can(world):
    major = handling(world, Grade.MAJOR)
    assert "须先跟踪" in texts(world.act(DESK, text=f"平息 {major.number} 无新增"))[0]
    assert state(world, major) == CaseState.HANDLING
    general = handling(world)
    world.act(DESK, text=f"平息 {general.number} 无新增")
    assert state(world, general) == CaseState.SUBSIDED
    assert not any(d.open for d in duties(world, general))
    assert "权限" in texts(world.act(LIAISON, text=f"平息 {major.number} 无新增"))[0]


def test_archive_makes_the_case_read_only_and_corrections_are_appended(world):
    case = handling(world)
    assert "须先平息" in texts(world.act(DESK, text=f"归档 {case.number}"))[0]
    world.act(DESK, text=f"平息 {case.number} 无新增")
    assert texts(world.act(DESK, text=f"归档 {case.number}"))[0].startswith(f"已归档 {case.number}")
    assert state(world, case) == CaseState.ARCHIVED
    assert "无需重复操作" in texts(world.act(DESK, text=f"归档 {case.number}"))[0]
    for person, text in ((DESK, f"跟踪 {case.number} 又有转发"), (LIAISON, f"报告 {case.number} 续报"),
                         (DESK, f"平息 {case.number} 再次")):
        assert "已归档，只能查看" in " ".join(texts(world.act(person, text=text))), text
    done = texts(world.act(DESK, text=f"更正 {case.number} 初报中的超市名称应为某某便利店"))[0]
    assert "已在" in done and "李干事" in done
    entry = world.store.run(lambda repo: repo.timeline(case.id))[-1]
    assert (entry.action, entry.actor, entry.payload["text"]) == ("case.correct", DESK, "初报中的超市名称应为某某便利店")
    assert "权限" in texts(world.act(LIAISON, text=f"更正 {case.number} 我来改"))[0]
    status = world.act(LIAISON, text=f"案件 {case.number}")  # still readable
    assert "已归档" in str(status[0].card.data) and "只能查看" not in str(status[0].card.data)


def test_a_sighting_of_a_subsided_case_offers_retracking(world):
    case = handling(world)
    world.act(DESK, text=f"平息 {case.number} 无新增")
    replies = world.act(DESK, text=f"补充 {case.number} https://www.douyin.com/video/7300000000000000001")
    (offer,) = replies
    assert [b.label for b in offer.card.buttons] == ["重新跟踪"]
    clicked = world.act(DESK, action="case.retrack", params=offer.card.buttons[0].params, card_id="yq2")
    assert clicked[0].update and state(world, case) == CaseState.TRACKING
    assert "无需重复操作" in texts(world.act(DESK, action="case.retrack", params=offer.card.buttons[0].params))[0]


def test_subsiding_again_after_retracking_starts_one_evaluation_per_unit(world):
    """重新跟踪 closes the open evaluation; the next 平息 starts one again — never two clocks for one unit
    (the case state machine found two when the generic advance path skipped the check)."""
    case = handling(world, Grade.MAJOR)
    world.act(DESK, text=f"跟踪 {case.number} 热度下降")
    world.act(DESK, text=f"平息 {case.number} 无新增")
    world.act(DESK, text=f"重新跟踪 {case.number}")
    paused = [d for d in duties(world, case) if d.kind == K.EVALUATION]
    assert [(d.state, d.reason) for d in paused] == [(DutyState.CLOSED, "重新跟踪，评估待再次平息后开始")]
    world.now += timedelta(days=1)
    world.act(DESK, text=f"平息 {case.number} 再次平息")
    evaluations = [d for d in duties(world, case) if d.kind == K.EVALUATION and d.open]
    assert [d.owner_unit for d in evaluations] == ["u-food"]
    assert evaluations[0].started_at == world.now


def test_a_sensitive_case_whose_opinion_decided_to_respond_is_tracked_before_it_subsides(world):
    from bot.domain.case.commands import end_duty_by_hand
    from bot.domain.records import Actor

    case = handling(world, Grade.SENSITIVE)
    opinion = next(d for d in duties(world, case) if d.kind == K.HANDLING_OPINION)
    decided = {"respond": {"yes": True, "note": ""}, "commentary": {"yes": False, "note": ""},
               "publish": {"yes": False, "note": ""}}
    end_duty_by_hand(world.store, world.rules, case.id, opinion.id, Actor(LIAISON, "wecom"), world.now, done=True,
                     details=decided)
    refused = texts(world.act(DESK, text=f"平息 {case.number} 无新增"))[0]
    assert "需要公开回应" in refused and f"跟踪 {case.number}" in refused
    assert state(world, case) == CaseState.HANDLING
    world.act(DESK, text=f"跟踪 {case.number} 已回应，热度下降")
    world.act(DESK, text=f"平息 {case.number} 无新增")
    assert state(world, case) == CaseState.SUBSIDED
