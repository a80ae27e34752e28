"""测试卡片: a card with one button, to prove that clicks come back and cards update in place.

    (none) --测试卡片--> card with [确认收到]
    card --click case? no: demo.confirm--> the same card shows "已由 <name> 确认" (no live buttons)
"""

from __future__ import annotations

from bot.core.card import Button, Reply
from bot.core.event import Event
from bot.domain.cards.shapes import DemoCardData
from handlers.registry import Context, router

BODY = "点击下面的按钮，确认卡片交互正常。"


@router.command("测试卡片")
def send_demo_card(event: Event, ctx: Context) -> list[Reply]:
    """Send a card with one button."""
    return [Reply(DemoCardData("测试卡片", BODY).card((Button("确认收到", "demo.confirm", {"n": "1"}, "primary"),)))]


@router.action("demo.confirm")
def confirm_demo_card(event: Event, ctx: Context) -> list[Reply]:
    """Show on the clicked card who confirmed; the buttons are gone."""
    name = ctx.person.name if ctx.person else event.user_id
    return [Reply(DemoCardData("测试卡片", BODY, f"已由 {name} 确认").card(), update=True)]
