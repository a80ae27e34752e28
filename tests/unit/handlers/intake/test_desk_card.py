"""The desk's card: grade buttons, unit buttons, the unit-name dialog (fuzzy names, several units), and
typed 分派; each command's hook replies come along."""

from handlers import leaders, warning
from bot.store.case_views import case_detail
from tests.unit.handlers.intake.conftest import state_of, text_of


def opened(desk):
    [reply] = desk.send("p-sun", "立案 某食品厂生产过期食品被曝光")
    return reply.card


def detail(desk, number="YQ-2026-0001"):
    with desk.database.session() as session:
        return case_detail(session, number)


def click(desk, button, person="p-sun"):
    return desk.send(person, kind="click", action=button.action, params=button.params)


def test_a_grade_button_sets_the_grade_updates_the_card_and_brings_the_hook_replies(desk, monkeypatch):
    told = []
    monkeypatch.setattr(leaders, "after_grade", lambda outcome, ctx: told.append(outcome.case.grade) or [])
    card = opened(desk)
    major = next(b for b in card.buttons if b.label == "重大")
    [reply] = click(desk, major)
    assert reply.update and "孙科长已定为重大舆情" in reply.card.data["status"]
    assert "等级：重大舆情" in text_of(reply) and "重大" not in [b.label for b in reply.card.buttons]
    assert detail(desk)["grade"] == 3 and told == [3]
    [again] = click(desk, major)
    assert "已是重大舆情" in again.card.data["text"]


def test_a_unit_button_assigns_the_unit_and_returns_the_warning_hook(desk, monkeypatch):
    monkeypatch.setattr(warning, "after_assign", lambda outcome, ctx: [f"warn {outcome.assignment.unit_id}"])
    card = opened(desk)
    unit_button = next(b for b in card.buttons if b.action == "intake.assign")
    replies = click(desk, unit_button)
    assert replies[0].update and f"已分派{unit_button.label}" in replies[0].card.data["status"]
    assert replies[1:] == [f"warn {unit_button.params['unit']}"]
    assert [a["unit"] for a in detail(desk)["assignments"]] == [unit_button.params["unit"]]
    assert unit_button.params["unit"] not in [b.params.get("unit") for b in replies[0].card.buttons]


def test_other_units_walks_a_dialog_with_loose_names_until_done(desk, monkeypatch):
    monkeypatch.setattr(warning, "after_assign", lambda outcome, ctx: [])
    card = opened(desk)
    [prompt] = click(desk, card.buttons[-1])
    assert "单位名称" in prompt.card.data["text"] and state_of(desk, "p-sun").state == "names"
    [said] = desk.send("p-sun", "食品生产、广告监督")
    assert "已分派食品生产安全监督管理科" in said.card.data["text"] and "已分派广告监督管理科" in said.card.data["text"]
    [said] = desk.send("p-sun", "食品 火星局")
    assert "可能是" in said.card.data["text"] and "没有找到“火星局”" in said.card.data["text"]
    [said] = desk.send("p-sun", "食品生产安全监督管理科")
    assert "已在办理" in said.card.data["text"]
    [done] = desk.send("p-sun", "完成")
    assert done.card.kind == "intake_card" and state_of(desk, "p-sun") is None
    assert [a["unit"] for a in detail(desk)["assignments"]] == ["u-food", "u-ad"]


def test_typed_assign_with_names_assigns_at_once(desk, monkeypatch):
    monkeypatch.setattr(warning, "after_assign", lambda outcome, ctx: [])
    opened(desk)
    [said] = desk.send("p-li", "分派 yq-2026-0001 药品安全监督管理科")
    assert "已分派药品安全监督管理科" in said.card.data["text"] and state_of(desk, "p-li") is None
    [unknown] = desk.send("p-li", "分派 YQ-2026-0099 药品")
    assert "没有找到案件" in unknown.card.data["text"]


def test_cancel_leaves_the_unit_dialog(desk):
    card = opened(desk)
    click(desk, card.buttons[-1])
    [bye] = desk.send("p-sun", "取消")
    assert "已取消" in bye.card.data["text"] and state_of(desk, "p-sun") is None


def test_a_unit_person_cannot_grade_or_assign(desk):
    card = opened(desk)
    [refused] = desk.send("p-zhou", kind="click", platform="wecom", action="intake.grade",
                          params=card.buttons[0].params)
    assert "只有舆情工作台" in refused.card.data["text"] and detail(desk)["grade"] == 1


def test_a_drill_case_runs_its_units_clocks_on_the_scaled_policy(desk, monkeypatch):
    from datetime import datetime, timedelta

    from bot.domain.case.commands import open_case
    from bot.domain.clock.policy_file import default_policy
    from bot.domain.clock.workdays import WorkCalendar
    from bot.domain.context import Rules
    from bot.domain.records import Actor
    from bot.store.case_repo import SqlCaseStore
    from bot.store.org_repo import read_organisation

    monkeypatch.setattr(warning, "after_assign", lambda outcome, ctx: [])
    with desk.database.session() as session:
        rules = Rules(read_organisation(session), default_policy(), WorkCalendar())
    open_case(SqlCaseStore(desk.database), rules, Actor("p-sun", "cli"), desk.now, title="演练：某食品厂生产过期食品",
              drill=True, drill_scale=3600)  # as start_drill opens a drill
    desk.send("p-sun", "分派 YQ-2026-0001 食品经营安全监督管理科")  # the chat's command: the case's own scale
    [ack] = [d for d in detail(desk)["duties"] if d["kind"] == "acknowledge"]
    assert datetime.fromisoformat(ack["due_at"]) - desk.now <= timedelta(seconds=5)


def test_another_command_during_the_unit_dialog_is_that_command(desk):
    card = opened(desk)
    click(desk, card.buttons[-1])
    [duties] = desk.send("p-sun", "我的待办")
    assert duties.card.kind == "my_duties" and state_of(desk, "p-sun").state == "names"
    [transfer] = desk.send("p-sun", "转办")
    assert "转办来源" in transfer.card.data["text"] and state_of(desk, "p-sun").dialog == "transfer"
