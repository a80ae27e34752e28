"""我的待办 read by the person who asked (review ux-2026-12-07, findings 10, 18 and 19): a heading, then each
duty apart from the next — its case on one line, the duty with its deadline and the time left below — with
the unit said once when every duty is one unit's and on each line only when they differ; the same duty names
on the board as in the chat; the five soonest duties an act ends carry its button (marked ①… on the item and
the button), the others name the command to type, and the text form names it for every item (issue 19).
Built by the product's builder (``bot.domain.cards.duties_card``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.console.board import DUTIES
from bot.core.clock import SHANGHAI
from bot.domain.case.lifecycle import CaseState
from bot.domain.cards.duties_card import my_duties_card
from bot.domain.clock.acts import DUTY_ACTS
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.records import Case, Duty
from bot.platforms.wecom.bodies import Bodies
from tests.unit.cards.reading import TEMPLATES, forms, runs_together
from tests.unit.domain.sample_org import make_org

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


def case(number: str, title: str, drill: bool = False) -> Case:
    return Case(number, title, Grade.MAJOR, CaseState.HANDLING, "u-desk", "p-li", NOW, NOW, drill=drill)


def duty(kind: DutyKind, due: datetime, unit: str | None, duty_id: int | None = None) -> Duty:
    return Duty(1, kind, Grade.MAJOR, NOW, due, {}, owner_unit=unit, id=duty_id)


ONE_UNIT = [(duty(DutyKind.ACKNOWLEDGE, NOW + timedelta(hours=1, minutes=59), "u-food"),
             case("YQ-2026-0007", "某超市销售过期食品")),
            (duty(DutyKind.INITIAL_REPORT, NOW + timedelta(days=1), "u-food"), case("YQ-2026-0008", "某饭店卫生问题", True))]
TWO_UNITS = [ONE_UNIT[0],
             (duty(DutyKind.FOLLOW_UP, NOW - timedelta(minutes=35), "u-drug"), case("YQ-2026-0009", "某药店售假"))]


def test_one_units_list_names_the_unit_once_and_each_duty_on_its_own_line():
    assert forms(my_duties_card("周科长", ONE_UNIT, make_org(), NOW))["text"] == [
        "周科长的待办（食品生产安全监督管理科）：",
        "· YQ-2026-0007 某超市销售过期食品",
        "签收预警：今天 11:59 截止，还剩1小时59分钟",
        "办理请发送“签收 YQ-2026-0007”",
        "· 【演练】YQ-2026-0008 某饭店卫生问题",
        "初报：明天 10:00 截止，还剩1天",
        "办理请发送“报告 YQ-2026-0008 初报”",
    ]


def test_units_are_named_on_each_line_only_when_they_differ():
    lines = forms(my_duties_card("褚科长", TWO_UNITS, make_org(), NOW))["text"]
    assert lines[0] == "褚科长的待办："
    assert lines[2] == "签收预警（食品生产安全监督管理科）：今天 11:59 截止，还剩1小时59分钟"
    assert lines[5] == "续报（药品监督管理科）：今天 09:25 截止，已超时35分钟"


def test_the_main_leaders_own_duty_is_named_as_theirs():
    mine = [(duty(DutyKind.MAIN_LEADER_ACKNOWLEDGE, NOW + timedelta(minutes=30), None), case("YQ-2026-0010", "某奶粉"))]
    lines = forms(my_duties_card("赵局长", mine, make_org(), NOW))["text"]
    assert lines == ["赵局长的待办（主要领导）：", "· YQ-2026-0010 某奶粉", "主要领导签收：今天 10:30 截止，还剩30分钟",
                     "办理请发送“领导签收 YQ-2026-0010”"]


def test_on_wecom_the_items_are_separate_quotes():
    card = my_duties_card("周科长", ONE_UNIT, make_org(), NOW)
    assert forms(card)["wecom 1:1"] == forms(card)["wecom group"]
    [body] = Bodies(TEMPLATES).pieces(card, "t", cards=True, plain=False)
    blocks = body["markdown"]["content"].split("\n\n")
    assert blocks[0] == "**周科长的待办**（食品生产安全监督管理科）"
    assert blocks[1:] == ["> YQ-2026-0007 某超市销售过期食品\n> 签收预警：今天 11:59 截止，还剩1小时59分钟\n"
                          "> 办理请发送“签收 YQ-2026-0007”",
                          "> 【演练】YQ-2026-0008 某饭店卫生问题\n> 初报：明天 10:00 截止，还剩1天\n"
                          "> 办理请发送“报告 YQ-2026-0008 初报”"]


@pytest.mark.parametrize("form", ["wecom 1:1", "text", "dingtalk markdown", "dingtalk markdown (CommonMark)"])
def test_every_form_keeps_case_and_duty_on_lines_of_their_own(form):
    lines = forms(my_duties_card("周科长", ONE_UNIT, make_org(), NOW))[form]
    assert "周科长的待办" in lines[0] and len(lines) == 7 and runs_together(lines) == []
    assert lines[2].endswith("签收预警：今天 11:59 截止，还剩1小时59分钟")
    empty = forms(my_duties_card("周科长", [], make_org(), NOW))[form]
    assert empty[-1] == "目前没有需要您处理的待办事项。"


def test_the_board_names_duties_as_the_chat_does():
    assert DUTIES == {str(kind): label for kind, label in DUTY_LABELS.items()}


def _many(n: int) -> list:
    kinds = [DutyKind.ACKNOWLEDGE, DutyKind.INITIAL_REPORT, DutyKind.FOLLOW_UP, DutyKind.FEEDBACK,
             DutyKind.HANDLING_OPINION, DutyKind.ACKNOWLEDGE, DutyKind.INITIAL_REPORT]
    return [(duty(kinds[i], NOW + timedelta(hours=i + 1), "u-food", duty_id=100 + i),
             case(f"YQ-2026-00{10 + i}", f"事{i}")) for i in range(n)]


def test_the_five_soonest_carry_their_acts_button_and_the_rest_the_command_to_type():
    card = my_duties_card("周科长", _many(7), make_org(), NOW)
    assert [(b.label, b.action, b.params) for b in card.buttons] == [
        ("①签收", "case.ack", {"case": "YQ-2026-0010", "d": 100}),
        ("②报告初报", "report.start", {"case": "YQ-2026-0011", "d": 101}),
        ("③报告续报", "report.start", {"case": "YQ-2026-0012", "d": 102}),
        ("④反馈处置情况", "report.start", {"case": "YQ-2026-0013", "d": 103}),
        ("⑤填写处置意见", "duty.opinion", {"case": "YQ-2026-0014", "d": 104}),
    ]
    wecom = forms(card)["wecom 1:1"]
    assert wecom[:3] == ["周科长的待办（食品生产安全监督管理科）", "①YQ-2026-0010 事0", "签收预警：今天 11:00 截止，还剩1小时"]
    assert "办理请发送“签收 YQ-2026-0010”" not in wecom       # it has a button
    assert wecom[-5:] == ["①签收", "②报告初报", "③报告续报", "④反馈处置情况", "⑤填写处置意见"]
    dingtalk = forms(card)["dingtalk card"]
    assert "办理请发送“签收 YQ-2026-0010”" not in " ".join(dingtalk)
    assert "办理请发送“签收 YQ-2026-0015”" in " ".join(dingtalk)  # the sixth has no button
    assert "办理请发送“报告 YQ-2026-0016 初报”" in " ".join(dingtalk)
    text = forms(card)["text"]  # a text reader cannot click: every item says what to type
    assert sum(line.startswith("办理请发送") for line in text) == 7


def test_every_duty_kind_has_an_act_so_no_item_leads_nowhere():
    assert all(DUTY_ACTS.get(kind) is not None for kind in DutyKind), [k for k in DutyKind if not DUTY_ACTS.get(k)]


@pytest.mark.parametrize("kind", [DutyKind.AUTHORITATIVE_RELEASE, DutyKind.PUBLIC_RESPONSE], ids=str)
def test_a_publication_duty_carries_the_publish_button_and_its_command(kind):
    release = [(duty(kind, NOW + timedelta(hours=1), "u-desk", duty_id=5), case("YQ-2026-0020", "某发布"))]
    card = my_duties_card("李科长", release, make_org(), NOW)
    assert [(b.label, b.action, b.params) for b in card.buttons] == [
        ("①登记发布", "publication.start", {"case": "YQ-2026-0020", "d": 5})]
    assert "办理请发送“发布 YQ-2026-0020”" in forms(card)["text"]


def test_a_persons_own_duty_is_named_as_theirs():
    own = Duty(1, DutyKind.SUPERVISION_ANSWER, Grade.MAJOR, NOW, NOW + timedelta(hours=4), {},
               owner_person="p-zhou", id=9)
    lines = forms(my_duties_card("周科长", [(own, case("YQ-2026-0030", "某事"))], make_org(), NOW))["text"]
    assert lines[0] == f"周科长的待办（{make_org().people['p-zhou'].name}）："
