"""A county's case at the city desk, as people meet it (issue 22), as pure handlers on a real case store
(``unit_side.World``): a county desk grades its case 重大 and names a city unit to tell in the grading dialog's
report-up step; the city desk gets the ``county_case`` card in its groups (and the named unit too), nothing when the
grade is lowered; the city desk follows (关注), stops (取消关注, typed or on the card), lists (县局舆情) and takes a
case over (接管, with a reason or asked for one); refusals come from the domain, as every refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.card import Target
from bot.core.card_copies import CardCopy
from bot.domain.case.commands import open_case
from bot.domain.context import Outcome
from bot.domain.grade import Grade
from bot.domain.records import Actor
from handlers.case_lookup import case_view_of
from handlers.county_report_up import report_up_replies
from handlers.registry import Context
from tests.unit.handlers.unit_side import World, texts

TITLE = "某县超市销售过期食品"
REASON = "涉及多人就医，话题热度上升"
DESK_GROUPS = [Target("group", "u-desk", "wecom"), Target("group", "u-desk", "dingtalk")]
COUNTY_DESK = "p-xie"  # 甲县市场监督管理局's liaison
CITY_DESK = "p-li"


class Copies:
    """What the worker's outbox holds of a case's county_case cards (``rows``)."""

    def __init__(self) -> None:
        self.rows: list[CardCopy] = []

    def of_case(self, case_id, kind="case_card", assignment_id=None):
        return [r for r in self.rows if r.card.get("kind") == kind]

    def in_groups(self, case_id):
        return []


class City(World):
    """The world whose handlers see the county_case cards sent before (``copies``)."""

    def __init__(self, database) -> None:
        super().__init__(database)
        self.copies = Copies()

    def ctx(self, person_id: str) -> Context:
        ctx = super().ctx(person_id)
        return Context(org=ctx.org, person=ctx.person, now=ctx.now, store=ctx.store, rules=ctx.rules,
                       extra=ctx.extra, capabilities=ctx.capabilities, card_copies=self.copies)

    def county_case(self, grade: Grade = Grade.GENERAL, confidential: bool = False):
        """A case 甲县市场监督管理局 opened itself."""
        return open_case(self.store, self.rules, Actor(COUNTY_DESK, "dingtalk"), self.now, title=TITLE, grade=grade,
                         source="微博", link="https://weibo.com/1/xyz", confidential=confidential)

    def timeline(self, case_id: int):
        return self.store.run(lambda repo: repo.timeline(case_id))

    def case(self, case_id: int):
        return case_view_of(self.ctx(CITY_DESK), case_id).case

    def follows(self, case_id: int):
        return [f for f in self.store.run(lambda repo: repo.follows(case_id)) if f.active]

    def reported(self, case_id: int):
        """What the report up of the case's last entry (a grading) sends."""
        return report_up_replies(Outcome(self.case(case_id), self.timeline(case_id)[-1]), self.ctx(COUNTY_DESK))


@pytest.fixture
def world(sqlite_database):
    return City(sqlite_database)


def cards(replies, kind="county_case"):
    return [r for r in replies if r.card.kind == kind]


def text_of(replies) -> str:
    return "\n".join(t for t in texts(replies) if t)


# --- report up ------------------------------------------------------------------------------------------------

def test_a_county_case_opened_at_major_reaches_the_city_desks_groups_at_once(world):
    outcome = world.county_case(Grade.MAJOR)
    replies = report_up_replies(outcome, world.ctx(COUNTY_DESK))
    assert [r.to for r in replies] == DESK_GROUPS and all(r.case_id == outcome.case.id for r in replies)
    card = replies[0].card
    number = outcome.case.number
    assert card.data["title"] == f"县局上报：甲县市场监督管理局 {number} 重大"
    assert card.data["mode"] == "report_up" and card.data["unit"] == "u-desk"
    facts = {f["label"]: f["value"] for f in card.data["facts"]}
    assert facts == {"县局": "甲县市场监督管理局", "等级": "重大舆情", "定级人": "谢干事", "定级时间": "今天 10:00"}
    assert card.data["body"] == f"{TITLE}\n研判依据：立案定级" and card.data["link"] == "https://weibo.com/1/xyz"
    assert [(b.label, b.action, b.params) for b in card.buttons] == [("接管", "county.take_over", {"case": number}),
                                                                    ("取消关注", "county.unfollow", {"case": number})]


def test_a_county_case_opened_below_major_and_a_city_case_report_nothing(world):
    assert report_up_replies(world.county_case(Grade.SENSITIVE), world.ctx(COUNTY_DESK)) == []
    assert report_up_replies(world.open(Grade.MAJOR), world.ctx(CITY_DESK)) == []


