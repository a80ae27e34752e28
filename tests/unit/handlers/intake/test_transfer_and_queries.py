"""转办 as a dialog; 我的待办 and 案件 YQ-… as pure functions over the store."""

from datetime import datetime

from bot.core.clock import SHANGHAI
from bot.store.case_views import case_detail
from tests.unit.handlers.intake.conftest import state_of, text_of


def test_a_transfer_walks_source_slip_deadline_content_and_opens_with_the_slip_duty(desk):
    [ask] = desk.send("p-sun", "转办")
    assert "转办来源" in ask.card.data["text"]
    desk.send("p-sun", "省局")
    desk.send("p-sun", "2026第118号")
    [bad] = desk.send("p-sun", "下周吧")
    assert "没有看懂反馈期限" in bad.card.data["text"] and state_of(desk, "p-sun").state == "deadline"
    [past] = desk.send("p-sun", "2026-11-20")
    assert "已过" in past.card.data["text"]
    desk.send("p-sun", "12月3日 16:00")
    [card] = desk.send("p-sun", "某市场销售不合格电动车头盔\nhttps://www.thepaper.cn/newsDetail_forward_1")
    assert state_of(desk, "p-sun") is None and card.card.kind == "intake_card"
    assert "转办单：省局 2026第118号" in text_of(card) and "转办反馈期限：12月3日 16:00" in card.card.data["status"]
    with desk.database.session() as session:
        detail = case_detail(session, "YQ-2026-0001")
    assert detail["transfer_ref"] == "2026第118号" and detail["intake"]["transfer_source"] == "省局"
    assert detail["title"] == "某市场销售不合格电动车头盔" and detail["source"] == "news"
    [duty] = [d for d in detail["duties"] if d["kind"] == "transfer_feedback"]
    assert datetime.fromisoformat(duty["due_at"]) == datetime(2026, 12, 3, 16, 0, tzinfo=SHANGHAI)


def test_a_transfer_without_a_deadline_gets_the_policy_default(desk):
    for text in ("转办", "市委网信办", "无", "无", "网传某小区电梯多次困人"):
        replies = desk.send("p-li", text)
    with desk.database.session() as session:
        detail = case_detail(session, "YQ-2026-0001")
    assert detail["transfer_ref"] == "无编号" and any(d["kind"] == "transfer_feedback" for d in detail["duties"])
    assert replies[0].card.kind == "intake_card"


def test_only_a_desk_may_start_a_transfer(desk):
    [refused] = desk.send("p-zhou", "转办", platform="wecom")
    assert "只有舆情工作台" in refused.card.data["text"] and state_of(desk, "p-zhou") is None


def test_my_duties_lists_open_duties_with_time_left_in_shanghai_words(desk, monkeypatch):
    from handlers import warning

    monkeypatch.setattr(warning, "after_assign", lambda outcome, ctx: [])
    desk.send("p-sun", "立案 某食品厂生产过期食品被曝光")
    desk.send("p-sun", "分派 YQ-2026-0001 食品生产安全监督管理科")
    [mine] = desk.send("p-zhou", "我的待办", platform="wecom")
    assert mine.card.kind == "my_duties" and mine.card.data["name"] == "周科长"
    lines = [d["line"] for d in mine.card.data["duties"]]
    assert lines[0].startswith("签收预警：今天 16:00 截止，还剩6小时")  # one unit: named once, in the heading
    assert mine.card.data["unit"] == "食品生产安全监督管理科"
    assert all(d["case"] == "YQ-2026-0001" for d in mine.card.data["duties"])
    [none] = desk.send("p-jiang", "我的待办", platform="wecom")
    assert none.card.data["duties"] == []


def test_the_status_card_shows_state_units_and_duties(desk, monkeypatch):
    from handlers import warning

    monkeypatch.setattr(warning, "after_assign", lambda outcome, ctx: [])
    desk.send("p-sun", "立案 某食品厂生产过期食品被曝光")
    desk.send("p-sun", "分派 YQ-2026-0001 食品生产")
    [status] = desk.send("p-zhou", "案件 yq-2026-0001", platform="wecom")
    shown = text_of(status)
    assert status.card.kind == "intake_card" and not status.card.buttons
    assert "状态：已立案" in shown and "食品生产安全监督管理科：待签收" in shown and "待办 签收预警" in shown
    [unknown] = desk.send("p-sun", "案件 YQ-2026-0042")
    assert "没有找到案件" in unknown.card.data["text"]
    [usage] = desk.send("p-sun", "案件")
    assert "YQ-2026-0001" in usage.card.data["text"]


def test_someone_without_a_role_on_the_case_may_not_see_it(desk):
    desk.send("p-sun", "立案 某食品厂生产过期食品被曝光")
    [refused] = desk.send("p-jiang", "案件 YQ-2026-0001", platform="wecom")
    assert "没有" in refused.card.data["text"] and "权限" in refused.card.data["text"]
