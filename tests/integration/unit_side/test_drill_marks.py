"""A drill looks like a drill to everyone it reaches, and a real case never does — through the real signed
callbacks, a real worker and the emulators' records. A drill is one case, marked when it opens (issue 23:
``open_case(drill=True, drill_scale=…)``, as ``start_drill`` opens it; scale 1 here, so no clock fires during the
test), its desk card sent by the worker; a real case is what 孙科长 forwards in the desk's DingTalk group while a
drill runs. Then 李干事 grades it 重大 on the card and assigns 食品经营安全监督管理科 (DingTalk) and 药品安全监督管理科
(WeCom) in one message; 沈干事 (WeCom) returns his unit's part with a reason and 卫干事 (DingTalk) acknowledges in
his group.

On the drill, the heading of every one of these starts with 【演练】: the desk's intake card; the warning in both
units' groups and 1:1; the 舆情通报 to the leaders on WeCom (赵局长, 钱副局长) and DingTalk (吴副局长, 郑副局长);
the desk's 退回 card on WeCom (陈干事) and DingTalk (孙科长); the 签收 notice to the unit's head (褚科长).
The real case, opened by chat while the drill runs, shows the mark nowhere."""

from __future__ import annotations

from functools import partial

import pytest
import redis
from rq import Queue
from rq.serializers import JSONSerializer

from bot.core import queues
from bot.core.clock import utcnow
from bot.domain.case.commands import open_case
from bot.domain.context import load_rules
from bot.domain.records import Actor, Intake
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import read_organisation
from tests.integration import stack as stack_module
from tests.integration.unit_flow import Opened, case_no, opened, timeline_actions

wait_for = partial(stack_module.wait_for, timeout=40)
MARK = "【演练】"
DESK_GROUP, SUN, LI = "cidDesk0001==", "0523", "0524"
FOODSALE, WEI, CHU = "cidFoodSale01==", "0602", "0601"
DRUG_GROUP = "药品安全监督管理科"
LINK = "https://www.douyin.com/video/7300000000000000099"
STORY = "网传某超市销售过期食品致多人不适"


@pytest.fixture(params=[True, False], ids=["drill", "real"])
def story(request, redis_url, tmp_path):
    """A stack, and whether the story is a drill (opened as one) or a real case (forwarded while a drill runs)."""
    from tests.integration.stack import Stack

    running = Stack(redis_url, tmp_path)
    yield running, request.param
    running.stop()


def open_drill(stack, title: str, link: str | None = None, announce: bool = True) -> Opened:
    """Open a drill case as the desk head (孙科长) at scale 1 and, with ``announce``, have the worker send the
    desk's card (the intake job that announces a case opened outside the chat)."""
    with stack.database.session() as session:
        org = read_organisation(session)
    rules = load_rules(org, stack.env.get("POLICY_FILE"), stack.env.get("HOLIDAY_FILE"))
    case = open_case(SqlCaseStore(stack.database), rules, Actor("p-sun", "dingtalk"), utcnow(), title=title,
                     source="douyin" if link else "other", link=link, drill=True, drill_scale=1,
                     intake=Intake("drill")).case
    if announce:
        Queue(queues.PREVIEW, connection=redis.Redis.from_url(stack.settings.redis_url),
              serializer=JSONSerializer).enqueue(queues.ANNOUNCE_CASE, case.id, result_ttl=60)
    return Opened(case.number, case.id)


def dt_cards(dt, *, group=None, user=None):
    messages = dt.messages_for_group(group) if group else dt.messages_for_user(user)
    return [m for m in messages if m.channel == "card"]


def dt_titled(dt, user: str, words: str) -> list[str]:
    """The titles of the DingTalk cards ``user`` got whose title holds ``words``."""
    titles = [dt.card_view(m.out_track_id, user)["title"] for m in dt_cards(dt, user=user)]
    return [t for t in titles if words in t]


def dt_markdowns(dt, user: str, words: str) -> list[str]:
    """The DingTalk markdown messages (title and text) ``user`` got that hold ``words``."""
    texts = [f'{m.content.get("title", "")}\n{m.content.get("text", "")}' for m in dt.messages_for_user(user)
             if m.channel != "card"]
    return [t for t in texts if words in t]


def wecom_texts(wecom, user: str, words: str) -> list[str]:
    """Everything ``user`` got on WeCom (cards and texts, as stored) that holds ``words``."""
    return [str(m["content"]) for m in wecom.messages_for_user(user) if words in str(m["content"])]


