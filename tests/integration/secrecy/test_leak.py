"""Issue 21's "Done when": a leak test. Confidential (涉密) cases walked by people through the real signed callbacks,
a real worker and both emulators — nothing of a case may reach any group once it is confidential; the groups
get only 「涉密舆情 YQ-…（…）需要您处理，详情已私信发送」 and the named people get the details 1:1.

Every case is assigned to 食品经营安全监督管理科 (its group on DingTalk; liaison 卫干事 0602, head 褚科长, leader in
charge 吴副局长 — DingTalk) and 药品安全监督管理科 (its group on WeCom: the webhook robot and the smart bot; liaison
沈干事 shengs, head 蒋科长, leader in charge 郑副局长 — DingTalk); the desk's groups are on both platforms. The policy
is scaled ×240 so that the clock's group reminders (the desk's 研判会议, a unit's 初报) come within the walk.

* **B, marked after its warning went out**: 李干事 (desk, DingTalk) forwards B's story 1:1 and assigns both
  units: the warnings reach both groups with the title (allowed: B is not confidential yet). Then 陈干事 (desk,
  WeCom) types ``涉密 YQ-… 理由``: the DingTalk group card is redrawn as the notice; the WeCom robot's message
  cannot be, so the timeline lists it (``case.confidential_exposed``) and the desk is told.
* **A, confidential from its first message**: the monitoring system posts it with ``confidential: true``
  (``POST /api/v1/cases``: the desk's card goes to the desk's groups); 李干事 assigns both units.
* **C and D, marked at intake by the desk**: C by 陈干事's ``转办 涉密`` dialog (WeCom), D by 李干事 forwarding a
  link 1:1 and pressing 标记涉密 on the intake card at once, then typing the reason (DingTalk); both assigned;
  卫干事 signs C by typing ``签收 YQ-…`` in his DingTalk group and D on the DingTalk group card; 沈干事 returns C
  by typing ``退回 YQ-…`` in his WeCom group (the reason asked and typed 1:1; the desk gets the 退回 card).

A and B are then walked through everything: 签收 (A: 卫干事's 1:1 card; B: the DingTalk group card, now the
notice), 沈干事's 签收 on his WeCom card; grading up to 重大 by typing (the leaders' bulletins); a 初报 typed by one
unit's liaison (A: 卫干事, B: 沈干事); a 口径 from the same liaison approved by 钱副局长 and the unit's leader in
charge (A: both click 同意, B: both type 审定); a 督办 of A's other unit typed by the desk; the clock's reminders in
the desk's groups and the other unit's group; ``案件 YQ-…`` typed in the desk's DingTalk group (孙科长) and WeCom
group (陈干事, the smart bot); the case's link forwarded into a desk group; ``更正 YQ-… 内容`` typed by 李干事 in
the desk's DingTalk group (A); dialogs started in groups (``报告 YQ-…`` by each unit's liaison in its group,
``定级 YQ-…`` by 李干事 in the desk's group), each ended with 取消; and ``案件 YQ-…`` asked by people outside the
named ones: the admin 郑工程师 and 王副局长 1:1, 周科长 (食品生产科, not on the case) in his WeCom group. In the
slow variant the daily digest falls due at the end of the walk (it goes 1:1, also to leaders outside the named
ones).

What is scanned: every message and every card drawing (the first drawing and each update) either emulator showed
in ANY group from the moment B was marked (every other case opens after that; ``journal.Journal``) for the titles
(and their first characters: a cut title is a leak too), links, the API item's summary, the slip number, every
reason, report, 督办 and 口径 text typed, the sources (小红书, 抖音, 微信公众号, 微博), the name of every person in the
org file, and for @-mentions: zero hits. Each group a case's messages went to got its notice, and any group
message naming a case is that notice (or, to someone outside the named people, the refusal to show it). The
named people got the titles 1:1, and nobody else did on either platform (the admin, other units' people and
leaders included); the refused views are on the timeline.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import select

from bot.core.clock import SHANGHAI
from bot.demo import DEMO_ENV
from bot.domain.secrecy import REFUSED_VIEW
from bot.store.cases import CaseRow
from bot.store.clock import ClockFiringRow
from bot.store.outbox import OutboxRow
from tests.faults.redeliver import settled
from tests.integration import stack as stack_module
from tests.integration.intake.conftest import detail
from tests.integration.response.walk import entries, submit_script
from tests.integration.secrecy.journal import Entry, Journal
from tests.integration.stack import SAMPLE_ORG, Stack
from tests.integration.unit_flow import People

wait_for = partial(stack_module.wait_for, timeout=60)

# people (platform user ids) and groups
LI, SUN, CHEN = "0524", "0523", "chengs"            # the desk: 李干事 (DingTalk), 孙科长 (head), 陈干事 (WeCom)
WEI, SHEN = "0602", "shengs"                        # the units' liaisons
QIAN, WU, ZHENG = "qianfjz", "0412", "0413"         # publicity leader; leaders in charge of the two units
ADMIN, WANG, ZHOU = "zhenggcs", "wangfjz", "zhouks"  # not named: the admin, another leader, another unit's head
FOODSALE, DRUG = "食品经营安全监督管理科", "药品安全监督管理科"
DESK = "综合应急和新闻宣传科"
FOODSALE_DT, DESK_DT = "cidFoodSale01==", "cidDesk0001=="
DRUG_AIBOT, DESK_AIBOT, FOOD_AIBOT = "wrDrug0001", "wrDesk0001", "wrFood0001"
UNIT_GROUPS = [("dingtalk", FOODSALE), ("wecom", DRUG)]
ALL_GROUPS = UNIT_GROUPS + [("dingtalk", DESK), ("wecom", DESK)]
# who may see a confidential case of the city desk assigned to both units (issue 21, "Who may see it")
NAMED = {"p-sun", "p-li", "p-chen", "p-chu", "p-wei", "p-jiang", "p-shen", "p-zhao", "p-qian", "p-wu", "p-zheng"}
UNIT_PEOPLE = {"p-chu", "p-wei", "p-jiang", "p-shen"}  # a confidential warning goes 1:1 to liaisons and heads

# what a group must never see of each case
A = dict(title="网传某区学校食堂集体食物中毒家长群流传检测单", link="https://www.xiaohongshu.com/explore/66aa00000000000000a0a001",
         summary="监测摘要：涉事学校食堂三名学生就医，家长群流传检测单照片", source="小红书",
         grade_reason="涉及学生健康安全，家长群持续发酵，关注度高",
         report="初报：涉事食堂已停业整改，留样已送检，三名学生情况稳定", script="口径：我局已对涉事食堂依法处置，检测结果将第一时间公布",
         supervise="督办：请今天内核查涉事食堂进货渠道并报告", correction="更正：就医学生为两名，另一名为教职工")
B = dict(title="网传某医药连锁向未成年人违规销售处方药", link="https://www.douyin.com/video/7400000000000000000021",
         source="抖音", mark_reason="涉及尚未公开的执法办案信息", grade_reason="涉及未成年人用药安全，多地网民转发",
         report="初报：涉事门店已立案调查，相关处方药已下架封存", script="口径：我局已对涉事医药连锁立案调查，将依法严肃处理")
C = dict(title="省局转办：某美容机构违规使用未注册医疗器械", link="https://mp.weixin.qq.com/s/SecrecyLeakC0000000001",
         source="微信公众号", slip="省局转〔2026〕217号", return_reason="该类机构不在本科室日常监管范围内，请改派")
D = dict(title="网传某农贸市场商户销售注水牛肉", link="https://weibo.com/7000000001/SecrecyLeakD01", source="微博",
         mark_reason="涉及公安机关正在侦办的案件线索")
API_TOKEN = DEMO_ENV["API_TOKENS"].split("=")[0]
POLICY = """scale: 240
wait_for_working_hours: []
duties:
  acknowledge: {general: 8h, sensitive: 8h, major: 8h, especially_major: 8h}
  initial_report: {general: 8h, sensitive: 8h, major: 2h, especially_major: 2h}
  assessment_meeting: {major: 1h}
  script_approval: {general: 8h, sensitive: 8h, major: 8h, especially_major: 8h}