def test_the_county_raises_to_major_names_a_city_unit_and_both_get_the_card(world):
    case = world.county_case().case
    asked = world.act(COUNTY_DESK, text=f"定级 {case.number} 重大 {REASON}")
    assert texts(asked) == ["上报市局：已同时报告市局舆情工作台。是否还需告知市局相关科室？请回复科室名称（如 食品生产安全监督管理科），"
                            "不需要请回复“无”（直接回复即可；发送“取消”放弃定级）。"]
    assert world.case(case.id).grade == Grade.GENERAL, "nothing set before the step is answered"
    done = world.act(COUNTY_DESK, text="食品生产安全监督管理科")
    assert texts(done)[0] == f"{case.number} 已由一般舆情调整为重大舆情。已报告市局舆情工作台，并告知食品生产安全监督管理科。"
    entry = world.timeline(case.id)[-1]
    assert entry.action == "case.grade" and entry.payload["report_up"] and entry.payload["tell_unit"] == "u-food"
    replies = world.reported(case.id)
    assert [r.to for r in replies] == [*DESK_GROUPS, Target("group", "u-food", "wecom")]
    told = replies[-1].card
    assert told.data["unit"] == "u-food" and told.buttons == () and "hint" not in told.data
    assert {f["label"]: f["value"] for f in told.data["facts"]}["定级人"] == "谢干事"
    assert told.data["body"] == f"{TITLE}\n研判依据：{REASON}"
    assert [f.unit_id for f in world.follows(case.id)] == ["u-desk"], "the city desk follows what was reported up"


def test_grading_in_the_dialog_sends_the_report_up_with_its_answer(world):
    case = world.county_case().case
    world.act(COUNTY_DESK, text=f"定级 {case.number} 重大 {REASON}")
    done = world.act(COUNTY_DESK, text="食品生产安全监督管理科")
    assert [r.to for r in cards(done)] == [*DESK_GROUPS, Target("group", "u-food", "wecom")]
    lowered = world.act(COUNTY_DESK, text=f"定级 {case.number} 敏感 热度已下降")
    assert cards(lowered) == []


def test_the_report_up_step_reads_names_loosely_and_asks_again(world):
    case = world.county_case().case
    world.act(COUNTY_DESK, text=f"定级 {case.number} 特别重大 {REASON}")
    [again] = texts(world.act(COUNTY_DESK, text="食品"))
    assert again.startswith("“食品”可能是：") and "食品生产安全监督管理科" in again and "食品经营安全监督管理科" in again
    [again] = texts(world.act(COUNTY_DESK, text="宇宙科"))
    assert again.startswith("没有找到“宇宙科”。可告知的科室和单位：") and "投诉举报中心" in again
    assert "甲县市场监督管理局" not in again and "综合应急和新闻宣传科" not in again, "no county, not the desk"
    done = world.act(COUNTY_DESK, text="投诉举报")
    assert "并告知投诉举报中心" in texts(done)[0]
    assert world.timeline(case.id)[-1].payload["tell_unit"] == "u-complaints"


def test_nothing_more_to_tell_reports_to_the_city_desk_alone(world):
    case = world.county_case().case
    world.act(COUNTY_DESK, text=f"定级 {case.number} 重大")
    world.act(COUNTY_DESK, text=REASON)  # the reason asked for, then the report-up step
    done = world.act(COUNTY_DESK, text="无")
    assert texts(done)[0] == f"{case.number} 已由一般舆情调整为重大舆情。已报告市局舆情工作台。"
    entry = world.timeline(case.id)[-1]
    assert entry.payload["report_up"] and entry.payload["tell_unit"] is None


def test_cancel_in_the_report_up_step_leaves_the_grade(world):
    case = world.county_case().case
    world.act(COUNTY_DESK, text=f"定级 {case.number} 重大 {REASON}")
    world.act(COUNTY_DESK, text="取消")
    assert world.case(case.id).grade == Grade.GENERAL


def test_lowering_a_county_case_asks_nothing_more_and_reports_nothing(world):
    case = world.county_case(Grade.MAJOR).case
    done = world.act(COUNTY_DESK, text=f"定级 {case.number} 敏感 热度已下降")
    assert texts(done)[0] == f"{case.number} 已由重大舆情调整为敏感舆情。"
    entry = world.timeline(case.id)[-1]
    assert entry.payload["report_up"] is False
    assert world.reported(case.id) == []


def test_a_city_case_raised_to_major_has_no_report_up_step(world):
    case = world.open().case
    done = world.act(CITY_DESK, text=f"定级 {case.number} 重大 {REASON}")
    assert texts(done)[0] == f"{case.number} 已由一般舆情调整为重大舆情。"


# --- 关注 / 取消关注 ---------------------------------------------------------------------------------------------

