"""帮助: what the bot can do for the person asking — only the commands their roles allow, grouped, each with
an example to type as it stands — ``帮助 <词>`` for one command explained, and a friendly answer to anything
not understood (review ux-2026-12-07, finding 9).

    帮助 --> the person's groups: 承办单位 (签收, 报告, 退回 first), 舆情工作台 (涉密, 导出 among the short words; a desk
             head's line adds 解除涉密 — issue 21; the city desk's one more line: 转办 and the counties' words
             转县局 关注 取消关注 接管 县局舆情 — issue 22), 主要领导 or 领导 (督办, and what
             they approve: 审定, 审批, 同意, 退回修改, 同意报送 — issue 20), then 查询 for all (a leader's
             opens with 统计 — issue 25; the city desk's names it on its own line);
             notes: 取消, @舆情助手 in a group, the case number is on the card
    帮助 定级 --> that command: what it does, how to type it, an example
    帮助 <unknown word> --> the list, with a line saying the word is not a command
    text not understood --> a pointer to 帮助; from a unit's liaison or head, long text is taken for a report
        pasted after its dialog ended: how to report
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.shapes import Command, HelpData
from bot.domain.permissions import Role, opener_roles, reports_for_a_unit
from bot.domain.stats.readers import may_see_stats
from handlers.registry import Context, router

N = "YQ-2026-0001"
MY_DUTIES = ("我的待办", "查看需要您处理的事项和截止时间")
UNIT = (
    (f"签收 {N}", "签收本单位的舆情预警"),
    (f"报告 {N}", "报送初报、核报、续报或专项报告"),
    MY_DUTIES,
    (f"退回 {N}", "非本单位职责：说明理由后退回"),
    (f"评估 {N}", "平息后填写评估总结（五项）"),
    (f"回复督办 {N} 内容", "回复领导或舆情工作台的督办"),
    (f"口径 {N}", "提交口径，送领导审定"),
    ("方案 处置意见 反馈", "见“帮助 方案”等"),
)
DESK_MORE = "口径 方案 发布 报送 跟踪 平息 归档 更正 涉密 导出"
DESK = (
    ("转发舆情链接", "立案，或发“立案 标题”"),
    (f"定级 {N} 重大 理由…", "定级或调整等级"),
    (f"分派 {N} 单位名称", "可写多个单位"),
    (f"改派 {N} 单位名称", "退回后改派"),
    (f"补充 {N} 链接", "同一舆情的新链接"),
    (f"督办 {N} 单位 内容", "督办单位"),
    # one short line: the desk's card is at DingTalk's 1 KB (tests/unit/handlers/test_help.py); 涉密 (issue 21) too
    (DESK_MORE, "见“帮助 发布”等"),  # 通过 / 退回修改: the evaluation card says them (帮助 通过)
)
# the head of the unit running a case (issue 21: only he lifts 涉密): the same short line, with 解除涉密
DESK_HEAD = (*DESK[:-1], (f"{DESK_MORE} 解除涉密", DESK[-1][1]))
# the city desk's own: 转办 from above, and (issue 22) the counties' cases — one short line, the desk's card being at
# DingTalk's 1 KB (帮助 转办, 帮助 接管 … explain each)
CITY_DESK = (("转办 转县局 关注 接管 县局舆情 演练 统计", "见“帮助 接管”等"),)  # 取消关注: under 帮助 关注; 演练报告: 帮助 演练
MAIN_LEADER = ((f"领导签收 {N}", "签收特别重大舆情的舆情通报"),)
LEADER = ((f"督办 {N} 单位 内容", "督办承办单位（或点通报上的“督办”按钮）"),)
# issue 20: what a leader decides (the cards carry 同意 / 退回修改; these are the typed forms)
SCRIPT_APPROVER = ((f"审定 {N} v1", "审定口径（或点口径审定卡片上的“同意”）"),)
PLAN_APPROVER = ((f"审批 {N} v1", "审批回应方案（或点方案审批卡片上的“同意”）"),)
APPROVER = (
    ("同意", "只有一项待审定或审批时，直接同意该项"),
    (f"退回修改 {N} v1 理由", "退回口径或回应方案修改并说明理由"),
)
ONWARD = ((f"同意报送 {N} v1", "同意把已审定的口径报送上级"),)
# issue 25: the figures of a period, for the city desk (its line above) and the bureau's leaders (under 查询)
STATS = (("统计 本月", "本月舆情统计"),)  # the main leader's card is at DingTalk's 1 KB: 帮助 统计 says more
EVERYONE = (
    (f"案件 {N}", "查看案件状态"),
    ("帮助 定级", "查看指令说明"),
)
TOPICS = {
    "签收": ("签收本单位收到的舆情预警，签收后即可报送情况。", f"签收 {N}"),
    "报告": ("报送初报、核报、续报或专项报告：先选报告类型，再发送报告内容（可附链接、图片或文件），确认后提交。", f"报告 {N}"),
    "退回": ("舆情不属于本单位职责时，说明理由后退回舆情工作台改派。", f"退回 {N}"),
    "我的待办": ("列出需要您处理的事项，按截止时间先后排列；最紧的五项带办理按钮，其余注明要发送的命令。", "我的待办"),
    "案件": ("查看案件的等级、承办单位和待办事项。", f"案件 {N}"),
    "定级": ("研判定级或调整等级，等级为一般、敏感、重大或特别重大，可在等级后写理由。", f"定级 {N} 重大 理由…"),
    "分派": ("分派承办单位：可写简称，多个单位用空格或顿号隔开；只写案件编号时会逐步询问。", f"分派 {N} 食品生产安全监督管理科"),
    "改派": ("承办单位退回后，把案件改派其他单位。", f"改派 {N} 单位名称"),
    "补充": ("把同一舆情的其他链接记入案件。", f"补充 {N} 链接"),
    "转办": ("登记上级转办的舆情：按提示依次回复转办来源、转办单编号、反馈期限和舆情内容。", "转办"),
    "领导签收": ("主要领导签收特别重大舆情的舆情通报。", f"领导签收 {N}"),
    "评估": ("重大、特别重大舆情平息后，承办单位依次填写起因、性质、影响、责任、经验教训，确认后提交舆情工作台审核。", f"评估 {N}"),
    "通过": ("舆情工作台通过单位的评估总结；各单位均通过后案件为已评估，可归档。", f"通过 {N} 单位名称"),
    "退回修改": (("审定、审批领导把某一版本的口径或回应方案退回修改并说明理由（点卡片上的“退回修改”，或发送命令写明版本），单位须提交新版本。",
                 f"退回修改 {N} v1 理由"),
                ("舆情工作台把评估总结退回单位修改并说明理由，单位须在2个工作日内重新提交。", f"退回修改 {N} 单位名称 理由")),
    "督办": ("领导或舆情工作台督办承办单位：单位负责人和联络员收到督办内容，须在时限内回复。", f"督办 {N} 单位名称 内容"),
    "回复督办": ("承办单位回复督办，回复发给督办人；超过时限回复记为逾期。", f"回复督办 {N} 内容"),
    "跟踪": ("舆情工作台记录跟踪情况，案件转为跟踪中，并询问各承办单位是否需要续发口径；承办单位负责人或联络员发送则记录本单位的跟踪情况。",
           f"跟踪 {N} 话题热度下降"),
    "需要续发口径": ("回复工作台的跟踪询问：需要续发口径，案件转为回应中。", f"需要续发口径 {N}"),
    "无需续发": ("回复工作台的跟踪询问：无需续发口径。", f"无需续发 {N}"),
    "平息": ("舆情工作台标记舆情已平息：续报停止，未办结的报送按逾期关闭，未到期的会议和决定无需再办；重大、特别重大启动评估总结。",
           f"平息 {N} 连续两天无新增讨论"),
    "重新跟踪": ("已平息的舆情再次出现时，舆情工作台把案件转回跟踪中（补充链接时也会提示）。", f"重新跟踪 {N}"),
    "归档": ("舆情工作台归档已平息的案件；重大、特别重大须各单位评估总结均通过。归档后案件只能查看。", f"归档 {N}"),
    "更正": ("舆情工作台在案件记录中追加更正（记下更正人和时间），归档后也可。", f"更正 {N} 首发时间应为9时"),
    "处置意见": ("敏感舆情：承办单位负责人或联络员登记处置意见，依次回答是否公开回应、是否组织网评员跟帖、是否在网站/公众号发布（是/否，可附说明），确认后报舆情工作台。",
             f"处置意见 {N}"),
    "反馈": ("承办单位向舆情工作台反馈处置情况：即填写专项报告（处置情况）。", f"反馈 {N}"),
    "研判会议": ("重大舆情：舆情工作台或领导登记研判会议的时间、地点、参会人员（通讯录中的姓名）和结论，确认后告知领导和工作台。", f"研判会议 {N}"),
    "领导小组会议": ("特别重大舆情：登记主要领导召集的领导小组会议（时间、地点、参会人员、结论）。", f"领导小组会议 {N}"),
    "上报": ("特别重大舆情：登记已向市委市政府或省局报告（记下时间和报告人，可附说明）。", f"上报 {N} 市委市政府"),
    "转办反馈": ("上级转办的舆情：舆情工作台登记已向转办单位反馈的对象、时间和内容，转办时限随之结束；市局转县局办理的案件由县局登记，"
             "反馈同时告知市局舆情工作台。", f"转办反馈 {N}"),
    "口径": ("承办单位负责人、联络员（或舆情工作台代单位）提交回应口径：发送口径内容（可附图片或文件），确认后送分管宣传的局领导和本单位分管局领导审定；每次提交为新版本。",
           f"口径 {N}"),
    "方案": ("重大、特别重大舆情：舆情工作台或承办单位提交回应方案，依次选择回应方式、填写内容和回应时间，确认后送分管局领导、再送主要领导审批。",
           f"方案 {N}"),
    "审定": ("分管宣传的局领导和承办单位的分管局领导审定口径（先后不限，均同意才算审定通过；主要领导可代为审定）：点口径审定卡片上的“同意”或“退回修改”，"
           "或发送命令写明版本；多个单位时在版本后写单位名称。", f"审定 {N} v1"),
    "审批": ("重大、特别重大舆情的回应方案先由承办单位的分管局领导审批，同意后再送主要领导审批：点方案审批卡片上的“同意”或“退回修改”，或发送命令写明版本。",
           f"审批 {N} v1"),
    "同意": ("只有一项口径或回应方案待您审定或审批时，发送“同意”即同意该项；有多项时会列出各项及其命令。", "同意"),
    "发布": ("舆情工作台登记发布：依次选择发布渠道（门户网站、微信公众号、新闻通稿、新闻发布会、媒体吹风会、接受采访、专家解读、其他），"
           "回复发布时间（如“今天 15:00”，刚发布回复“现在”）和链接（没有回复“无”），再确认所依据的已审定口径和回应方案"
           "（默认各单位最新审定通过的版本，可更改）。口径未审定、重大和特别重大舆情的回应方案未审批、敏感舆情处置意见未决定发布的，不予登记并说明原因。",
           f"发布 {N}"),
    "报送": ("舆情工作台登记已把经分管宣传的局领导同意报送的口径报送市委宣传部、市委网信办或市委市政府（可在对象后写备注）。", f"报送 {N} 宣传部"),
    "同意报送": ("分管宣传的局领导同意把已审定的口径报送上级：点审定通过后卡片上的“同意报送”，或发送命令（写明版本；多个单位时写单位名称）；"
             "同意后由舆情工作台报送。", f"同意报送 {N} v2"),
    "涉密": (("舆情工作台把案件标记为涉密（须写理由，也可点立案卡片上的“标记涉密”）：此后各群只显示案件编号和等级，"
             "详情单独发送给知悉范围内的人员；标记前已发到群里、无法修改的消息会列出，请联系群主删除。", f"涉密 {N} 理由"),
            ("涉密案件由承办科室（县局）科长解除涉密，须写理由。", f"解除涉密 {N} 理由")),
    "解除涉密": ("承办科室（县局）科长解除案件的涉密标记（须写理由），此后群内消息恢复显示案件内容。", f"解除涉密 {N} 理由"),
    # issue 22: a county's case at the city desk
    "关注": (("市局舆情工作台关注县局办理的案件：此后案件的进展同步到工作台群（县局上报重大及以上舆情时自动关注）。", f"关注 {N}"),
           ("停止关注（也可点县局舆情卡片上的“取消关注”）。", f"取消关注 {N}")),
    "取消关注": ("市局舆情工作台停止关注县局案件（也可点县局舆情卡片上的“取消关注”）。", f"取消关注 {N}"),
    "县局舆情": ("列出市局舆情工作台关注中和已接管的县局案件：编号、县局、等级、状态。", "县局舆情"),
    "接管": ("市局舆情工作台接管县局案件（须写理由，也可点县局舆情卡片上的“接管”）：此后由市局舆情工作台和市局领导办理、审定，"
           "县局作为承办单位继续签收、报送。", f"接管 {N} 理由"),
    "转县局": ("市局舆情工作台把案件交县局办理：此后由县局办理并按时反馈，工作台自动关注进展（分派单位后也可点立案卡片上的“转县局办理”）。",
            f"转县局 {N} 甲县市场监督管理局"),
    # issue 23: drills
    "演练": (("市局舆情工作台科长开始一次演练：按演练场景（general 一般投诉、major 重大食品安全、especially_major 特别重大）"
            "立一件标注【演练】的案件，时限缩为 1/60；确认将收到卡片的单位和领导后开始。", "演练 major"),
           ("演练结束后查看各环节是否按时、谁办理、哪些未办。", f"演练报告 {N}")),
    "演练报告": ("查看演练案件各环节的办理时间与时限（按时、迟办、未办）。", f"演练报告 {N}"),
    # issue 24: the archive file
    "导出": ("舆情工作台或局领导导出案件档案：生成 Word 文件（舆情处置档案），私信发送给您，导出记入案件时间线；在群里发送也只私信发送。"
           "涉密案件不通过聊天导出，请联系信息中心在服务器上导出。", f"导出 {N}"),
    # issue 25: the figures
    "统计": ("市局舆情工作台和局领导查看一段时间的舆情统计（案件按等级、来源、状态，签收用时，报告按时、迟报、漏报，时限，口径审定，督办回复等）："
           "汇总私信发送，并附 Excel 文件；在群里发送也只私信发送。期间可写 本周（默认）、上周、本月、上月、本季度、本年，"
           "或 2026-Q4、2026-12、2026-W49、2026。", "统计 本月"),
    "取消": ("结束正在进行的操作（如填写报告、分派单位）。", "取消"),
    "立案": ("舆情工作台立案：直接转发舆情链接，或发送“立案 标题或内容”。", "立案 某超市销售过期食品"),
}
REPORT_LIKE = 15  # characters: shorter text is a word or a command, not a report
NOT_A_REPORT = "这条消息没有作为报告提交。报送情况请先发送“报告 案件编号”（编号在预警卡片的标题上），再发送报告内容"
NOTES = (
    "发送“取消”可结束正在进行的操作。",
    "群聊中请先 @舆情助手 再发送指令。",
    "案件编号在每张舆情卡片的标题上。",
)


def commands_for(ctx: Context) -> list[Command]:
    """The commands the person's roles allow, grouped: the unit's first, then the desk's, the main leader's,
    and what everyone may send."""
    pid = ctx.person.id if ctx.person else ""
    desks = opener_roles(ctx.org, pid) if pid else {}
    in_unit = reports_for_a_unit(ctx.org, pid)
    main = bool(ctx.person and "main_leader" in ctx.person.roles)
    groups: list[tuple[str, tuple]] = []
    if in_unit:
        groups.append(("承办单位", UNIT))
    if desks:
        lines = DESK_HEAD if _heads_a_desk(ctx, pid) else DESK
        groups.append(("舆情工作台", lines + (CITY_DESK if Role.DESK in desks else ())))
    if main:
        groups.append(("主要领导", MAIN_LEADER + (() if desks else LEADER) + _approves(ctx, pid)))
    elif pid and not desks and _leads(ctx, pid):
        groups.append(("领导", LEADER + _approves(ctx, pid)))
    rest = EVERYONE if in_unit else (MY_DUTIES, *EVERYONE)
    if Role.DESK not in desks and may_see_stats(ctx.org, pid):  # a leader (the city desk's line names it)
        rest = (*STATS, *rest)
    groups.append(("查询", rest))
    return [Command(text, meaning, group) for group, lines in groups for text, meaning in lines]


def _heads_a_desk(ctx: Context, pid: str) -> bool:
    """Whether the person heads the city desk or a county bureau: the desk head of its cases (解除涉密)."""
    return any(u.head == pid for u in ctx.org.units_of(pid) if u.desk or u.kind == "county")


def _leads(ctx: Context, pid: str) -> bool:
    """Whether the person is a leader (main, publicity, or in charge of a unit): they may 督办."""
    roles = set(ctx.person.roles) if ctx.person else set()
    return bool(roles & {"main_leader", "publicity_leader"}) or any(u.leader_in_charge == pid
                                                                     for u in ctx.org.units.values())


def _approves(ctx: Context, pid: str) -> tuple:
    """A leader's approvals (issue 20): 审定 for every leader (the main leader decides in place of either), 审批 for
    a unit's leader in charge and the main leader, 同意报送 for the publicity leader."""
    roles = set(ctx.person.roles) if ctx.person else set()
    in_charge = any(u.leader_in_charge == pid for u in ctx.org.units.values())
    return (SCRIPT_APPROVER + (PLAN_APPROVER if in_charge or "main_leader" in roles else ()) + APPROVER
            + (ONWARD if "publicity_leader" in roles else ()))


