"""Every role × every chat action, through the real signed callbacks of both platforms (issue 11,
"Authorisation"). Which combinations must be refused is read from the permission table itself
(``bot.domain.permissions``: PERMISSIONS, UNIT_SCOPED, case_roles) — the test sends each refused one as
the person would type it, 1:1, on each platform the person is on, and asserts:

* a Chinese answer that names the reason (the action, or who may do it);
* nothing changed: the case's timeline, its grade, its assignments, and no outbox row but the answer;
* the refusal is audited: the worker logs ``refused platform=… user=… reason=…`` for it (design.md has
  refusals write no timeline entry — nothing changed — so the worker's log is their audit trail).

Desk-only commands (分派, 转办: ``bot.domain.permissions.require_desk``) are refused to everyone who is not in
the city desk or a county bureau (``opener_roles``). Deactivated people, strangers and stale cards: tests/faults/test_authorisation.py. One stack for
the module; only refusals are sent, so the case stays as it was between rows.

The rows are held to the tables (issue 19): every Action of ``PERMISSIONS`` has a typed command here or a
reason in ``NOT_TYPED``, and every act of ``bot.domain.clock.acts.DUTY_ACTS`` has its command here — an action
or act added without a row fails ``test_every_action_and_every_act_has_a_row``. A duty's act (``duty.fulfil``
narrowed by ``kind`` to ``FULFIL_ROLES``) is refused as the table says. Issue 20's commands (口径, 审定, 退回修改,
同意报送, 报送, 方案, 审批, 发布) are sent on cases people set up by typing (``responses``): a script version pending,
one approved and consented, a plan version pending; a leader the table allows but ``bot/domain/response/approvers.py``
narrows away is held by the response integration tests, not here. Issue 21's 涉密 (the desk) and 解除涉密 (the
desk head, ``Role.DESK_HEAD``) are refused as the table says; so is ``案件`` on a confidential case, to whoever
the visibility table (``bot.domain.secrecy.sight``) leaves outside — that refusal alone is kept on the case's
timeline (``case.view_refused``), and it is the only change. Issue 22's rows: a county's case (甲县局 opened it and
warned itself) where the city desk may only view, 督办, 关注 and 接管, and one the city took over (``taken_over``),
where the county's people are a unit's liaison and head and nobody takes it over again. The commands of
issue 11 go on every platform a person is on; the newer ones (``new``) on the person's own platform in CI and on
the other one too in ``make soak`` (``-m slow``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import pytest
from sqlalchemy import func, select

from bot.core.clock import utcnow
from bot.domain.case.county import take_over
from bot.domain.clock.acts import DUTY_ACTS
from bot.domain.context import load_rules
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.permissions import (
    ACTION_LABELS,
    FULFIL_ROLES,
    PERMISSIONS,
    UNIT_SCOPED,
    Action,
    case_roles,
    opener_roles,
)
from bot.domain.records import Actor
from bot.domain.secrecy import Sight, sight
from bot.org.file import parse_org_file
from bot.store.case_repo import SessionCaseStore
from bot.store.cases import CaseRow
from bot.store.org_repo import read_organisation
from bot.store.outbox import OutboxRow
from tests.faults.redeliver import settled
from tests.integration import stack as stack_module
from tests.integration.stack import SAMPLE_ORG, Stack
from tests.integration.unit_flow import (
    Opened,
    People,
    assignment_states,
    case_grade,
    open_and_assign,
    timeline_actions,
)

wait_for = partial(stack_module.wait_for, timeout=40)
ORG = parse_org_file(SAMPLE_ORG)
UNITS = ["u-foodsale", "u-drug"]  # the case's units: one on DingTalk, one on WeCom


@dataclass(frozen=True)
class Command:
    """A chat command, the action it asks for, and the extra words it takes."""

    word: str
    action: Action
    rest: str = ""
    desk_only: bool = False  # refused before the case is looked at (bot.domain.permissions.require_desk)
    kind: DutyKind | None = None  # duty.fulfil of this kind: narrowed to FULFIL_ROLES[kind]
    new: bool = False  # issues 19, 20: one platform per person in CI, every platform in `make soak`
    on: str = "general"  # the case of the fixture it is sent on: one that holds its duty (open_cases)
    ci: tuple[str, ...] = ()  # when given: only these people's rows in CI, everyone's in `make soak`


def act(word: str, kind: DutyKind, rest: str = "", on: str = "general") -> Command:
    """The typed act that ends a duty of ``kind`` (``bot.domain.clock.acts``), sent on a case that has one."""
    return Command(word, Action.FULFIL_DUTY, rest, kind=kind, new=True, on=on)


def new(word: str, action: Action, rest: str = "", on: str = "general") -> Command:
    """A command of issue 19 or 20 that is not a duty's act."""
    return Command(word, action, rest, new=True, on=on)


