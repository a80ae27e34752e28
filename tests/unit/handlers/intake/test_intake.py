"""Intake as pure functions: a desk person forwards a link or text → a case and the desk's card; the
same story again → "已立案" with a sighting button; anyone else is refused politely."""

from bot.core import queues
from bot.core.presentation import Audience, CaseTraits, present
from bot.store.case_views import case_detail, list_cases
from tests.unit.handlers.intake.conftest import text_of

WEIBO = "https://weibo.com/1234567890/AbCdEf?utm_source=wechat&from=timeline"
WEIBO_AGAIN = "https://WEIBO.com/1234567890/AbCdEf?share_token=x1"


def cases(desk):
    with desk.database.session() as session:
        return list_cases(session)


def test_a_link_message_from_a_liaison_opens_a_case_with_its_title_source_and_card(desk):
    [reply] = desk.send("p-chen", "某超市销售过期食品，顾客投诉无门", kind="link", platform="wecom", url=WEIBO,
                        title="网友曝光某超市销售过期食品")
    [case] = cases(desk)
    assert case["number"] == "YQ-2026-0001" and case["title"] == "网友曝光某超市销售过期食品"
    assert case["source"] == "weibo" and case["link"] == WEIBO and case["grade"] == 1
    card = reply.card
    assert card.kind == "intake_card" and reply.to is None and reply.case_id == case["id"]
    assert "已立案 YQ-2026-0001" in card.data["title"] and "微博" in text_of(reply)
    actions = [b.action for b in card.buttons]
    assert actions[:3] == ["intake.grade"] * 3 and actions[-1] == "intake.units" and len(card.buttons) <= 6
    assert [b.label for b in card.buttons[:3]] == ["敏感", "重大", "特别重大"]
    # the likeliest unit, and 标记涉密 (issue 21) before 其他单位…: six buttons, WeCom's most
    assert actions[3:] == ["intake.assign", "intake.confidential", "intake.units"]
    assert desk.jobs == [{"queue": queues.PREVIEW, "job": queues.PREVIEW_LINK, "args": [case["id"]]}]


def test_a_text_with_a_link_takes_its_first_line_as_title(desk):
    desk.send("p-sun", f"@舆情助手 网传某县抽检造假\n{WEIBO}", kind="mention", chat_type="group")
    [case] = cases(desk)
    assert case["title"] == "网传某县抽检造假" and case["source"] == "weibo"


def test_a_bare_link_is_titled_by_the_link_until_the_preview(desk):
    desk.send("p-sun", f"https://mp.weixin.qq.com/s/abcdef")
    [case] = cases(desk)
    assert case["title"] == "https://mp.weixin.qq.com/s/abcdef" and case["source"] == "wechat"
    with desk.database.session() as session:
        assert case_detail(session, case["number"])["intake"]["title_from"] == "link"


def test_a_plain_text_opens_a_case_with_the_open_word(desk):
    [reply] = desk.send("p-li", "立案 某品牌奶粉被指添加违禁成分")
    [case] = cases(desk)
    assert case["title"] == "某品牌奶粉被指添加违禁成分" and case["link"] is None and case["source"] == "other"
    assert desk.jobs == []
    [usage] = desk.send("p-li", "立案")
    assert "标题" in usage.card.data["text"] and len(cases(desk)) == 1


def test_the_same_story_again_points_to_the_open_case_with_a_sighting_button(desk):
    desk.send("p-sun", WEIBO)
    [reply] = desk.send("p-chen", f"又看到了 {WEIBO_AGAIN}", platform="wecom")
    assert len(cases(desk)) == 1
    assert "已立案 YQ-2026-0001" in reply.card.data["title"] and "同一舆情" in reply.card.data["body"]
    [button] = reply.card.buttons
    assert button.action == "intake.sighting" and button.params["link"] == WEIBO_AGAIN
    [done] = desk.send("p-chen", kind="click", platform="wecom", action=button.action, params=button.params)
    assert done.update and "已由陈干事记为再次发现" in done.card.data["status"] and not done.card.buttons
    with desk.database.session() as session:
        detail = case_detail(session, "YQ-2026-0001")
    assert [s["link"] for s in detail["sightings"]] == [WEIBO_AGAIN]
    assert [e["action"] for e in detail["timeline"]] == ["case.open", "case.sighting"]