"""
# ×240: the desk's 研判会议 (1 h → 15 s) is reminded in the desk's groups 7.5 s after 重大, the unit that has not
# reported its 初报 (2 h → 30 s) in its group 15 s after; 签收, the reports and the approvals have two minutes
DIGEST_AFTER = timedelta(seconds=100)  # the slow variant's daily digest: due this long after the stack starts


@pytest.fixture(params=[pytest.param(False, id="walk"), pytest.param(True, id="digest", marks=pytest.mark.slow)])
def walk(request, redis_url, tmp_path):
    """The stack (its policy scaled), a journal of what both emulators show; with the digest, the daily digest
    due at the next minute DIGEST_AFTER from now (today a working day, whatever the calendar says)."""
    policy, env = tmp_path / "policy.yaml", {"RECONCILE_INTERVAL": "2"}
    text = POLICY
    if request.param:
        at = datetime.now(SHANGHAI) + DIGEST_AFTER + timedelta(minutes=1)
        text += f'digests: {{daily: "{at:%H:%M}", weekly: off}}\n'
        holidays = tmp_path / "holidays.yaml"
        holidays.write_text(f"makeup_workdays: [{at.date().isoformat()}]\n", encoding="utf-8")
        env["HOLIDAY_FILE"] = str(holidays)
    policy.write_text(text, encoding="utf-8")
    running = Stack(redis_url, tmp_path, extra_env={"POLICY_FILE": str(policy), **env})
    running.journal = Journal(running.emulator, SAMPLE_ORG)
    running.digest = request.param
    yield running
    running.stop()
    running.journal.dump(tmp_path / "journal.jsonl")  # what every chat was shown, for reading a failure


@dataclass
class Walked:
    """A case of the walk: its number and id, what no group may see of it, the groups that must show its
    notice, and the people who must have its details 1:1."""

    number: str
    case_id: int
    facts: dict
    groups: list[tuple[str, str]] = field(default_factory=lambda: list(ALL_GROUPS))
    told: set[str] = field(default_factory=lambda: set(NAMED))


# --- what must not leak, and the notice ---------------------------------------------------------------------

def needles(case: Walked) -> dict[str, str]:
    """label → text a group must not show of a case: every value typed or posted, the first 8 characters of
    the title and of each typed text (a text cut short is a leak too) and the link's last part."""
    found = {f"{case.number} {k}": v for k, v in case.facts.items()}
    found[f"{case.number} link id"] = case.facts["link"].rsplit("/", 1)[-1]
    for key in ("title", "report", "script", "summary", "grade_reason", "mark_reason", "supervise", "correction",
                "return_reason"):
        if case.facts.get(key):
            found[f"{case.number} {key} (first 8)"] = case.facts[key].split("：", 1)[-1][:8]
    return found