COUNTY = "u-county-a"  # the county running the "county" case, and the one the "taken_over" case was taken from
COUNTY_ROWS = ("p-li", "p-sun", "p-xie")  # the city desk; 甲县局's liaison (its desk)
COMMANDS = [
    Command("签收", Action.ACKNOWLEDGE), Command("退回", Action.REJECT), Command("报告", Action.REPORT),
    Command("定级", Action.GRADE), Command("改派", Action.REASSIGN, " 广告监督管理科"),
    Command("补充", Action.SIGHTING, " https://weibo.com/2/again"), Command("案件", Action.VIEW),
    Command("分派", Action.ASSIGN, desk_only=True), Command("转办", Action.TRANSFER_DOWN, desk_only=True),
    # issue 19: the duties' acts …
    act("领导签收", DutyKind.MAIN_LEADER_ACKNOWLEDGE, on="especially_major"),
    act("处置意见", DutyKind.HANDLING_OPINION, on="sensitive"), act("研判会议", DutyKind.ASSESSMENT_MEETING, on="major"),
    act("领导小组会议", DutyKind.LEADING_GROUP_MEETING, on="especially_major"),
    act("上报", DutyKind.REPORT_UP_CITY, " 市委市政府", on="especially_major"),
    act("上报", DutyKind.REPORT_UP_PROVINCE, " 省局", on="especially_major"),
    act("转办反馈", DutyKind.TRANSFER_FEEDBACK, on="transfer"), Command("反馈", Action.REPORT, new=True),
    # … and the acts that move the case
    new("跟踪", Action.TRACK, " 话题热度下降"), new("需要续发口径", Action.SCRIPT), new("无需续发", Action.SCRIPT),
    new("平息", Action.SUBSIDE, " 已无新增讨论"), new("重新跟踪", Action.RETRACK), new("归档", Action.ARCHIVE),
    new("更正", Action.CORRECT, " 首发时间应为9时"),
    # … evaluation (Art. 19(4)) and 督办 (Art. 6, 23)
    new("评估", Action.EVALUATE, on="subsided"), new("通过", Action.ACCEPT_EVALUATION, " 药品安全监督管理科", on="subsided"),
    new("退回修改", Action.RETURN_EVALUATION, " 药品安全监督管理科 经验教训过简", on="subsided"),
    new("督办", Action.SUPERVISE, " 药品安全监督管理科 请今天内回应"), new("回复督办", Action.ANSWER_SUPERVISION, " 已约谈商家"),
    # issue 20: scripts (口径) and their approval, the onward report, plans (方案) and 发布 — each on a case that holds
    # what it needs: a script v1 pending (script), one approved and consented (approved), a plan v1 pending (major)
    new("口径", Action.SCRIPT_SUBMIT), new("审定", Action.SCRIPT_APPROVE, " v1", on="script"),
    new("退回修改", Action.SCRIPT_RETURN, " v1 口径表述不准确", on="script"),
    new("同意报送", Action.SCRIPT_ONWARD_CONSENT, " v1", on="approved"),
    new("报送", Action.SCRIPT_ONWARD_REPORT, " 宣传部", on="approved"),
    new("方案", Action.PLAN_SUBMIT, on="major"), new("审批", Action.PLAN_APPROVE, " v1", on="major"),
    new("退回修改", Action.PLAN_RETURN, " v1 回应时间过晚", on="major"),
    new("发布", Action.PUBLISH, on="especially_major"),
    # issue 21: 涉密 (the desk) and 解除涉密 (the desk head alone), each with its reason; refused before the case changes
    new("涉密", Action.MARK_CONFIDENTIAL, " 涉及未公开的执法信息"), new("解除涉密", Action.CLEAR_CONFIDENTIAL, " 已公开通报"),
    # … and the visibility table: 案件 on a confidential case, refused to whoever is outside it (secrecy.sight NONE)
    new("案件", Action.VIEW, on="confidential"),
    # issue 22: a county's case (甲县局 runs it): before 接管 the city desk may view, 督办, 关注 and 接管 it and nothing
    # else (定级 refused); after 接管 it is the city's — the county's people keep their unit roles only, and no one
    # takes it over again. The city desk's and the county's rows in CI, everyone's in `make soak`.
    Command("接管", Action.TAKE_OVER, " 舆情升温，市局统一回应", new=True, on="county", ci=COUNTY_ROWS),
    Command("关注", Action.FOLLOW, new=True, on="county", ci=COUNTY_ROWS),
    Command("取消关注", Action.FOLLOW, new=True, on="county", ci=COUNTY_ROWS),
    Command("定级", Action.GRADE, " 重大 市局定级", new=True, on="county", ci=COUNTY_ROWS),
    Command("定级", Action.GRADE, " 重大 县局定级", new=True, on="taken_over", ci=COUNTY_ROWS),
    Command("接管", Action.TAKE_OVER, " 再次接管", new=True, on="taken_over", ci=COUNTY_ROWS),
]
# Actions no one types (each with where its refusals are tested, or why none can be).
NOT_TYPED = {
    Action.OPEN: "a link pasted or posted to the API; refused to non-desk people in tests/faults/test_authorisation.py",
    Action.ADVANCE: "no command: the acts move the case (跟踪, 需要续发口径, 平息, 归档; docs/case-flow.md)",
    Action.CLOSE_DUTY: "the desk closes a duty from the CLI (`yuqing case close-duty`), not from chat",
    Action.VERIFY: "`yuqing verify`, the CLI's archive check",
    Action.EXPORT: "导出 is built by issue 24; who may export a confidential case is bot/domain/secrecy.may_export "
                   "(tests/unit/domain/test_secrecy.py), and a refused export goes on the timeline (record_refused)",
}

