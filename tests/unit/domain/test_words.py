"""One way to say a time, the time left and a grade's colour, wherever a card is built."""

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import ROOT
from bot.core.clock import SHANGHAI
from bot.domain.cards.shapes import SHAPES, CaseCardData, Fact
from bot.domain.grade import Grade
from bot.domain.words import deadline, grade_color, time_left, when

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)


def test_a_deadline_reads_today_tomorrow_or_its_date_in_shanghai():
    assert deadline(datetime(2026, 12, 3, 17, 38, tzinfo=SHANGHAI), NOW) == "今天 17:38"
    assert deadline(datetime(2026, 12, 4, 9, 0, tzinfo=SHANGHAI), NOW) == "明天 09:00"
    assert deadline(datetime(2026, 12, 2, 23, 5, tzinfo=SHANGHAI), NOW) == "昨天 23:05"
    assert deadline(datetime(2026, 12, 9, 17, 38, tzinfo=SHANGHAI), NOW) == "12月9日 17:38"
    assert deadline(datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI), NOW) == "2027年1月4日 09:00"
    # a moment reads the same way; UTC in, Shanghai out (16:30 UTC on the 3rd is 00:30 on the 4th)
    assert when(datetime(2026, 12, 3, 16, 30, tzinfo=ZoneInfo("UTC")), NOW) == "明天 00:30"


def test_time_left_and_overdue_in_minutes_not_points():
    assert time_left(datetime(2026, 12, 3, 10, 59, tzinfo=SHANGHAI), NOW) == "还剩1小时59分钟"
    assert time_left(datetime(2026, 12, 3, 11, 0, tzinfo=SHANGHAI), NOW) == "还剩2小时"
    assert time_left(datetime(2026, 12, 3, 8, 25, tzinfo=SHANGHAI), NOW) == "已超时35分钟"
    assert time_left(datetime(2026, 12, 5, 12, 0, tzinfo=SHANGHAI), NOW) == "还剩2天3小时"
    assert time_left(datetime(2026, 12, 3, 9, 0, 30, tzinfo=SHANGHAI), NOW) == "还剩不到1分钟"
    assert time_left(datetime(2026, 12, 3, 8, 59, 30, tzinfo=SHANGHAI), NOW) == "已超时不到1分钟"


def test_times_in_words_seen_from_another_day():
    NOW = datetime(2026, 11, 29, 10, 0, tzinfo=SHANGHAI)  # noqa: N806 (intake's clock, as these read there)
    assert when(datetime(2026, 11, 29, 17, 30, tzinfo=SHANGHAI), NOW) == "今天 17:30"
    assert when(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI), NOW) == "明天 09:00"
    assert when(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), NOW) == "12月3日 09:00"
    assert time_left(datetime(2026, 11, 29, 12, 15, tzinfo=SHANGHAI), NOW) == "还剩2小时15分钟"
    assert time_left(datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI), NOW) == "还剩2天2小时"
    assert time_left(datetime(2026, 11, 29, 9, 30, tzinfo=SHANGHAI), NOW) == "已超时30分钟"
    assert time_left(NOW, NOW) == "还剩不到1分钟"


def test_grade_colours():
    assert [grade_color(g) for g in Grade] == ["blue", "yellow", "orange", "red"]


def test_every_shape_names_its_kind_and_leaves_unset_optional_fields_out():
    kinds = {path.name.split(".")[0] for path in (ROOT / "templates" / "text").glob("*.j2") if not path.name.startswith("_")}
    assert set(SHAPES) == kinds  # every card kind the templates have, and no other, has its typed shape
    card = CaseCardData("舆情预警 YQ-2026-0001", "blue", [Fact("等级", "一般舆情")], "正文").card()
    assert card.kind == "case_card"
    assert card.data == {"title": "舆情预警 YQ-2026-0001", "color": "blue",
                         "facts": [{"label": "等级", "value": "一般舆情"}], "body": "正文", "status": ""}