def test_the_city_desk_follows_a_county_case_and_its_groups_get_the_card(world):
    case = world.county_case(Grade.SENSITIVE).case
    replies = world.act(CITY_DESK, text=f"关注 {case.number}")
    assert texts(replies)[0] == (f"已关注 {case.number}（甲县市场监督管理局）。此后该案件的进展会同步到综合应急和新闻宣传科群；"
                                 f"发送“取消关注 {case.number}”停止关注。")
    assert replies[0].to is None
    followed = cards(replies)
    assert [r.to for r in followed] == DESK_GROUPS
    assert followed[0].card.data["title"] == f"关注县局舆情 {case.number}" and followed[0].card.data["mode"] == "follow"
    assert [f.how for f in world.follows(case.id)] == ["follow"]
    again = world.act(CITY_DESK, text=f"关注 {case.number}")
    assert texts(again) == [f"已在关注 {case.number}，其后续进展会同步给市局舆情工作台。"]


def test_following_is_the_city_desks_and_only_for_a_county_case(world):
    county = world.county_case().case
    refused = texts(world.act(COUNTY_DESK, text=f"关注 {county.number}"))[0]
    assert "关注" in refused and not world.follows(county.id)
    city = world.open().case
    assert texts(world.act(CITY_DESK, text=f"关注 {city.number}")) == [f"{city.number} 不是县局办理的案件，无需关注或接管。"]
    assert texts(world.act(CITY_DESK, text="关注")) == ["请在“关注”后写上案件编号，例如：关注 YQ-2026-0001"]


def test_unfollow_typed_and_on_the_card(world):
    case = world.county_case().case
    world.act(CITY_DESK, text=f"关注 {case.number}")
    replies = world.act(CITY_DESK, text=f"取消关注 {case.number}")
    assert texts(replies) == [f"已取消关注 {case.number}，其后续进展不再同步。需要时可再发送“关注 {case.number}”。"]
    assert world.follows(case.id) == []
    assert texts(world.act(CITY_DESK, text=f"取消关注 {case.number}")) == [f"未关注 {case.number}。"]
    followed = cards(world.act(CITY_DESK, text=f"关注 {case.number}"))
    world.copies.rows = [
        CardCopy(21, "dingtalk", "group", {"group": {}}, followed[1].card.to_dict(), {"card_id": "c21"}, True,
                 world.now - timedelta(minutes=5)),
        CardCopy(22, "wecom", "group", {"group": {}}, followed[0].card.to_dict(), None, True, world.now),
    ]
    replies = world.act(CITY_DESK, action="county.unfollow", params={"case": case.number}, chat_type="group",
                        card_id="c21")
    [settled] = [r for r in replies if r.update]
    assert settled.to == Target("card", "21", "dingtalk"), "the WeCom group's robot notice cannot change"
    assert settled.card.buttons == () and settled.card.data["status"] == "李干事已取消关注"
    assert world.follows(case.id) == []


# --- 县局舆情 ------------------------------------------------------------------------------------------------------

def test_the_list_says_when_there_is_nothing_and_lists_followed_and_taken_over_cases(world):
    assert texts(world.act(CITY_DESK, text="县局舆情"))[0].startswith("目前没有关注中或已接管的县局舆情。")
    followed = world.county_case(Grade.MAJOR).case  # reported up: followed at once
    taken = world.county_case().case
    world.act(CITY_DESK, text=f"接管 {taken.number} 县局处置不力")
    secret = world.county_case(Grade.MAJOR, confidential=True).case
    [listing] = texts(world.act(CITY_DESK, text="县局舆情"))
    lines = listing.splitlines()
    assert lines[0] == "县局舆情（3件）："
    assert lines[1] == f"· {secret.number} 甲县市场监督管理局 重大舆情 已立案 关注中 涉密舆情（重大）"
    assert lines[2] == f"· {taken.number} 甲县市场监督管理局 一般舆情 已立案 已接管 {TITLE}"
    assert lines[3] == f"· {followed.number} 甲县市场监督管理局 重大舆情 已立案 关注中 {TITLE}"
    assert "取消关注 编号" in lines[4]


def test_only_the_city_desk_lists_county_cases(world):
    assert texts(world.act(COUNTY_DESK, text="县局舆情")) == ["只有市局舆情工作台可以查看县局舆情。"]


# --- 接管 ------------------------------------------------------------------------------------------------------