def test_a_different_story_opens_a_case_of_its_own(desk):
    desk.send("p-sun", WEIBO)
    [card] = desk.send("p-sun", "https://www.douyin.com/video/7300000000000000001")
    assert len(cases(desk)) == 2 and card.card.data["title"] == "已立案 YQ-2026-0002"
    assert cases(desk)[0]["source"] == "douyin"


def test_someone_not_on_a_desk_is_refused_politely_and_nothing_opens(desk):
    [reply] = desk.send("p-zhou", WEIBO, platform="wecom")
    assert reply.card.kind == "notice" and "只有舆情工作台" in reply.card.data["text"]
    assert cases(desk) == []


def test_a_county_desk_opens_its_own_case(desk):
    desk.send("p-qi", "立案 甲县某餐馆食物中毒传闻")
    [case] = cases(desk)
    assert case["owner_unit"] == "u-county-a"


def _a_drill_running(desk):
    """A drill case open at ×60 (as ``start_drill`` opens one: ``open_case(drill=True, drill_scale=60)``)."""
    from bot.domain.case.commands import open_case
    from bot.domain.clock.policy_file import default_policy
    from bot.domain.clock.workdays import WorkCalendar
    from bot.domain.context import Rules
    from bot.domain.records import Actor
    from bot.store.case_repo import SqlCaseStore
    from bot.store.org_repo import read_organisation

    with desk.database.session() as session:
        rules = Rules(read_organisation(session), default_policy(), WorkCalendar())
    return open_case(SqlCaseStore(desk.database), rules, Actor("p-sun", "cli"), desk.now, title="演练：某商场电梯故障",
                     drill=True, drill_scale=60).case


def test_while_a_drill_runs_a_forwarded_link_and_a_transfer_open_real_cases(desk):
    drill = _a_drill_running(desk)
    [reply] = desk.send("p-chen", "某超市销售过期食品", kind="link", platform="wecom", url=WEIBO, title="网友曝光某超市")
    for text in ("转办", "省局", "2026第7号", "无", "某景区门票价格欺诈投诉"):
        [transfer] = desk.send("p-sun", text)
    assert {c["number"]: c["drill"] for c in cases(desk)} == {drill.number: True, "YQ-2026-0002": False,
                                                              "YQ-2026-0003": False}
    assert (drill.drill, drill.drill_scale) == (True, 60)
    for card in (reply.card, transfer.card):  # the real cases' cards are never marked
        assert not present(card, Audience.GROUP, CaseTraits(drill=False)).data["title"].startswith("【演练】")


def test_another_link_of_the_story_is_added_by_hand_and_then_recognised(desk):
    desk.send("p-sun", WEIBO)
    video = "https://www.douyin.com/video/7300000000000000001?previous_page=app_code_link"
    [said] = desk.send("p-sun", f"补充 YQ-2026-0001 {video}")
    assert "已将 1 个链接记为 YQ-2026-0001 的再次发现" in said.card.data["text"]
    [dup] = desk.send("p-li", "https://www.douyin.com/video/7300000000000000001")
    assert dup.card.buttons[0].action == "intake.sighting" and len(cases(desk)) == 1
    [usage] = desk.send("p-sun", "补充 YQ-2026-0001")
    assert "请这样补充" in usage.card.data["text"]


def test_a_command_or_another_dialogs_start_holding_a_link_is_not_a_new_case(desk):
    desk.send("p-sun", WEIBO)
    replies = desk.send("p-sun", "案件 YQ-2026-0001 https://weibo.com/2/XyZ")
    assert replies[0].card.kind == "intake_card" and "状态：已立案" in text_of(replies[0])
    desk.send("p-sun", "报告 YQ-2026-0001 初报 https://weibo.com/3/Q")
    assert len(cases(desk)) == 1
