"""帮助: what the bot can do for the person asking, and a friendly answer to anything not understood."""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.domain.cards import notice
from bot.domain.cards.shapes import Command, HelpData
from handlers.registry import Context, router

COMMANDS = (
    ("帮助", "查看本说明"),
    ("我的待办", "查看需要您处理的事项和剩余时间"),
    ("案件 YQ-2026-0001", "查看某个案件的状态"),
    ("签收 YQ-2026-0001", "签收本单位的舆情预警"),
    ("报告 YQ-2026-0001", "报送初报、核报、续报或专项报告"),
    ("退回 YQ-2026-0001", "非本单位职责：说明理由后退回舆情工作台"),
    ("领导签收 YQ-2026-0001", "主要领导：签收特别重大舆情"),
    ("转发链接 / 立案 标题", "舆情工作台：立案（同一链接会提示已立案）"),
    ("分派 YQ-2026-0001 单位名称", "舆情工作台：分派承办单位"),
    ("补充 YQ-2026-0001 链接", "舆情工作台：同一舆情的其他链接"),
    ("定级 YQ-2026-0001 [等级 理由]", "舆情工作台：研判定级或调整等级"),
    ("改派 YQ-2026-0001 单位名称", "舆情工作台：把被退回的案件改派其他单位"),
    ("转办", "舆情工作台：登记上级转办的舆情"),
)


@router.command("帮助", "help", "?", "？")
def show_help(event: Event, ctx: Context) -> list[Reply]:
    """Answer 帮助 with the list of commands."""
    name = ctx.person.name if ctx.person else ""
    return [Reply(HelpData(name, [Command(t, m) for t, m in COMMANDS]).card())]


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
    return [Reply(notice("抱歉，没有看懂您的意思。发送“帮助”查看可用的指令。"))]