def topic_help(name: str, word: str) -> HelpData | None:
    """``帮助 <word>``: the one command explained (a word with two uses, such as 退回修改, both), or None when
    ``word`` is not a command."""
    if word not in TOPICS:
        return None
    uses = TOPICS[word] if isinstance(TOPICS[word][0], tuple) else (TOPICS[word],)
    return HelpData(name, [Command(example, meaning, word) for meaning, example in uses], [NOTES[1], NOTES[0]])


@router.command("帮助", "help", "?", "？")
def show_help(event: Event, ctx: Context) -> list[Reply]:
    """Answer 帮助 with the person's commands, or ``帮助 <词>`` with that command explained."""
    name = ctx.person.name if ctx.person else ""
    word = "".join(command_text(event).split(maxsplit=1)[1:]).strip()
    if word:
        one = topic_help(name, word)
        if one is not None:
            return [Reply(one.card())]
    notes = [*([f"没有“{word}”这个指令，以上是您可以使用的指令。"] if word else []), *NOTES]
    return [Reply(HelpData(name, commands_for(ctx), notes).card())]


def media_answer(event: Event) -> str:
    """A picture or file sent outside a report: what the bot can do with it (never an error)."""
    if event.unsupported or not event.attachments:
        return "暂不支持处理这种消息。可以发送文字指令，或在报送情况时附上图片、文件；发送“帮助”查看可用的指令。"
    return ("已收到，但这条图片/文件没有对应的操作，未作保存。图片和文件可以作为报告的附件：先发送“报告 YQ-…”，"
            "在填写报告内容时一并发送。发送“帮助”查看可用的指令。")


@router.otherwise
def not_understood(event: Event, ctx: Context) -> list[Reply]:
    """Anything else: say so kindly and point to 帮助 (clicks on unknown buttons included)."""
    if event.kind == "click":
        return [Reply(notice("这个按钮已失效或暂不支持，请发送“帮助”查看可用操作。"))]
    if event.kind == "media":
        return [Reply(notice(media_answer(event)))]
    # long text from one who reports is likely a report pasted after its dialog ended (review ux-2026-12-07, finding 5)
    if len(command_text(event)) >= REPORT_LIKE and reports_for_a_unit(ctx.org, ctx.person.id if ctx.person else ""):
        return [Reply(notice(f"{NOT_A_REPORT}；发送“帮助”查看可用的指令。"))]
    return [Reply(notice("抱歉，没有看懂您的意思。发送“帮助”查看可用的指令。"))]
