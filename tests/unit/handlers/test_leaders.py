"""The leaders' bulletin (舆情通报) whatever the order of grading and assigning: every leader the grade calls for
is told once, with the units known at that moment, and told again when a unit is added (分派, 改派); the unit's
card says 已通知主要领导 once the main leader's bulletin is sent, and 主要领导已签收 <时间> after his 签收."""

from __future__ import annotations

import pytest

from bot.domain.cards.case_card import case_view_by_number, unit_card
from bot.domain.grade import Grade
from bot.domain.words import when
from bot.store.case_repo import SessionCaseStore
from bot.store.org_repo import apply_organisation, read_organisation
from bot.org.file import parse_org_file
from handlers.leaders import bulletin_due
from tests.unit.handlers.intake.conftest import NOW, ROOT, Desk

FOOD, DRUG, AD = "食品生产安全监督管理科", "药品安全监督管理科", "广告监督管理科"
G, S, M, E = Grade.GENERAL, Grade.SENSITIVE, Grade.MAJOR, Grade.ESPECIALLY_MAJOR


@pytest.fixture
def desk(sqlite_database) -> Desk:
    with sqlite_database.session() as session:
        apply_organisation(session, parse_org_file(ROOT / "examples" / "org.yaml"), NOW)
    return Desk(sqlite_database)


@pytest.mark.parametrize("action, grade, payload, due", [
    ("case.open", S, {}, True), ("case.open", G, {}, False),
    ("case.grade", M, {"from": 1, "to": 3}, True), ("case.grade", S, {"from": 3, "to": 2}, False),
    ("case.grade", S, {"from": 1, "to": 2}, True), ("case.grade", G, {"from": 2, "to": 1}, False),
    ("case.assign", M, {}, True), ("case.assign", S, {}, True), ("case.assign", G, {}, False),
    ("case.reassign", E, {}, True), ("case.reassign", G, {}, False),
    ("case.ack", E, {}, False), ("report.submit", M, {}, False), ("case.reject", M, {}, False),
])
def test_leaders_are_told_when_the_grade_is_set_or_raised_and_when_a_unit_is_added(action, grade, payload, due):
    assert bulletin_due(action, grade, payload) is due


def bulletins(replies) -> dict[str, list[str]]:
    """The bulletins among ``replies``: each leader's 承办单位 fact, as a line."""
    out: dict[str, list[str]] = {}
    for r in replies:
        if r.card.kind == "bulletin":
            assert r.card.data["title"] == "舆情通报 YQ-2026-0001"
            out.setdefault(r.to.id, []).append(units_of(r.card))
    return out


def units_of(card) -> str:
    return next(f"承办单位：{f['value']}" for f in card.data["facts"] if f["label"] == "承办单位")


def units_line(line: str) -> str:
    return line


def grade_then(desk, label: str) -> dict[str, list[str]]:
    """Open a case from the desk's card and click the grade ``label``; the bulletins that brought."""
    [opened] = desk.send("p-sun", "立案 某食品厂生产过期食品被曝光")
    return bulletins(desk.send("p-sun", kind="click", action="intake.grade",
                               params=next(b.params for b in opened.card.buttons if b.label == label)))


def test_graded_first_then_assigned_every_leader_hears_once_with_the_units_known(desk):
    first = grade_then(desk, "重大")
    assert {p: [units_line(b) for b in bodies] for p, bodies in first.items()} == {
        "p-zhao": ["承办单位：待分派"], "p-qian": ["承办单位：待分派"]}

    told = bulletins(desk.send("p-sun", kind="click", action="intake.assign",
                               params={"case": "1", "unit": "u-food"}))
    assert {p: [units_line(b) for b in bodies] for p, bodies in told.items()} == {
        "p-zhao": [f"承办单位：{FOOD}"], "p-qian": [f"承办单位：{FOOD}"], "p-wu": [f"承办单位：{FOOD}"]}

    # two units in one message: each leader once, with both (广告科's leader in charge is the publicity leader)
    told = bulletins(desk.send("p-sun", f"分派 YQ-2026-0001 {DRUG} {AD}"))
    assert {p: [units_line(b) for b in bodies] for p, bodies in told.items()} == {
        p: [f"承办单位：{FOOD}、{DRUG}、{AD}"] for p in ("p-zhao", "p-qian", "p-wu", "p-zheng")}


