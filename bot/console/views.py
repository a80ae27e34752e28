"""Console routes: the page, its polled fragments, and acting as a person through the emulators.

Reads the store only; the bytes of a picture or file the bot sent come from the emulators (``/console/media/…``).
Every act (writing, pasting a link, @-mentioning, clicking a button) is
sent to an emulator's act-as endpoint, which sends the real signed callback to the bot; 开始演练 runs
``yuqing drill start`` (``bot/console/drill.py``), which opens the drill case and has the worker send its cards.
A form posted without JavaScript is answered with a redirect back to the page; the page's
script posts with ``X-Console-Fetch: 1`` and gets JSON.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for

from bot.console import drill as drills
from bot.console import files
from bot.console import page as pages
from bot.console.board import read_board, read_timeline
from bot.console.chats import bubbles, message_counts
from bot.console.emulators import ActRefused, EmulatorUnavailable

console = Blueprint("console", __name__, template_folder="templates", static_folder="static",
                    static_url_path="/console/static")

URL = re.compile(r"https?://\S+")


@console.app_template_filter("http_url")
def http_url(value) -> str:
    """``value`` when it is an http(s) URL, else "#": a message can never carry a script link."""
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else "#"


@console.get("/")
def index():
    """The whole console: people, the chosen person's chats, the case board and 开始演练."""
    page = pages.load_page(request.args.get("person"), request.args.get("chat"))
    duties = pages.duties_of(page.org, page.person) if page.person else []
    return render_template("console_index.html", page=page, groups=pages.people_by_unit(page.org), duties=duties,
                           counts=_counts(page),
                           info=current_app.extensions.get("yuqing.demo", {}), scenarios=drills.SCENARIOS,
                           scales=drills.SCALES, default_scenario=drills.DEFAULT_SCENARIO,
                           default_scale=drills.DEFAULT_SCALE,
                           case=request.args.get("case", ""), notice=request.args.get("notice", ""),
                           **_side(page.org, request.args.get("case", "")), **_messages(page))


@console.get("/console/chat")
def chat_fragment():
    """The selected chat's messages (polled by the page)."""
    page = pages.load_page(request.args.get("person"), request.args.get("chat"))
    return render_template("_messages.html", page=page, **_messages(page))


@console.get("/console/chats")
def chat_list():
    """The acting person's chats with their message counts (polled by the page)."""
    page = pages.load_page(request.args.get("person"), request.args.get("chat"))
    return render_template("_chat_list.html", page=page, p=page.person, chat=page.chat,
                           case=request.args.get("case", ""), counts=_counts(page))


@console.get("/console/side")
def side_fragment():
    """The case board and the selected case's timeline (polled by the page)."""
    org = pages.organisation()
    return render_template("_side.html", case=request.args.get("case", ""),
                           **_side(org, request.args.get("case", "")))


@console.get("/console/media/<platform>/<media_id>")
def media(platform: str, media_id: str):
    """The bytes of a picture or file the bot sent (a media the emulator keeps), inline, or as a download with
    ``?download=1``; 404 when the emulator no longer keeps it."""
    if platform not in ("wecom", "dingtalk"):
        return "没有这个平台", 404
    try:
        found = pages.control().media_content(platform, media_id)
    except EmulatorUnavailable as err:
        return f"模拟器无法访问：{err}", 502
    if found is None:
        return "文件已过期或已被清除", 404
    data, content_type, name = found
    return _bytes(data, content_type, name or media_id)


@console.get("/console/media/wecom/groups/<group>/<int:seq>")
def webhook_picture(group: str, seq: int):
    """The bytes of a WeCom group robot's picture (its base64 in the message ``seq`` of ``group``)."""
    try:
        found = files.webhook_picture(pages.control(), group, seq)
    except (EmulatorUnavailable, ActRefused) as err:
        return f"模拟器无法访问：{err}", 502
    if found is None:
        return "没有这张图片", 404
    return _bytes(*found, f"图片-{seq}.{'png' if found[1] == 'image/png' else 'jpg'}")


def _bytes(data: bytes, content_type: str, name: str) -> Response:
    disposition = "attachment" if request.args.get("download") == "1" else "inline"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
               "Cache-Control": "private, max-age=600"}
    return Response(data, mimetype=content_type, headers=headers)


