"""帮助 and the friendly fallback, as pure functions: event and context in, cards out. 帮助 is read as a person
reads it: only the commands their roles allow, grouped, examples to type as they stand (review
ux-2026-12-07, finding 9)."""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.core.card import Reply
from bot.core.event import Event
from bot.core.org import Organisation, Person
from bot.org.file import parse_org_file
from bot.platforms.render import render_json, render_text
from handlers.registry import Context, load_router
from tests.integration.stack import SAMPLE_ORG

PERSON = Person(id="p-li", name="李干事", wecom="ligs")
ORG = Organisation("示例市局", "示例市局", {"p-li": PERSON}, {})
NOW = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)
TEMPLATES = Path(ROOT / "templates")


def event(text="", kind="text", action=""):
    return Event(platform="wecom", kind=kind, user_id="ligs", chat_id="ligs", chat_type="single",
                 dedup_key="k1", received_at=NOW.isoformat(), text=text, action=action)


def dispatch(ev, org=ORG, person=PERSON):
    return load_router().dispatch(ev, Context(org=org, person=person, now=NOW))


@pytest.fixture(scope="module")
def org() -> Organisation:
    return parse_org_file(SAMPLE_ORG)


def help_for(org, person_id: str, text: str = "帮助") -> list[str]:
    """帮助 as ``person_id`` reads it in text, line by line."""
    [reply] = dispatch(event(text), org, org.person(person_id))
    assert isinstance(reply, Reply) and reply.card.kind == "help"
    return render_text(TEMPLATES, reply.card).splitlines()


def test_help_greets_by_name_and_answers_every_spelling():
    for text in ("帮助", "@舆情助手 帮助", "  help "):
        [reply] = dispatch(event(text))
        shown = render_text(TEMPLATES, reply.card)
        assert shown.startswith("李干事，您好！") and "我的待办" in shown and "取消" in shown


def test_a_liaison_reads_the_units_commands_first_and_none_of_the_desks(org):
    lines = help_for(org, "p-feng")
    assert lines[1] == "【承办单位】"
    assert lines[2:5] == ["· 签收 YQ-2026-0001 —— 签收本单位的舆情预警",
                          "· 报告 YQ-2026-0001 —— 报送初报、核报、续报或专项报告",
                          "· 我的待办 —— 查看需要您处理的事项和截止时间"]
    text = "\n".join(lines)
    for desk_only in ("分派", "定级 YQ", "改派", "补充", "转办", "领导签收", "立案"):
        assert desk_only not in text, desk_only
    assert "群聊中请先 @舆情助手" in text and "“取消”" in text
    assert "[" not in text and "]" not in text, "no bracket notation a person would type literally"


def test_the_desk_reads_its_commands_with_examples_and_its_card_fits_dingtalk(org):
    lines = help_for(org, "p-li")
    assert lines[1] == "【舆情工作台】"
    assert "· 定级 YQ-2026-0001 重大 理由… —— 定级或调整等级" in lines
    assert "签收 YQ" not in "\n".join(lines) and "领导签收" not in "\n".join(lines)
    [reply] = dispatch(event("帮助"), org, org.person("p-li"))
    card = render_json(TEMPLATES, "dingtalk", reply.card)["card"]
    assert all(len(v.encode()) <= 1024 for v in card.values() if isinstance(v, str)), "DingTalk: 1 KB per value"


def test_the_main_leader_reads_his_acknowledgement_and_the_queries_only(org):
    lines = help_for(org, "p-zhao")
    assert lines[1:4] == ["【主要领导】", "· 领导签收 YQ-2026-0001 —— 签收特别重大舆情的舆情通报",
                          "· 督办 YQ-2026-0001 单位 内容 —— 督办承办单位（或点通报上的“督办”按钮）"]
    assert lines[4:8] == ["· 审定 YQ-2026-0001 v1 —— 审定口径（或点口径审定卡片上的“同意”）",
                          "· 审批 YQ-2026-0001 v1 —— 审批回应方案（或点方案审批卡片上的“同意”）",
                          "· 同意 —— 只有一项待审定或审批时，直接同意该项",
                          "· 退回修改 YQ-2026-0001 v1 理由 —— 退回口径或回应方案修改并说明理由"]  # issue 20
    assert lines[8] == "【查询】" and not any(l.startswith("· 签收") or l.startswith("· 分派") for l in lines)


def test_help_with_a_word_explains_that_command(org):
    lines = help_for(org, "p-li", "帮助 定级")
    assert lines[1:3] == ["【定级】", "· 定级 YQ-2026-0001 重大 理由… —— 研判定级或调整等级，等级为一般、敏感、重大或特别重大，可在等级后写理由。"]
    lines = help_for(org, "p-feng", "帮助 飞行")
    assert "※ 没有“飞行”这个指令，以上是您可以使用的指令。" in lines and "【承办单位】" in lines


def test_anything_else_gets_a_friendly_pointer_to_help():
    [reply] = dispatch(event("今天天气怎么样"))
    assert reply.card.kind == "notice" and "帮助" in reply.card.data["text"]


def test_a_click_on_an_unknown_button_says_it_no_longer_applies():
    [reply] = dispatch(event(kind="click", action="nothing.here"))
    assert "按钮已失效" in reply.card.data["text"]


