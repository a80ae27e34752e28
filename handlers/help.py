"""帮助: what the bot can do for the person asking — only the commands their roles allow, grouped, each with
an example to type as it stands — ``帮助 <词>`` for one command explained, and a friendly answer to anything
not understood (review ux-2026-12-07, finding 9).

    帮助 --> the person's groups: 承办单位 (签收, 报告, 退回 first), 舆情工作台, 主要领导, then 查询 for all;
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
from handlers.registry import Context, router

N = "YQ-2026-0001"
MY_DUTIES = ("我的待办", "查看需要您处理的事项和截止时间")
UNIT = (
    (f"签收 {N}", "签收本单位的舆情预警"),
    (f"报告 {N}", "报送初报、核报、续报或专项报告"),
    MY_DUTIES,
    (f"退回 {N}", "不属于本单位职责：说明理由后退回舆情工作台"),
)
DESK = (
    ("转发舆情链接", "立案；也可发送“立案 标题或内容”"),
    (f"定级 {N} 重大 理由…", "定级或调整等级"),
    (f"分派 {N} 单位名称", "分派承办单位（可写多个）"),
    (f"改派 {N} 单位名称", "把被退回的案件改派其他单位"),
    (f"补充 {N} 链接", "同一舆情的其他链接"),
)
CITY_DESK = (("转办", "登记上级转办的舆情"),)
MAIN_LEADER = ((f"领导签收 {N}", "签收特别重大舆情的舆情通报"),)
EVERYONE = (
    (f"案件 {N}", "查看某个案件的状态"),
    ("帮助 定级", "查看某个指令的说明"),
)
TOPICS = {
    "签收": ("签收本单位收到的舆情预警，签收后即可报送情况。", f"签收 {N}"),
    "报告": ("报送初报、核报、续报或专项报告：先选报告类型，再发送报告内容（可附链接、图片或文件），确认后提交。", f"报告 {N}"),
    "退回": ("舆情不属于本单位职责时，说明理由后退回舆情工作台改派。", f"退回 {N}"),
    "我的待办": ("列出需要您处理的事项，按截止时间先后排列。", "我的待办"),
    "案件": ("查看案件的等级、承办单位和待办事项。", f"案件 {N}"),
    "定级": ("研判定级或调整等级，等级为一般、敏感、重大或特别重大，可在等级后写理由。", f"定级 {N} 重大 理由…"),
    "分派": ("分派承办单位：可写简称，多个单位用空格或顿号隔开；只写案件编号时会逐步询问。", f"分派 {N} 食品生产安全监督管理科"),
    "改派": ("承办单位退回后，把案件改派其他单位。", f"改派 {N} 单位名称"),
    "补充": ("把同一舆情的其他链接记入案件。", f"补充 {N} 链接"),
    "转办": ("登记上级转办的舆情：按提示依次回复转办来源、转办单编号、反馈期限和舆情内容。", "转办"),
    "领导签收": ("主要领导签收特别重大舆情的舆情通报。", f"领导签收 {N}"),
    "取消": ("结束正在进行的操作（如填写报告、分派单位）。", "取消"),
    "立案": ("舆情工作台立案：直接转发舆情链接，或发送“立案 标题或内容”。", "立案 某超市销售过期食品"),
}
REPORT_LIKE = 15  # characters: shorter text is a word or a command, not a report
NOT_A_REPORT = "这条消息没有作为报告提交。报送情况请先发送“报告 案件编号”（编号在预警卡片的标题上），再发送报告内容"
NOTES = (
    "发送“取消”可结束正在进行的操作（如填写报告）。",
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
        groups.append(("舆情工作台", DESK + (CITY_DESK if Role.DESK in desks else ())))
    if main:
        groups.append(("主要领导", MAIN_LEADER))
    rest = EVERYONE if in_unit else (MY_DUTIES, *EVERYONE)
    groups.append(("查询", rest))
    return [Command(text, meaning, group) for group, lines in groups for text, meaning in lines]


def topic_help(name: str, word: str) -> HelpData | None:
    """``帮助 <word>``: the one command explained, or None when ``word`` is not a command."""
    if word not in TOPICS:
        return None
    meaning, example = TOPICS[word]
    return HelpData(name, [Command(example, meaning, word)], [NOTES[1], NOTES[0]])


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