# role on the case (as the org file makes it) → person
ROLES = {
    "desk liaison": "p-li", "desk head": "p-sun",
    "liaison of the assigned unit (DingTalk)": "p-wei", "head of the assigned unit (DingTalk)": "p-chu",
    "liaison of the assigned unit (WeCom)": "p-shen", "head of the assigned unit (WeCom)": "p-jiang",
    "liaison of another unit": "p-yang", "head of another unit": "p-zhou", "member of a county bureau": "p-xie",
    "leader in charge of an assigned unit": "p-wu", "leader in charge of another unit": "p-wang",
    "publicity leader": "p-qian", "main leader": "p-zhao", "admin": "p-ops",
}


def refused(person: str, command: Command) -> bool:
    """Whether the permission table refuses ``command`` to ``person`` on a city case of UNITS."""
    if command.desk_only:
        return not opener_roles(ORG, person)  # the city desk or a county bureau
    if command.on == "confidential":  # the visibility table of issue 21 (bot.domain.secrecy)
        return sight(ORG, person, confidential=True, county=None, units=UNITS) == Sight.NONE
    units = [] if command.on == "transfer" else UNITS  # the transfer is the desk's alone: no unit yet
    county = COUNTY if command.on == "county" else None
    if command.on in ("county", "taken_over"):
        units = [COUNTY]  # the county warned itself
    if command.on == "taken_over" and command.action == Action.TAKE_OVER:
        return True  # no one takes a case over twice (a city case now)
    own = [u for u in units if person in ORG.units[u].people] if command.action in UNIT_SCOPED else [None]
    held = set().union(*(case_roles(ORG, person, county, units, for_unit=u) for u in own or [None]))
    if command.action in UNIT_SCOPED and not own:
        held -= {"liaison", "unit_head"}
    if command.kind is not None:
        held &= FULFIL_ROLES.get(command.kind, frozenset())
    return not (held & PERMISSIONS[command.action])