def notice_re(number: str) -> re.Pattern:
    """The group notice of a case, whatever its grade and however the platform splits its lines."""
    return re.compile(rf"涉密舆情\s*{re.escape(number)}\s*[（(](一般|敏感|重大|特别重大)(舆情)?[)）]\s*"
                      r"需要您处理，详情已私信发送")


def plain(text: str) -> str:
    """``text`` without markdown's marks (the notice may be bold or a heading)."""
    return re.sub(r"[*#>`]+", "", text)


def has_notice(entry: Entry, number: str) -> bool:
    return bool(notice_re(number).search(plain(entry.text)))


def allowed(entry: Entry, number: str) -> bool:
    """Whether a group message naming ``number`` says only what a group may: the notice, or the refusal of a
    view to someone outside the named people (``bot.domain.secrecy.REFUSED_VIEW``)."""
    return has_notice(entry, number) or REFUSED_VIEW.format(number=number) in entry.text


def leaks(journal: Journal, after: int, secrets: dict[str, str]) -> list[str]:
    """Each group entry after ``after`` that shows a secret or @-mentions anyone, with what it shows."""
    out = []
    for e in journal.select("group", after=after):
        hits = [label for label, s in secrets.items() if s in e.text]
        if hits or e.mentions:
            out.append(f"{hits} mentions={list(e.mentions)} in {e}")
    return out