def test_every_form_of_help_reads_the_same_lines_and_dingtalk_reads_alike_either_way(org):
    from tests.unit.cards.reading import forms

    [reply] = dispatch(event("帮助"), org, org.person("p-feng"))
    seen = forms(reply.card)
    assert seen["dingtalk markdown"] == seen["dingtalk markdown (CommonMark)"]
    for form in ("wecom 1:1", "text", "dingtalk markdown"):
        lines = [line.lstrip("•·※【 ").rstrip("】") for line in seen[form]]
        heads = [i for i, line in enumerate(lines) if line in ("承办单位", "查询")]
        assert len(heads) == 2 and lines[-1] == "案件编号在每张舆情卡片的标题上。", (form, seen[form])


LEADERS = ("p-zhao", "p-qian", "p-wu", "p-zheng", "p-wang")  # the main, the publicity and the units' leaders in charge


@pytest.mark.parametrize("person", LEADERS)
def test_each_leaders_help_lists_what_he_approves(org, person):
    """Issue 20: 审定 for every leader (the main leader decides in place of either), with 同意 and 退回修改; 审批 for
    the leaders in charge and the main leader; 同意报送 for the publicity leader alone."""
    text = "\n".join(help_for(org, person))
    assert "· 审定 YQ-2026-0001 v1 —— 审定口径" in text
    assert "· 同意 ——" in text and "· 退回修改 YQ-2026-0001 v1 理由 ——" in text
    assert ("审批 YQ-2026-0001 v1" in text) == (person != "p-qian" or any(
        u.leader_in_charge == person for u in org.units.values()))
    assert ("同意报送 YQ-2026-0001 v1" in text) == (person == "p-qian")
    for desk_only in ("发布 YQ", "报送 YQ", "分派"):
        assert desk_only not in text.replace("同意报送 YQ", ""), desk_only


def test_the_desk_finds_publication_and_the_onward_report_and_no_approvals(org):
    text = "\n".join(help_for(org, "p-li"))
    assert "发布" in text and "报送" in text and "更正" in text
    assert "审定 YQ" not in text and "审批 YQ" not in text


@pytest.mark.parametrize(("word", "says"), [
    ("审定", "审定 YQ-2026-0001 v1"), ("审批", "审批 YQ-2026-0001 v1"), ("同意", "只有一项"),
    ("发布", "发布 YQ-2026-0001 —— 舆情工作台登记发布"), ("报送", "报送 YQ-2026-0001 宣传部"),
    ("同意报送", "同意报送 YQ-2026-0001 v2"),
])
def test_help_explains_the_approvals_and_the_publication(org, word, says):
    lines = help_for(org, "p-qian", f"帮助 {word}")
    assert lines[1] == f"【{word}】" and says in "\n".join(lines)


def test_help_on_return_for_changes_describes_both_uses(org):
    lines = [line for line in help_for(org, "p-li", "帮助 退回修改") if line.startswith("· ")]
    assert len(lines) == 2
    assert lines[0].startswith("· 退回修改 YQ-2026-0001 v1 理由 —— 审定、审批领导") and "口径或回应方案" in lines[0]
    assert lines[1].startswith("· 退回修改 YQ-2026-0001 单位名称 理由 —— 舆情工作台") and "评估总结" in lines[1]


def test_the_leaders_the_city_desk_and_every_topic_fit_dingtalks_1kb(org):
    """The leaders', the city desk's and a unit's 帮助, and every 帮助 <词> card: DingTalk takes at most 1,024 bytes
    a value. (A county bureau's people read the unit's and the desk's lists together, over 1 KB before issue 20
    too: the card is cut and its full text follows, bot/platforms/dingtalk/card_fit.py.)"""
    from handlers.help import TOPICS

    people = (*LEADERS, "p-li", "p-chen", "p-sun", "p-feng", "p-wei")
    asks = [(pid, "帮助") for pid in people] + [("p-li", f"帮助 {word}") for word in TOPICS]
    for pid, text in asks:
        [reply] = dispatch(event(text), org, org.person(pid))
        card = render_json(TEMPLATES, "dingtalk", reply.card)["card"]
        assert all(len(v.encode()) <= 1024 for v in card.values() if isinstance(v, str)), (pid, text)


def test_the_desk_finds_secrecy_and_only_the_desk_head_lifting_it(org):
    """Issue 21: 涉密 for the desk, 解除涉密 for the head of the unit running the case (the city desk's or a county
    bureau's); 帮助 涉密 says both, each with its reason."""
    desk = "\n".join(help_for(org, "p-li"))
    assert "涉密" in desk and "解除涉密" not in desk
    assert "解除涉密" in "\n".join(help_for(org, "p-sun")) and "解除涉密" in "\n".join(help_for(org, "p-qi"))
    assert "涉密" not in "\n".join(help_for(org, "p-wei")) and "涉密" not in "\n".join(help_for(org, "p-zhao"))
    lines = [line for line in help_for(org, "p-li", "帮助 涉密") if line.startswith("· ")]
    assert lines[0].startswith("· 涉密 YQ-2026-0001 理由 —— 舆情工作台把案件标记为涉密")
    assert lines[1].startswith("· 解除涉密 YQ-2026-0001 理由 —— ")