def _platforms(person: str, command: Command) -> list[tuple[str, tuple]]:
    """The platforms ``command`` goes on for ``person``, each with its marks: a newer command goes on the
    person's own platform in CI, on the other one in ``make soak`` only."""
    who = ORG.people[person]
    on = [p for p in ("dingtalk", "wecom") if getattr(who, p)]
    if not command.new:
        return [(p, ()) for p in on]
    if command.ci and person not in command.ci:
        return [(p, (pytest.mark.slow,)) for p in on]
    return [(p, () if p == who.platform else (pytest.mark.slow,)) for p in on]


CASES = [(role, platform, command, marks) for role, person in ROLES.items() for command in COMMANDS
         if refused(person, command) for platform, marks in _platforms(person, command)]


@pytest.fixture(scope="module")
def matrix(redis_service, tmp_path_factory):
    redis_service.reset()
    running = Stack(redis_service.url, tmp_path_factory.mktemp("matrix"))
    running.cases = open_cases(running)
    settled(running, wait_for)
    yield running
    running.stop()


def open_cases(stack) -> dict[str, Opened]:
    """The cases the rows are sent on, each holding the duties its rows' acts end: a 一般 case; a
    敏感, a 重大 and a 特别重大 one; a 重大 one the desk took to 平息 (its units' 评估 open) and a 转办 the desk
    registered, both by typing as people do (李干事, DingTalk)."""
    cases = {"general": open_and_assign(stack, UNITS)}
    for name, grade in (("sensitive", Grade.SENSITIVE), ("major", Grade.MAJOR),
                        ("especially_major", Grade.ESPECIALLY_MAJOR), ("subsided", Grade.MAJOR)):
        cases[name] = open_and_assign(stack, UNITS, grade, title=f"某超市销售过期食品（{name}）")
    dt, number = stack.emulator.dingtalk, cases["subsided"].number
    for user, text in (("0602", f"签收 {number}"), ("0524", f"跟踪 {number} 热度下降"),
                       ("0524", f"平息 {number} 已无新增讨论"), ("0524", "转办"), ("0524", "省局"),
                       ("0524", "2026第118号"), ("0524", "无")):
        seen = len(texts(stack, "dingtalk", user))
        dt.say_to_bot(user, text)
        wait_for(lambda: len(texts(stack, "dingtalk", user)) > seen, what=f"{text!r} answered\n" + stack.worker_log())
    assert case_state(stack, cases["subsided"].case_id) == "subsided"
    dt.say_to_bot("0524", "某药店销售假药 https://weibo.com/3/transfer")  # the 转办's content: the case opens
    cases["transfer"] = wait_for(lambda: transferred(stack), what="the 转办's case\n" + stack.worker_log())
    responses(stack, cases)
    cases["confidential"] = open_and_assign(stack, UNITS, title="某超市销售过期食品（涉密）", confidential=True)
    cases["county"] = open_and_assign(stack, [COUNTY], title="甲县某餐馆食物中毒传闻", opener="p-xie")
    cases["taken_over"] = open_and_assign(stack, [COUNTY], title="甲县某超市销售过期月饼", opener="p-xie")
    with stack.database.session() as session:
        org = read_organisation(session)
        rules = load_rules(org, stack.env.get("POLICY_FILE"), stack.env.get("HOLIDAY_FILE"))
        take_over(SessionCaseStore(session), rules, cases["taken_over"].case_id, Actor("p-li", "dingtalk"), utcnow(),
                  "舆情升温，市局统一回应")
    return cases


def responses(stack, cases: dict[str, Opened]) -> None:
    """Issue 20's cases, set up by people typing: 卫干事 (食品经营科, DingTalk) submits a 口径 on a 一般 case (v1
    pending: 钱副局长's and 吴副局长's 审定) and on another one that 钱副局长 (WeCom) and 吴副局长 (DingTalk) approve
    and 钱副局长 consents to report onward; and a 回应方案 on the 重大 case (v1 pending: 吴副局长's 审批)."""
    cases["script"] = open_and_assign(stack, UNITS, title="某超市销售过期食品（口径待审定）")
    cases["approved"] = open_and_assign(stack, UNITS, title="某超市销售过期食品（口径已审定）")
    people = People(stack, timeout=40)
    for case in (cases["script"], cases["approved"]):
        people.exchange("0602", (f"口径 {case.number}", "口径内容"), ("涉事批次已全部下架，正在溯源。", "确认提交口径"),
                        ("确认", f"已提交 {case.number}"))
    number = cases["approved"].number
    people.exchange("qianfjz", (f"审定 {number} v1", "已审定同意"))
    people.exchange("0412", (f"审定 {number} v1", "（已通过）"))
    people.exchange("qianfjz", (f"同意报送 {number} v1", "已同意报送"))
    number = cases["major"].number
    people.exchange("0602", (f"方案 {number}", "请选择回应方式"), ("新闻发布会", "回应方案的内容"),
                    ("今天下午召开新闻发布会通报核查结果", "回应时间"), ("今天 16:00", "确认提交回应方案"),
                    ("确认", f"已提交 {number}"))