def test_a_unit_added_by_reassigning_tells_every_leader_again(desk):
    grade_then(desk, "敏感")
    desk.send("p-sun", f"分派 YQ-2026-0001 {DRUG}")
    desk.send("p-shen", "退回 YQ-2026-0001", platform="wecom")
    returned = desk.send("p-shen", "本案系食品生产问题，不属于药品科职责", platform="wecom")
    assert bulletins(returned) == {}, "a return adds no unit"
    told = bulletins(desk.send("p-sun", f"改派 YQ-2026-0001 {FOOD}"))
    assert {p: [units_line(b) for b in bodies] for p, bodies in told.items()} == {
        "p-zhao": [f"承办单位：{FOOD}"], "p-qian": [f"承办单位：{FOOD}"], "p-wu": [f"承办单位：{FOOD}"]}


def test_an_especially_major_bulletin_after_assigning_still_asks_the_main_leader_to_acknowledge(desk):
    grade_then(desk, "特别重大")
    replies = desk.send("p-sun", kind="click", action="intake.assign", params={"case": "1", "unit": "u-food"})
    main = next(r for r in replies if r.card.kind == "bulletin" and r.to.id == "p-zhao")
    assert [b.action for b in main.card.buttons] == ["leader.ack", "supervision.start"]  # 督办: one per live unit
    assert units_of(main.card) == f"承办单位：{FOOD}"
    desk.send("p-zhao", "领导签收 YQ-2026-0001", platform="wecom")
    replies = desk.send("p-sun", f"分派 YQ-2026-0001 {DRUG}")
    main = next(r for r in replies if r.card.kind == "bulletin" and r.to.id == "p-zhao")
    assert [b.action for b in main.card.buttons] == ["supervision.start"] * 2  # 签收 gone, 督办 per unit kept
    assert units_of(main.card) == f"承办单位：{FOOD}、{DRUG}"


def test_the_main_leaders_click_on_sign_leaves_his_bulletin_with_its_supervise_buttons(desk):
    grade_then(desk, "特别重大")
    told = desk.send("p-sun", f"分派 YQ-2026-0001 {FOOD} {DRUG}")
    bulletin = next(r for r in told if r.card.kind == "bulletin" and r.to.id == "p-zhao")
    sign = next(b for b in bulletin.card.buttons if b.action == "leader.ack")
    clicked = desk.send("p-zhao", kind="click", action=sign.action, params=dict(sign.params), platform="wecom")
    card = next(r for r in clicked if r.card.kind == "bulletin")
    assert card.update and card.card.data["status"] == f"已由赵局长于{when(desk.now, desk.now)}签收"
    assert [(b.label, b.action, b.params) for b in card.card.buttons] == [  # 签收 gone, 督办 per live unit kept
        (f"督办{FOOD}", "supervision.start", {"case": "YQ-2026-0001", "u": "u-food"}),
        (f"督办{DRUG}", "supervision.start", {"case": "YQ-2026-0001", "u": "u-drug"})]
    asked = desk.send("p-zhao", kind="click", action="supervision.start", params=dict(card.card.buttons[1].params),
                      platform="wecom")
    assert f"请发送对{DRUG}的督办内容" in asked[0].card.data["text"]  # the kept button still works



def unit_body(desk, told: bool) -> str:
    """The body of u-food's card of YQ-2026-0001 as drawn now, its main leader's bulletin sent or not."""
    with desk.database.session() as session:
        org = read_organisation(session)
        view = SessionCaseStore(session).run(lambda repo: case_view_by_number(repo, "YQ-2026-0001"))
    return unit_card(org, view, view.assignments[0], desk.now, leader_told=told).data["body"]


def test_the_unit_card_says_the_main_leader_was_told_once_his_bulletin_is_sent_and_when_he_signed(desk):
    grade_then(desk, "特别重大")
    desk.send("p-sun", kind="click", action="intake.assign", params={"case": "1", "unit": "u-food"})
    assert "主要领导" not in unit_body(desk, told=False), "not before the bulletin's row is sent"
    assert unit_body(desk, told=True).endswith("已通知主要领导")
    desk.send("p-zhao", "领导签收 YQ-2026-0001", platform="wecom")
    assert unit_body(desk, told=True).endswith(f"主要领导已签收 {when(desk.now, desk.now)}")


def test_a_case_that_asks_no_main_leader_signature_says_nothing_of_him(desk):
    grade_then(desk, "重大")
    desk.send("p-sun", kind="click", action="intake.assign", params={"case": "1", "unit": "u-food"})
    assert "主要领导" not in unit_body(desk, told=True)