def test_the_city_desk_takes_over_with_a_reason_and_everyone_concerned_is_told(world):
    case = world.county_case(Grade.MAJOR).case
    replies = world.act(CITY_DESK, text=f"接管 {case.number} 县局处置不力")
    after = world.case(case.id)
    assert after.county is None and after.taken_from == "u-county-a" and after.owner_unit == "u-desk"
    entry = world.timeline(case.id)[-1]
    assert entry.action == "case.take_over" and entry.payload["reason"] == "县局处置不力"
    assert replies[0].to is None and texts(replies)[0] == (
        f"已接管 {case.number}（甲县市场监督管理局，理由：县局处置不力）。此后由市局舆情工作台和市局领导办理，"
        "甲县市场监督管理局作为承办单位继续签收、报送。")
    [card] = cards(replies, "intake_card")
    assert card.to is None and "李干事已接管" in card.card.data["status"]
    desk = [r for r in replies if r.to in DESK_GROUPS]
    assert len(desk) == 2 and "已由李干事接管（理由：县局处置不力）" in desk[0].card.data["text"]
    [county] = [r for r in replies if r.to == Target("group", "u-county-a", "dingtalk")]
    assert county.card.data["text"] == (f"市局已接管 {case.number}，此后由市局舆情工作台和市局领导办理；"
                                        "本局作为承办单位继续签收、报送。")
    assert world.follows(case.id) == [], "the city desk is its desk now"


def test_take_over_without_a_reason_asks_for_it_and_cancel_leaves_it(world):
    case = world.county_case().case
    [ask] = texts(world.act(CITY_DESK, text=f"接管 {case.number}"))
    assert ask.startswith(f"请说明接管 {case.number}（甲县市场监督管理局）的理由")
    world.act(CITY_DESK, text="取消")
    assert world.case(case.id).county == "u-county-a"
    [ask] = texts(world.act(CITY_DESK, action="county.take_over", params={"case": case.number}))
    assert ask.startswith(f"请说明接管 {case.number}")
    done = world.act(CITY_DESK, text="舆情持续发酵，市局统一处置")
    assert texts(done)[0].startswith(f"已接管 {case.number}")
    assert world.case(case.id).taken_from == "u-county-a"


def test_take_over_settles_the_cards_copies_that_can_change(world):
    case = world.county_case(Grade.MAJOR).case
    sent = world.reported(case.id)
    world.copies.rows = [CardCopy(31, "dingtalk", "group", {"group": {}}, sent[1].card.to_dict(), {"card_id": "c31"},
                                  True, world.now)]
    replies = world.act(CITY_DESK, text=f"接管 {case.number} 县局处置不力")
    [settled] = [r for r in replies if r.update]
    assert settled.to == Target("card", "31", "dingtalk") and settled.card.buttons == ()
    assert settled.card.data["status"] == "已由李干事接管"


def test_take_over_is_refused_to_others_and_on_a_city_case(world):
    case = world.county_case().case
    refused = texts(world.act(COUNTY_DESK, text=f"接管 {case.number} 理由"))[0]
    assert "接管" in refused and world.case(case.id).county == "u-county-a"
    city = world.open().case
    assert texts(world.act(CITY_DESK, text=f"接管 {city.number} 理由")) == [f"{city.number} 不是县局办理的案件，无需接管。"]
    world.act(CITY_DESK, text=f"接管 {case.number} 县局处置不力")
    assert texts(world.act(CITY_DESK, text=f"接管 {case.number} 再次")) == [
        f"{case.number} 不是县局办理的案件（已由市局接管），无需接管。"]
    assert texts(world.act(CITY_DESK, text="接管")) == ["请这样接管县局案件：接管 YQ-2026-0001 理由"]


def test_a_county_case_opened_at_major_outside_a_chat_is_reported_up_by_its_opening(world):
    from handlers.county_report_up import opening_report_up

    major = world.county_case(Grade.MAJOR).case
    assert [r.to for r in opening_report_up(world.ctx(COUNTY_DESK), major.id)] == DESK_GROUPS
    assert opening_report_up(world.ctx(COUNTY_DESK), world.county_case().case.id) == []


# --- 帮助 and 我的待办 ----------------------------------------------------------------------------------------------

def test_the_city_desks_help_names_the_county_words_and_a_county_desks_does_not(world):
    from handlers.help import topic_help

    def shown(pid):
        [reply] = world.act(pid, text="帮助")
        return "\n".join(c["text"] for c in reply.card.data["commands"])

    for word in ("关注", "接管", "转县局", "县局舆情"):
        assert word in shown(CITY_DESK).split(), word
        assert word not in shown(COUNTY_DESK).split(), word
        use = topic_help("李干事", word).commands[0]
        assert use.text.startswith(word), word
    # 取消关注 is explained with 关注 (the desk's help card is at DingTalk's 1 KB)
    assert [c.text for c in topic_help("李干事", "关注").commands][1].startswith("取消关注")


def test_the_city_desks_duties_stay_what_it_answers_for(world):
    case = world.county_case(Grade.MAJOR).case  # reported up, followed: its duties are the county's
    world.act(CITY_DESK, text="县局舆情")
    [reply] = world.act(CITY_DESK, text="我的待办")
    assert case.number not in str(reply.card.data)
    [county] = world.act(COUNTY_DESK, text="我的待办")
    assert case.number in str(county.card.data)