def transferred(stack) -> Opened | None:
    with stack.database.session() as session:
        row = session.scalars(select(CaseRow).where(CaseRow.transfer_ref.is_not(None))).first()
        return Opened(row.number, row.id) if row is not None else None


def case_state(stack, case_id: int) -> str:
    with stack.database.session() as session:
        return session.get(CaseRow, case_id).state


def state(stack, case: Opened) -> tuple:
    with stack.database.session() as session:
        rows = session.scalar(select(func.count()).select_from(OutboxRow))
    case_id = case.case_id
    return timeline_actions(stack, case_id), assignment_states(stack, case_id), case_grade(stack, case_id), rows


def texts(stack, platform: str, user: str) -> list[str]:
    emulator = getattr(stack.emulator, platform)
    if platform == "dingtalk":
        return [m.content.get("text", "") for m in emulator.messages_for_user(user) if m.channel != "card"]
    return [str(m) for m in emulator.messages_for_user(user)]


def test_the_table_refuses_something_to_every_role():
    assert {role for role, _, _, _ in CASES} == set(ROLES)
    assert len(CASES) >= 60


def test_every_action_and_every_act_has_a_row():
    """A new Action, or a new duty act, without a row here (or a reason it is never typed) fails."""
    typed = {c.action for c in COMMANDS}
    assert set(PERMISSIONS) - typed - set(NOT_TYPED) == set(), "actions without a row in COMMANDS or NOT_TYPED"
    assert set(PERMISSIONS) <= set(ACTION_LABELS), "actions without a label to refuse them with"
    words = {c.word for c in COMMANDS}
    acts = {kind: a.command.split()[0] for kind, a in DUTY_ACTS.items() if a}
    assert {k: w for k, w in acts.items() if w not in words} == {}, "duty acts without a row in COMMANDS"


@pytest.mark.parametrize(("role", "platform", "command"),
                         [pytest.param(r, p, c, marks=m, id=f"{r}-{p}-{c.word}{c.rest}@{c.on}") for r, p, c, m in CASES])
def test_a_refused_action_is_answered_with_its_reason_and_changes_nothing(matrix, role, platform, command):
    person = ORG.people[ROLES[role]]
    user = getattr(person, platform)
    case = matrix.cases[command.on]
    before, seen = state(matrix, case), len(texts(matrix, platform, user))
    audited = len(re.findall(rf"refused platform={platform} user={user} ", matrix.worker_log()))
    text = f"{command.word} {case.number}{command.rest}"
    if platform == "dingtalk":
        matrix.emulator.dingtalk.say_to_bot(user, text)
    else:
        matrix.emulator.wecom.act_as(user).send_text(text)
    answer = wait_for(lambda: texts(matrix, platform, user)[seen:], what=f"{role} to be answered on {platform}")
    settled(matrix, wait_for, pause=0.1)  # the answer came: its job is done; 0.1 s catches a late one
    reason = DUTY_LABELS[command.kind] if command.kind else ACTION_LABELS[command.action]
    assert len(answer) == 1 and any(w in answer[0] for w in (reason, command.word, "只有")), answer
    assert "没有看懂" not in answer[0], answer
    timeline, assignments, grade, rows = state(matrix, case)
    refusal = ["case.view_refused"] if command.on == "confidential" else []  # a refused view of a 涉密 case is kept
    assert (timeline, assignments, grade, rows) == (before[0] + refusal, *before[1:3], before[3] + 1)  # the answer
    assert len(re.findall(rf"refused platform={platform} user={user} ", matrix.worker_log())) == audited + 1
