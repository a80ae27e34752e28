"""One way to say a time, the time left and a grade's colour, wherever a card is built."""

from datetime import datetime

from bot.config import ROOT
from bot.core.clock import SHANGHAI
from bot.domain.cards.shapes import SHAPES, CaseCardData, Fact
from bot.domain.grade import Grade
from bot.domain.words import grade_color, time_left, when

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)


def test_a_time_reads_today_or_its_date():
    assert when(datetime(2026, 12, 3, 10, 30, tzinfo=SHANGHAI), NOW) == "今天 10:30"
    assert when(datetime(2026, 12, 4, 10, 30, tzinfo=SHANGHAI), NOW) == "12月4日 10:30"
    assert when(datetime(2026, 12, 2, 23, 5, tzinfo=SHANGHAI), NOW) == "12月2日 23:05"


def test_time_left_and_overdue():
    assert time_left(datetime(2026, 12, 3, 10, 20, tzinfo=SHANGHAI), NOW) == "剩余 1小时20分"
    assert time_left(datetime(2026, 12, 3, 8, 25, tzinfo=SHANGHAI), NOW) == "已超时 35分"
    assert time_left(datetime(2026, 12, 5, 12, 0, tzinfo=SHANGHAI), NOW) == "剩余 2天3小时"


def test_grade_colours():
    assert [grade_color(g) for g in Grade] == ["blue", "yellow", "orange", "red"]


def test_every_shape_names_its_kind_and_leaves_unset_optional_fields_out():
    kinds = {path.name.split(".")[0] for path in (ROOT / "templates" / "text").glob("*.j2") if not path.name.startswith("_")}
    assert set(SHAPES) == kinds  # every card kind the templates have, and no other, has its typed shape
    card = CaseCardData("舆情预警 YQ-2026-0001", "blue", [Fact("等级", "一般舆情")], "正文").card()
    assert card.kind == "case_card"
    assert card.data == {"title": "舆情预警 YQ-2026-0001", "color": "blue",
                         "facts": [{"label": "等级", "value": "一般舆情"}], "body": "正文", "status": ""}