@console.post("/console/send")
def send():
    """Act as the person: write (or paste a link) 1:1, or @-mention the bot in a group."""
    page = pages.load_page(request.form.get("person"), request.form.get("chat"))
    text = request.form.get("text", "").strip()
    if page.chat is None or not text:
        return _answer(page, "没有可发送的内容或会话", 400)
    return _act(page, lambda: _send(page, text, request.form.get("as_link") == "1"))


@console.post("/console/click")
def click():
    """Act as the person: click a card button."""
    page = pages.load_page(request.form.get("person"), request.form.get("chat"))
    if page.chat is None:
        return _answer(page, "没有这个会话", 400)
    emulators, form = pages.control(), request.form
    if page.chat.platform == "wecom":
        return _act(page, lambda: emulators.wecom_act(page.person.wecom, "click", task_id=form.get("card", ""),
                                                      key=form.get("key", "")))
    return _act(page, lambda: emulators.dingtalk_click(page.person.dingtalk, form.get("card", ""),
                                                       form.get("key", "")))


@console.post("/console/drill")
def drill():
    """开始演练: open one drill case of a shipped scenario at the chosen scale (``yuqing drill start``, which
    also has the worker send its cards); the notice names the drill's case, which the board then shows."""
    try:
        scale = int(request.form.get("scale") or drills.DEFAULT_SCALE)
    except ValueError:
        return _back("时限缩放须为数字", 400)
    try:
        started = drills.start_drill(request.form.get("scenario") or drills.DEFAULT_SCENARIO, scale,
                                     current_app.extensions["yuqing.settings"].values)
    except drills.DrillRefused as err:
        return _back(str(err), 400)
    notice = f"已开始演练 {started.number}（{drills.SCENARIOS[started.scenario]}，时限 ×1/{started.scale}）"
    if request.headers.get("X-Console-Fetch"):
        return jsonify(ok=True, number=started.number, notice=notice)
    return _back(notice, case=started.number)


def _send(page, text: str, as_link: bool):
    emulators, chat, person = pages.control(), page.chat, page.person
    if chat.platform == "wecom" and chat.kind == "direct":
        link = URL.search(text) if as_link else None
        if link:
            title = (text[:link.start()] + text[link.end():]).strip() or link.group(0)
            return emulators.wecom_act(person.wecom, "link", title=title, url=link.group(0))
        return emulators.wecom_act(person.wecom, "text", content=text)
    if chat.platform == "wecom" and chat.kind == "aibot":
        return emulators.wecom_act(person.wecom, "bot_text", content=text)
    if chat.platform == "wecom":
        return emulators.wecom_act(person.wecom, "mention", chatid=chat.mention, content=text)
    return emulators.dingtalk_say(person.dingtalk, text, group=chat.target if chat.kind == "group" else None)


def _act(page, action):
    try:
        action()
    except ActRefused as err:
        return _answer(page, f"模拟器拒绝了这个操作：{err}", 400)
    except EmulatorUnavailable as err:
        return _answer(page, f"模拟器无法访问：{err}", 502)
    return _answer(page, "", 200)


def _answer(page, error: str, status: int):
    if request.headers.get("X-Console-Fetch"):
        return jsonify(ok=not error, error=error), status
    target = {"person": page.person.id if page.person else "", "chat": page.chat.key if page.chat else ""}
    return redirect(url_for("console.index", **target, notice=error or None), 303)


def _back(notice: str, status: int = 200, case: str | None = None):
    if request.headers.get("X-Console-Fetch"):
        return jsonify(ok=status == 200, error=notice if status != 200 else ""), status
    return redirect(url_for("console.index", person=request.form.get("person") or None,
                            chat=request.form.get("chat") or None, case=case or request.form.get("case") or None,
                            notice=notice), 303)


def _messages(page) -> dict:
    if page.chat is None or page.person is None:
        return {"bubbles": [], "chat_error": page.error}
    try:
        return {"bubbles": bubbles(pages.control(), page.chat, page.person, pages.names(page.org)), "chat_error": ""}
    except (EmulatorUnavailable, ActRefused) as err:
        return {"bubbles": [], "chat_error": f"模拟器无法访问：{err}"}


def _counts(page) -> dict[str, int]:
    try:
        return message_counts(pages.control(), page.chats)
    except (EmulatorUnavailable, ActRefused):
        return {}


def _side(org, case: str) -> dict:
    database, known = current_app.extensions["yuqing.database"], pages.names(org)
    board = read_board(database, known)
    return {"board": board, "timeline": read_timeline(database, case, known)}
