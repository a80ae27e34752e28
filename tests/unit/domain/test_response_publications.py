"""发布 (issue 20, Art. 19(2)–(3), 24): refused — and the refusal on the timeline — before the approvals; accepted
after them, moving handling → responding and ending the statutory duties it fulfils, on time or late."""

from datetime import timedelta

import pytest

from bot.domain.case import commands as cases
from bot.domain.case.lifecycle import CaseState
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K
from bot.domain.records import DutyState
from bot.domain.response import decide_plan, decide_script, publish, response_state, submit_plan, submit_script
from tests.unit.domain.response_setup import DESK, FOOD, QIAN, WU, ZHAO, live_case


def approved_script(store, rules, case, now):
    submit_script(store, rules, case.id, "u-food", FOOD, now, "口径")
    decide_script(store, rules, case.id, "u-food", 1, QIAN, now, approve=True)
    decide_script(store, rules, case.id, "u-food", 1, WU, now, approve=True)


def approved_plan(store, rules, case, now, way="新闻发布会"):
    submit_plan(store, rules, case.id, "u-food", DESK, now, way, "方案", "明天")
    decide_plan(store, rules, case.id, "u-food", 1, WU, now, approve=True)
    decide_plan(store, rules, case.id, "u-food", 1, ZHAO, now, approve=True)


def duty(store, case_id, kind):
    return next(d for d in store.repo.duties(case_id) if d.kind == kind)


def test_refused_before_the_approvals_and_the_refusal_is_on_the_timeline(store, rules, clock):
    case = live_case(store, rules, clock.now(), grade=Grade.ESPECIALLY_MAJOR)
    submit_script(store, rules, case.id, "u-food", FOOD, clock.now(), "口径")
    out = publish(store, rules, case.id, DESK, clock.now(), "新闻发布会", clock.now(), "https://x.gov.cn/1",
                  scripts=[("u-food", 1)])
    assert not out.accepted and out.outcome.entry.action == "publication.refused"
    assert out.refused == ["食品生产安全监督管理科的口径 v1 尚未审定通过（待分管宣传的局领导、分管局领导审定）",
                           "特别重大舆情须有经审批的回应方案"]
    assert out.outcome.entry.payload["reasons"] == out.refused
    assert store.repo.get_case(case.id).state == CaseState.HANDLING
    assert duty(store, case.id, K.AUTHORITATIVE_RELEASE).open and duty(store, case.id, K.PUBLIC_RESPONSE).open
    nothing = publish(store, rules, case.id, DESK, clock.now(), "门户网站", clock.now(), None, scripts=[])
    assert "未注明所依据的已审定口径" in nothing.refused
    st = response_state(store.repo.timeline(case.id))
    assert len(st.refused) == 2 and st.publications == []


def test_accepted_after_the_approvals_a_press_conference_ends_both_statutory_duties(store, rules, clock):
    case = live_case(store, rules, clock.now(), grade=Grade.ESPECIALLY_MAJOR)
    approved_script(store, rules, case, clock.now())
    approved_plan(store, rules, case, clock.now())
    clock.advance(hours=5)                       # 发布权威信息 was due in 4 h; 公开回应 in 24 h
    out = publish(store, rules, case.id, DESK, clock.now(), "新闻发布会", clock.now(), "https://x.gov.cn/2",
                  scripts=[("u-food", 1)], plan=("u-food", 1))
    assert out.accepted and out.outcome.entry.action == "publication.publish"
    assert out.outcome.entry.payload["fulfils"] == ["authoritative_release", "public_response"]
    assert (out.outcome.entry.payload["from"], out.outcome.entry.payload["to"]) == ("handling", "responding")
    assert store.repo.get_case(case.id).state == CaseState.RESPONDING
    release, response = duty(store, case.id, K.AUTHORITATIVE_RELEASE), duty(store, case.id, K.PUBLIC_RESPONSE)
    assert (release.state, release.late) == (DutyState.DONE, True)
    assert (response.state, response.late) == (DutyState.DONE, False)
    assert response_state(store.repo.timeline(case.id)).publications[0].ended == (release.id, response.id)


