"""测试卡片: a card with one button, to prove that clicks come back and cards update in place.

    (none) --测试卡片--> card with [确认收到]
    card --click case? no: demo.confirm--> the same card shows "已由 <name> 确认" (no live buttons)
"""

from __future__ import annotations

from bot.core.card import Button, Card, Reply
from bot.core.event import Event
from handlers.registry import Context, router


@router.command("测试卡片")
def send_demo_card(event: Event, ctx: Context) -> list[Reply]:
    """Send a card with one button."""
    data = {"title": "测试卡片", "body": "点击下面的按钮，确认卡片交互正常。", "status": ""}
    return [Reply(Card("demo_card", data, (Button("确认收到", "demo.confirm", {"n": "1"}, "primary"),)))]


@router.action("demo.confirm")
def confirm_demo_card(event: Event, ctx: Context) -> list[Reply]:
    """Show on the clicked card who confirmed; the buttons are gone."""
    name = ctx.person.name if ctx.person else event.user_id
    data = {"title": "测试卡片", "body": "点击下面的按钮，确认卡片交互正常。", "status": f"已由 {name} 确认"}
    return [Reply(Card("demo_card", data), update=True)]