# --- acts ------------------------------------------------------------------------------------------------

def post_case(stack, body: dict) -> tuple[int, dict]:
    """POST /api/v1/cases over real HTTP, as the monitoring system does."""
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(f"{stack.url}/api/v1/cases", data=data, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {API_TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def forwarded(p: People, desk: str, case: dict) -> str:
    """The desk forwards a story 1:1 (title and link typed); the number its intake card names."""
    p.say(desk, f"{case['title']} {case['link']}")
    return p.wait(lambda: next((m.group(1) for t in p.got(desk) if case["title"] in t
                                and (m := re.search(r"已立案 (YQ-\d{4}-\d{4})", t))), None), what="the intake card")


def case_of(stack, number: str) -> tuple[int, bool]:
    """(id, confidential) of the case ``number``."""
    case = detail(stack, number)
    return case["id"], case["confidential"]


def assign(p: People, number: str) -> None:
    """李干事 assigns both units by typing; both assignments exist."""
    p.converse(LI, f"分派 {number} {FOODSALE} {DRUG}")
    wait_for(lambda: len(detail(p.stack, number)["assignments"]) == 2, what=f"{number} assigned to both units\n"
             + p.stack.worker_log()[-3000:])


def group_card(p: People, number: str) -> str | None:
    """The DingTalk card in 食品经营科's group that is about ``number`` and shows 签收 (its outTrackId)."""
    for m in reversed([m for m in p.dt.messages_for_group(FOODSALE_DT) if m.channel == "card"]):
        view = p.dt.card_view(m.out_track_id, WEI)
        if number in json.dumps(view, ensure_ascii=False) and any(
                (b["action_id"] or "").partition("#")[0] == "case.ack" for b in view["buttons"]):
            return m.out_track_id
    return None


def click_group_ack(p: People, track: str) -> None:
    """卫干事 clicks 签收 on the group card ``track``."""
    view = p.dt.card_view(track, WEI)
    button = next(b for b in view["buttons"] if (b["action_id"] or "").partition("#")[0] == "case.ack")
    p.dt.click(WEI, track, button["action_id"])


def acknowledged(p: People, number: str, units: int = 2) -> bool:
    states = [a["state"] for a in detail(p.stack, number)["assignments"]]
    return states.count("acknowledged") >= units


def grade_up(p: People, desk: str, number: str, reason: str) -> None:
    """The desk types the grade with its reason: set at once, the leaders told."""
    p.exchange(desk, (f"定级 {number} 重大 {reason}", "调整为重大舆情"))
    wait_for(lambda: detail(p.stack, number)["grade"] == 3, what=f"{number} 重大")


def initial_report(p: People, liaison: str, number: str, text: str) -> None:
    """``报告 YQ-… 初报``, the text, 确认 — typed 1:1."""
    p.exchange(liaison, (f"报告 {number} 初报", "请发送初报内容"), (text, "确认提交初报"), ("确认", f"已提交 {number} 初报"))


def group_reminded(stack, case_id: int) -> list[str]:
    """The groups (``g:<unit>``) the clock's reminders of the case reached so far."""
    with stack.database.session() as session:
        rows = session.scalars(select(ClockFiringRow).where(ClockFiringRow.case_id == case_id,
                                                            ClockFiringRow.remind.is_(True)))
        return [r for row in rows if row.outcome == "sent" for r in row.recipients or [] if str(r).startswith("g:")]


def digests_sent(stack) -> int:
    """How many digest rows (``dg:…``) the outbox has delivered."""
    with stack.database.session() as session:
        return len(session.scalars(select(OutboxRow.id).where(OutboxRow.dedup_id.like("dg:%"),
                                                              OutboxRow.state == "sent")).all())


def in_groups(p: People, number: str, title: str, link: str, forward, correction: str = "") -> None:
    """``案件 YQ-…`` typed in the desk's groups — the group sees the notice, the person who asked (named) gets
    the case 1:1 — the link forwarded into one of them (``forward``), a ``更正 YQ-… 内容`` typed by 李干事 in the
    desk's DingTalk group (with ``correction``), and dialogs started in groups, each ended with 取消; every
    answer delivered before the next."""
    wecom, journal = p.wecom, p.stack.journal
    for who, ask in (("p-sun", lambda: p.dt.say_in_group(SUN, DESK_DT, f"案件 {number}")),
                     ("p-chen", lambda: wecom.act_as(CHEN).mention_bot(DESK_AIBOT, f"案件 {number}"))):
        since = journal.mark()
        ask()
        settled(p.stack, wait_for)
        assert any(title in e.text for e in journal.select("person", after=since, where=who)), \
            f"{who} asked for {number} in a group and got no details 1:1"
    forward(link)
    settled(p.stack, wait_for)
    if correction:
        p.dt.say_in_group(LI, DESK_DT, f"更正 {number} {correction}")
        settled(p.stack, wait_for)
    for start, stop in ((lambda: p.dt.say_in_group(WEI, FOODSALE_DT, f"报告 {number}"),
                         lambda: p.dt.say_in_group(WEI, FOODSALE_DT, "取消")),
                        (lambda: wecom.act_as(SHEN).mention_bot(DRUG_AIBOT, f"报告 {number}"),
                         lambda: wecom.act_as(SHEN).mention_bot(DRUG_AIBOT, "取消")),
                        (lambda: p.dt.say_in_group(LI, DESK_DT, f"定级 {number}"),
                         lambda: p.dt.say_in_group(LI, DESK_DT, "取消"))):
        start()
        settled(p.stack, wait_for)
        stop()
        settled(p.stack, wait_for)


# --- the walk --------------------------------------------------------------------------------------------

def test_nothing_of_a_confidential_case_reaches_any_group(walk):
    p, journal = People(walk), walk.journal

    # B: an ordinary case first — its warnings reach both units' groups with the title
    b = forwarded(p, LI, B)
    b_id, _ = case_of(walk, b)
    assign(p, b)
    b_card = wait_for(lambda: group_card(p, b), what="B's warning in 食品经营科's DingTalk group")
    assert B["title"] in json.dumps(p.dt.card_view(b_card, WEI), ensure_ascii=False), "the warning as sent before"
    wait_for(lambda: any(B["title"] in str(m["content"]) for m in p.wecom.messages_for_group(DRUG)),
             what="B's warning in 药品科's WeCom group")
    settled(walk, wait_for)
    seen = {e.platform for e in journal.select("group") if B["title"] in e.text}
    assert seen == {"dingtalk", "wecom"}, "the journal sees what groups are shown, on both platforms (the witness)"

    # B marked 涉密 by the desk after its warnings went out: from here on no group sees anything of it
    marked = journal.mark()
    p.say(CHEN, f"涉密 {b} {B['mark_reason']}")
    wait_for(lambda: entries(walk, b_id, "case.confidential"), what="B marked\n" + walk.worker_log()[-3000:])
    [mark] = entries(walk, b_id, "case.confidential")
    assert mark.payload.get("reason") == B["mark_reason"], mark.payload
    wait_for(lambda: notice_re(b).search(plain(json.dumps(p.dt.card_view(b_card, WEI), ensure_ascii=False))),
             what="B's DingTalk group card redrawn as the notice\n" + walk.worker_log()[-3000:])
    exposed = wait_for(lambda: entries(walk, b_id, "case.confidential_exposed"),
                       what="the WeCom group messages sent before the marking on the timeline")

    # A: confidential from the monitoring system's first message
    status, body = post_case(walk, {"external_id": "secrecy-leak-a", "title": A["title"], "link": A["link"],
                                    "summary": A["summary"], "grade": 1, "confidential": True})
    assert status == 201, body
    a = body["number"]
    a_id, secret = case_of(walk, a)
    assert secret, "confidential from the API's item"
    assign(p, a)

    # C: 转办 涉密 (陈干事, WeCom); D: forwarded 1:1 and 标记涉密 pressed on the intake card at once (李干事, DingTalk)
    p.exchange(CHEN, ("转办 涉密", "请回复转办来源"), ("省局", "请回复转办单编号"), (C["slip"], "请回复反馈期限"),
               ("无", "请回复舆情标题或内容"), (f"{C['title']} {C['link']}", "已立案"))
    with walk.database.session() as session:
        c = session.scalars(select(CaseRow.number).where(CaseRow.transfer_ref == C["slip"])).one()
    d = forwarded(p, LI, D)
    p.press(LI, f"已立案 {d}", "intake.confidential")
    p.told(LI, f"请说明把 {d} 标记为涉密的理由")
    p.exchange(LI, (D["mark_reason"], f"已将 {d} 标记为涉密案件"))
    (c_id, c_secret), (d_id, d_secret) = case_of(walk, c), case_of(walk, d)
    assert c_secret and d_secret, "C and D confidential from intake"
    for number in (c, d):
        assign(p, number)

    # 签收: A by 卫干事's 1:1 card, B and D by the DingTalk group card (the notice), C typed in that group;
    # 沈干事 by his WeCom card (A, B); C returned by 沈干事 typing 退回 in his WeCom group (the reason 1:1)
    p.press(WEI, f"舆情预警 {a}", "case.ack", case=a)
    for number in (b, d):
        click_group_ack(p, wait_for(lambda: group_card(p, number), what=f"{number}'s card in the DingTalk group"))
    p.dt.say_in_group(WEI, FOODSALE_DT, f"签收 {c}")
    for number in (a, b):
        p.press(SHEN, f"舆情预警 {number}", "case.ack", case=number)
    p.wecom.act_as(SHEN).mention_bot(DRUG_AIBOT, f"退回 {c}")
    p.told(SHEN, f"请说明 {c} 不属于{DRUG}职责的理由")
    p.exchange(SHEN, (C["return_reason"], f"已退回 {c}"))
    for number, units in ((a, 2), (b, 2), (c, 1), (d, 1)):
        wait_for(lambda: acknowledged(p, number, units), what=f"{number} acknowledged\n" + walk.worker_log()[-3000:])

    # grading up to 重大 (the leaders' bulletins), typed: A by 李干事 (DingTalk), B by 陈干事 (WeCom)
    grade_up(p, LI, a, A["grade_reason"])
    grade_up(p, CHEN, b, B["grade_reason"])

    # a 初报 each, a 口径 each approved by 钱副局长 and the unit's leader in charge, a 督办 of A's other unit
    initial_report(p, WEI, a, A["report"])
    initial_report(p, SHEN, b, B["report"])
    submit_script(p, WEI, a, FOODSALE, A["script"], 1)
    p.press(QIAN, f"口径审定 {a} v1", "script.approve", case=a, v=1)
    p.press(WU, f"口径审定 {a} v1", "script.approve", case=a, v=1)
    submit_script(p, SHEN, b, DRUG, B["script"], 1)
    p.exchange(QIAN, (f"审定 {b} v1", "已审定同意"))
    p.exchange(ZHENG, (f"审定 {b} v1", "（已通过）"))
    p.told(WEI, f"口径已审定 {a} v1")
    p.told(SHEN, f"口径已审定 {b} v1")
    p.exchange(LI, (f"督办 {a} 药品 {A['supervise']}", f"已督办{DRUG}"))

    # the clock's reminders reach groups: the desk's (研判会议) and the unit that has not reported (初报)
    for case_id, unit in ((a_id, "g:u-drug"), (b_id, "g:u-foodsale")):
        wait_for(lambda: {"g:u-desk", unit} <= set(group_reminded(walk, case_id)), timeout=90,
                 what=f"the group reminders of case {case_id}\n" + walk.worker_log()[-3000:])

    # typed in groups: 案件, the link forwarded, and dialogs started there
    in_groups(p, a, A["title"], A["link"], lambda link: p.dt.say_in_group(SUN, DESK_DT, link), A["correction"])
    in_groups(p, b, B["title"], B["link"], lambda link: p.wecom.act_as(CHEN).mention_bot(DESK_AIBOT, link))
    # people outside the named ones ask: the admin (number, grade and state only), a leader of other units 1:1
    # and another unit's head in his own group — refused, the refusals on the timeline
    p.converse(ADMIN, f"案件 {a}")
    p.converse(WANG, f"案件 {a}")
    p.wecom.act_as(ZHOU).mention_bot(FOOD_AIBOT, f"案件 {a}")
    settled(walk, wait_for)
    assert any(a in t for t in p.got(ADMIN)), "the admin sees the number"
    assert len(entries(walk, a_id, "case.view_refused")) >= 2, "refused views are on the timeline"
    if walk.digest:
        wait_for(lambda: digests_sent(walk), timeout=DIGEST_AFTER.total_seconds() + 90, what="the daily digest")
    settled(walk, wait_for)

    cases = [Walked(a, a_id, A), Walked(b, b_id, B),
             Walked(c, c_id, C, UNIT_GROUPS, UNIT_PEOPLE | {"p-chen"}),
             Walked(d, d_id, D, UNIT_GROUPS, UNIT_PEOPLE | {"p-li"})]

    # --- nothing of any case in any group since B's marking (every other case opened after it) ---
    secrets = {label: text for case in cases for label, text in needles(case).items()}
    secrets.update({f"name {pid}": name for pid, name in journal.people.names.items()})
    problems = [f"content in a group: {leak}" for leak in leaks(journal, marked, secrets)]

    # each group a case went to got its notice; any group message naming a case is that notice
    after = journal.select("group", after=marked)
    for case in cases:
        for platform, group in case.groups:
            if not any(has_notice(e, case.number) for e in after if (e.platform, e.where) == (platform, group)):
                problems.append(f"{platform} {group} never got the notice of {case.number}")
        problems += [f"naming {case.number} without being its notice: {e}" for e in after
                     if case.number in e.text and not allowed(e, case.number)]
    assert not problems, "what the groups were shown of confidential cases:\n" + "\n".join(problems)

    # B's group messages from before the marking: DingTalk's card now shows the notice; WeCom's robot message
    # cannot change — it is on the timeline and the desk was told
    now_shown = json.dumps(p.dt.card_view(b_card, WEI), ensure_ascii=False)
    assert B["title"] not in now_shown and notice_re(b).search(plain(now_shown)), now_shown
    listed = [m for e in exposed for m in e.payload.get("messages") or []]
    assert ("wecom", "u-drug") in {(m.get("platform"), m.get("group")) for m in listed}, listed
    assert {m.get("platform") for m in listed} == {"wecom"}, f"only WeCom's robot messages cannot change: {listed}"
    desk_told = [e for e in journal.select("person", after=marked) if e.where in ("p-sun", "p-li", "p-chen")
                 and b in e.text and DRUG in e.text]
    assert desk_told, "the desk was not told which group messages carried B's content before the marking"

    # details 1:1: the named people got each title; nobody else got any, on either platform
    one_to_one = journal.select("person")
    for case in cases:
        got = {e.where for e in one_to_one if case.facts["title"] in e.text}
        assert case.told <= got, f"named people without {case.number}'s details 1:1: {sorted(case.told - got)}"
        strangers = {e.where for e in journal.select("person", after=marked) if case.facts["title"] in e.text} - NAMED
        assert not strangers, f"{case.number}'s title reached people outside the named ones: {sorted(strangers)}"
    if walk.digest:
        digest = [e for e in journal.select("person", where="p-wang") if a in e.text]
        assert digest, "王副局长's digest names A by its number (and grade only)"