def test_the_channel_decides_which_duty_a_publication_fulfils(store, rules, clock):
    case = live_case(store, rules, clock.now(), grade=Grade.ESPECIALLY_MAJOR)
    approved_script(store, rules, case, clock.now())
    approved_plan(store, rules, case, clock.now(), way="接受采访")
    when = clock.now() - timedelta(minutes=30)   # published half an hour ago: recorded now, timed by when
    out = publish(store, rules, case.id, DESK, clock.now(), "接受采访", when, None, [("u-food", 1)], ("u-food", 1))
    assert out.outcome.entry.payload["fulfils"] == ["authoritative_release"]   # 特别重大: only a 发布会 responds
    assert duty(store, case.id, K.PUBLIC_RESPONSE).open

    major = live_case(store, rules, clock.now(), grade=Grade.MAJOR)
    approved_script(store, rules, major, clock.now())
    approved_plan(store, rules, major, clock.now(), way="媒体吹风会")
    out = publish(store, rules, major.id, DESK, clock.now(), "媒体吹风会", clock.now(), None, [("u-food", 1)],
                  ("u-food", 1))
    assert out.outcome.entry.payload["fulfils"] == ["public_response"]
    web = publish(store, rules, major.id, DESK, clock.now(), "门户网站", clock.now(), None, [("u-food", 1)],
                  ("u-food", 1))
    assert web.accepted and web.outcome.entry.payload["fulfils"] == []


def test_a_sensitive_case_publishes_only_as_its_handling_opinion_decided(store, rules, clock):
    case = live_case(store, rules, clock.now(), grade=Grade.SENSITIVE)
    approved_script(store, rules, case, clock.now())
    first = publish(store, rules, case.id, DESK, clock.now(), "门户网站", clock.now(), None, [("u-food", 1)])
    assert first.refused == ["敏感舆情须经处置意见决定在门户网站/微信公众号发布（尚未记录处置意见）"]
    opinion = duty(store, case.id, K.HANDLING_OPINION)
    details = {"respond": {"yes": False, "note": ""}, "commentary": {"yes": False, "note": ""},
               "publish": {"yes": True, "note": "官网发布说明"}}
    cases.end_duty_by_hand(store, rules, case.id, opinion.id, FOOD, clock.now(), done=True, details=details)
    press = publish(store, rules, case.id, DESK, clock.now(), "新闻通稿", clock.now(), None, [("u-food", 1)])
    assert press.refused == ["敏感舆情须经处置意见决定公开回应（处置意见为不公开回应）"]
    ok = publish(store, rules, case.id, DESK, clock.now(), "微信公众号", clock.now(), None, [("u-food", 1)])
    assert ok.accepted and store.repo.get_case(case.id).state == CaseState.RESPONDING


def test_who_may_publish_and_what_is_refused_outright(store, rules, clock):
    case = live_case(store, rules, clock.now(), grade=Grade.GENERAL)
    approved_script(store, rules, case, clock.now())
    before = len(store.repo.timeline(case.id))
    with pytest.raises(NotPermitted):
        publish(store, rules, case.id, FOOD, clock.now(), "门户网站", clock.now(), None, [("u-food", 1)])
    with pytest.raises(InvalidInput, match="发布渠道"):
        publish(store, rules, case.id, DESK, clock.now(), "抖音", clock.now(), None, [("u-food", 1)])
    with pytest.raises(InvalidInput, match="发布时间"):
        publish(store, rules, case.id, DESK, clock.now(), "门户网站", clock.now() + timedelta(hours=1), None,
                [("u-food", 1)])
    assert len(store.repo.timeline(case.id)) == before
    ok = publish(store, rules, case.id, DESK, clock.now(), "其他", clock.now(), None, [("u-food", 1)])
    assert ok.accepted and ok.outcome.entry.payload["channel_label"] == "其他"
