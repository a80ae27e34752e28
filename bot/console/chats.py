"""A person's chats as their phone would list them, and each chat's messages as bubbles.

Owns: ``ChatRef`` (one chat: platform, 1:1 or group, the id the emulator knows it by) and the
translation of the emulators' records into plain bubbles the templates draw — text, markdown,
links, pictures and files (``bot.console.files``), WeCom template cards and DingTalk interactive cards (as the
person sees them now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.console import files
from bot.console.emulators import EmulatorControl
from bot.console.richtext import markdown_html

__all__ = ["ChatRef", "chats_for", "find_chat", "bubbles", "message_counts"]

TZ = ZoneInfo("Asia/Shanghai")
BOT_NAME = "舆情助手"
SMART_BOT = ("aibot", "aibot_ws")  # the channels of the smart bot's 1:1 chat (callback and long connection)
WECOM_BOTS = {"app": "舆情助手（应用）", "aibot": "舆情助手（智能机器人）", "webhook": "群机器人",
              "appchat": "舆情助手（应用）"}


@dataclass(frozen=True)
class ChatRef:
    """One chat of one person. ``key`` is how the page names it; ``target`` how the emulator does
    (a WeCom group's name, a DingTalk open conversation id); ``mention`` the WeCom smart-bot chatid."""

    platform: str
    kind: str
    target: str
    title: str
    mention: str = ""

    @property
    def key(self) -> str:
        """``wecom.direct`` (the app), ``wecom.aibot`` (the smart bot 1:1), ``wecom.group.<name>``,
        ``dingtalk.direct`` (the robot 1:1), ``dingtalk.notice`` (工作通知) or ``dingtalk.group.<cid>``."""
        return f"{self.platform}.{self.kind}" + (f".{self.target}" if self.kind == "group" else "")

    @property
    def writable(self) -> bool:
        """Whether the person can write to the bot here (a WeCom group needs the smart bot)."""
        if self.kind == "notice":
            return False
        return not (self.platform == "wecom" and self.kind == "group" and not self.mention)


def chats_for(person, wecom_dir: dict | None, ding_dir: dict | None) -> list[ChatRef]:
    """The person's chats: 1:1 with the bot and the groups the emulators count them in."""
    chats: list[ChatRef] = []
    if person.wecom and wecom_dir is not None:
        chats.append(ChatRef("wecom", "direct", person.wecom, BOT_NAME + "（应用）"))
        if wecom_dir.get("aibot"):
            chats.append(ChatRef("wecom", "aibot", person.wecom, BOT_NAME + "（智能机器人）"))
        chats += _wecom_groups(person.wecom, wecom_dir)
    if person.dingtalk and ding_dir is not None:
        chats.append(ChatRef("dingtalk", "direct", person.dingtalk, BOT_NAME))
        chats.append(ChatRef("dingtalk", "notice", person.dingtalk, "工作通知"))
        members = ding_dir.get("members") or {}
        for cid, name in sorted((ding_dir.get("groups") or {}).items(), key=lambda kv: kv[1]):
            if person.dingtalk in (members.get(cid) or []):
                chats.append(ChatRef("dingtalk", "group", cid, name))
    return chats


def _wecom_groups(userid: str, wecom_dir: dict) -> list[ChatRef]:
    appchats = wecom_dir.get("appchats") or {}
    members = {**(wecom_dir.get("members") or {}), **{k: v.get("userlist") or [] for k, v in appchats.items()}}
    names = {**(wecom_dir.get("webhooks") or {}), **(wecom_dir.get("aibot_chats") or {}),
             **{k: v.get("name", k) for k, v in appchats.items()}}
    me = userid.lower()
    mine = {name for key, name in names.items() if me in [m.lower() for m in members.get(key) or []]}
    aibot = {name: chatid for chatid, name in (wecom_dir.get("aibot_chats") or {}).items()}
    return [ChatRef("wecom", "group", name, name, aibot.get(name, "")) for name in sorted(mine)]


def find_chat(chats: list[ChatRef], key: str | None) -> ChatRef | None:
    """The chat named ``key``, else the first one, else None."""
    return next((c for c in chats if c.key == key), chats[0] if chats else None)


def bubbles(control: EmulatorControl, chat: ChatRef, person, names: dict[str, str]) -> list[dict]:
    """The chat's messages, oldest first, as bubbles for ``person``; ``names`` maps platform ids to names."""
    if chat.platform == "wecom":
        raw = _raw(control, chat)
        held = {c["task_id"]: c for c in control.wecom_user_cards(person.wecom)} if any(
            m.get("msgtype") == "template_card" for m in raw) else {}
        group = chat.target if chat.kind == "group" else ""
        return [_wecom_bubble(m, person.wecom, names, held, control, group) for m in raw]
    return [_dingtalk_bubble(control, m, person.dingtalk, names) for m in _raw(control, chat)]


def message_counts(control: EmulatorControl, chats: list[ChatRef]) -> dict[str, int]:
    """How many messages each chat holds (the page marks what arrived since the person last looked)."""
    return {chat.key: len(_raw(control, chat)) for chat in chats}


def _raw(control: EmulatorControl, chat: ChatRef) -> list[dict]:
    if chat.platform == "wecom" and chat.kind == "group":
        return control.wecom_group_chat(chat.target)
    if chat.platform == "wecom":  # one record per person; the phone shows the app and the smart bot apart
        smart = chat.kind == "aibot"
        return [m for m in control.wecom_user_chat(chat.target) if (m.get("channel") in SMART_BOT) == smart]
    if chat.kind == "group":
        return control.dingtalk_group_chat(chat.target)
    notices = chat.kind == "notice"  # DingTalk shows work notices in their own conversation
    return [m for m in control.dingtalk_user_chat(chat.target) if (m.get("channel") == "work_notice") == notices]


def _clock(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch, TZ).strftime("%H:%M:%S") if epoch else ""


def _wecom_bubble(m: dict, me: str, names: dict[str, str], held: dict[str, dict], control: EmulatorControl,
                  group: str) -> dict:
    sender = m.get("sender", "")
    bot = sender in WECOM_BOTS
    bubble = {"id": f"w{m.get('seq')}", "mine": sender.lower() == (me or "").lower(), "bot": bot,
              "sender": WECOM_BOTS.get(sender) or names.get(sender, sender), "time": _clock(m.get("time")),
              "truncated": m.get("truncated", False)}
    content = m.get("content") or {}
    msgtype = m.get("msgtype", "")
    if msgtype == "template_card":
        task_id = m.get("task_id") or content.get("task_id")
        mine = held.get(task_id)  # the card as this person holds it now; absent: they cannot click it
        return {**bubble, "kind": "wecom_card", "card": mine["card"] if mine else content, "task_id": task_id,
                "greyed": mine["greyed"] if mine else m.get("greyed"),
                "clickable": list(mine.get("clickable") or []) if mine else []}
    if msgtype in ("markdown", "markdown_v2"):
        return {**bubble, "kind": "markdown", "html": markdown_html(content.get("content", ""))}
    if msgtype == "link":
        return {**bubble, "kind": "link", "title": content.get("title", ""), "url": content.get("url", ""),
                "text": content.get("description", "")}
    if msgtype == "textcard":
        return {**bubble, "kind": "link", "title": content.get("title", ""), "url": content.get("url", ""),
                "text": content.get("description", "")}
    if msgtype == "news":
        article = (content.get("articles") or [{}])[0]
        return {**bubble, "kind": "link", "title": article.get("title", ""), "url": article.get("url", ""),
                "text": article.get("description", "")}
    if msgtype == "text":
        return {**bubble, "kind": "text", "text": content.get("content", "")}
    if msgtype in ("image", "file"):
        return {**bubble, **files.wecom_media(control, msgtype, content, group, m.get("seq"))}
    return {**bubble, "kind": "other", "msgtype": msgtype, "raw": content}


def _dingtalk_bubble(control: EmulatorControl, m: dict, me: str, names: dict[str, str]) -> dict:
    sender = m.get("sender", "")
    bot = sender == "bot"
    label = {"work_notice": "工作通知"}.get(m.get("channel", ""), BOT_NAME)
    bubble = {"id": f"d{m.get('seq')}", "mine": sender == me, "bot": bot,
              "sender": label if bot else names.get(sender, sender), "time": _clock(m.get("at")),
              "at_users": [names.get(u, u) for u in m.get("at_user_ids") or []]}
    content = m.get("content") or {}
    msgtype = m.get("msgtype", "")
    if m.get("channel") == "card" and m.get("out_track_id"):
        found = control.dingtalk_card(m["out_track_id"], me)
        view = (found or {}).get("view") or {"title": "（卡片已不存在）", "buttons": [], "facts": []}
        return {**bubble, "kind": "dingtalk_card", "card": {**view, "body_html": markdown_html(view.get("body", ""))},
                "out_track_id": m["out_track_id"]}
    if m.get("channel") == "inbound":
        text = content.get("text", "")
        return {**bubble, "kind": "text", "text": f"@{BOT_NAME} {text}" if m.get("group") else text}
    if msgtype in ("markdown", "sampleMarkdown"):
        return {**bubble, "kind": "markdown", "title": content.get("title", ""),
                "html": markdown_html(content.get("text", ""))}
    if msgtype in ("text", "sampleText"):
        return {**bubble, "kind": "text", "text": content.get("content", "")}
    if msgtype == "sampleFile":
        return {**bubble, **files.dingtalk_file(control, content)}
    if msgtype == "sampleImageMsg" and str(content.get("photoURL", "")).startswith(("http://", "https://")):
        return {**bubble, "kind": "image", "name": "图片", "size": "", "url": content["photoURL"]}
    if msgtype in ("link", "sampleLink"):
        return {**bubble, "kind": "link", "title": content.get("title", ""),
                "url": content.get("messageUrl", ""), "text": content.get("text", "")}
    if msgtype in ("actionCard", "action_card") or msgtype.startswith("sampleActionCard"):
        return {**bubble, "kind": "markdown", "title": content.get("title", ""),
                "html": markdown_html(content.get("text") or content.get("markdown", ""))}
    if msgtype == "oa":
        body = content.get("body") or {}
        lines = [f"{f.get('key', '')}{f.get('value', '')}" for f in body.get("form") or [] if isinstance(f, dict)]
        return {**bubble, "kind": "text", "text": "\n".join(filter(None, [body.get("title"), body.get("content"), *lines]))}
    return {**bubble, "kind": "other", "msgtype": msgtype, "raw": content}