def marked(texts: list[str], heading: str, drill: bool) -> bool:
    """Whether every text shows ``heading`` marked on a drill, and none shows the mark on a real case."""
    if drill:
        return bool(texts) and all(MARK + heading in t or f"{MARK}【{heading}" in t for t in texts)
    return bool(texts) and all(MARK not in t for t in texts)


def test_a_drill_is_marked_on_every_card_it_sends_and_a_real_case_on_none(story):
    stack, drill = story
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    if drill:
        case = open_drill(stack, f"演练：{STORY}", LINK)
    else:
        background = open_drill(stack, "演练：某商场电梯困人", announce=False)  # a drill runs meanwhile
        dt.say_in_group(SUN, DESK_GROUP, f"{STORY} {LINK}")
        case = wait_for(lambda: opened(stack, case_no(2)), what="the case\n" + stack.worker_log())
        assert background.number == case_no(1)
    intake = wait_for(lambda: dt_cards(dt, group=DESK_GROUP), what="intake's card\n" + stack.worker_log())[0]
    number = case.number
    assert marked([dt.card_view(intake.out_track_id, LI)["title"]], f"已立案 {number}", drill)

    major = next(b for b in dt.card_view(intake.out_track_id, LI)["buttons"] if b["text"].startswith("重大"))
    dt.click(LI, intake.out_track_id, major["action_id"])
    wait_for(lambda: "case.grade" in timeline_actions(stack, case.case_id), what="the grade\n" + stack.worker_log())
    dt.say_in_group(LI, DESK_GROUP, f"分派 {number} 食品经营安全监督管理科 药品安全监督管理科")

    warning = f"舆情预警 {number}"
    group_card = wait_for(lambda: dt_cards(dt, group=FOODSALE), what="the warning in the DingTalk group\n"
                          + stack.worker_log())[0]
    assert marked([dt.card_view(group_card.out_track_id, WEI)["title"]], warning, drill)
    assert marked(wait_for(lambda: dt_titled(dt, WEI, warning), what="卫干事's warning"), warning, drill)
    drug_group = wait_for(lambda: [str(m["content"]) for m in wecom.messages_for_group(DRUG_GROUP)
                                   if warning in str(m["content"])], what="the warning in the WeCom group")
    assert marked(drug_group, warning, drill)
    shen = wait_for(lambda: [c for c in wecom.cards_for_user("shengs") if warning in c["card"]["main_title"]["title"]],
                    what="沈干事's warning card")[0]
    assert marked([shen["card"]["main_title"]["title"]], warning, drill)

    bulletin = f"舆情通报 {number}"
    for leader in ("zhaojz", "qianfjz"):
        assert marked(wait_for(lambda: wecom_texts(wecom, leader, bulletin), what=f"{leader}'s bulletin"),
                      bulletin, drill), leader
    for leader in ("0412", "0413"):  # the units' leaders in charge, on DingTalk
        seen = wait_for(lambda: dt_titled(dt, leader, bulletin) + dt_markdowns(dt, leader, bulletin),
                        what=f"{leader}'s bulletin\n" + stack.worker_log())
        assert marked(seen, bulletin, drill), leader

    wecom.act_as("shengs").click(shen["task_id"], next(k for k in shen["clickable"] if k.startswith("case.reject")))
    wait_for(lambda: wecom_texts(wecom, "shengs", "请说明"), what="the reason asked")
    wecom.act_as("shengs").send_text("药品科不负责食品经营环节")
    desk = wait_for(lambda: [c["card"]["main_title"]["title"] for c in wecom.cards_for_user("chengs")
                             if "退回待改派" in c["card"]["main_title"]["title"]],
                    what="the desk's 退回 card on WeCom\n" + stack.worker_log())
    assert marked(desk, "退回待改派", drill) and all(number in t for t in desk)
    assert marked(wait_for(lambda: dt_titled(dt, SUN, "退回待改派"), what="the 退回 card on DingTalk"),
                  "退回待改派", drill)

    dt.click(WEI, group_card.out_track_id, "case.ack")
    told = wait_for(lambda: dt_markdowns(dt, CHU, "卫干事已于"), what="the head told of the 签收\n" + stack.worker_log())
    assert marked(told, "【签收通知】", drill)
