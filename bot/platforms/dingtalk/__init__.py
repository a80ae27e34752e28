"""DingTalk on the wire: the robot, card and event callbacks in, cards and messages out.

Routes (see ``bot.platforms.registry``): ``inbound.RobotCallback`` (POST /dingtalk/robot),
``cardback.CardCallback`` (POST /dingtalk/card), ``events.EventCallback`` (POST /dingtalk/events);
``outbound.DingTalkMessenger`` sends (its space ids: ``outbound.space``; every card value within 1 KB and
what must follow a card that did not fit: ``card_fit``); ``capabilities`` declares what
DingTalk can do; ``files`` opens what people sent for ``/files/<token>``. ``routes.register_card_callback``
backs ``yuqing dingtalk register-callback``. Wire facts and decisions: docs/platform-dingtalk.md.
"""

__all__ = ["capabilities", "card_fit", "cardback", "client", "events", "files", "inbound", "outbound", "routes",
           "signing", "tokens"]
