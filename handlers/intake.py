"""收集 (Art. 11): the desk forwards a link (a link message, or text holding links) or types ``立案 …``,
1:1 or by @-mentioning the bot in a group → a case opens, and the desk gets its card (grade and units
as buttons). The same story again (the link normalised) → "已立案 YQ-…" with a button to add the
sighting. Anyone else gets a polite refusal and nothing changes; a unit's liaison or head whose text holds a
link (often a report pasted after its dialog ended) is told how to report instead.

    (none) --link / 立案 text--> [desk?] --no--> refusal
                                   └─yes─> [same story open?] --yes--> duplicate card (END)
                                                  └─no──> open_case → desk card, preview job (END)

A one-step dialog: it is an entry point (so it takes links before the command router) that ends at once.
Its precedence is LAST: every dialog that starts on its own command word is tried first, so
``报告 YQ-… https://…`` starts the report dialog, not a new case.
"""

from __future__ import annotations

from bot.core import queues
from bot.core.card import Reply
from bot.core.conversation import END, LAST, Conversation, Step
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.intake_card import duplicate_card
from bot.domain.case.commands import open_case
from bot.domain.intake.links import find_links, source_of
from bot.domain.intake.reading import TITLE_CHARS, first_line_title, link_key
from bot.domain.errors import NotPermitted
from bot.domain.permissions import reports_for_a_unit, require_desk
from bot.domain.records import Intake
from handlers.case_lookup import current_intake_card
from handlers.help import NOT_A_REPORT
from handlers.registry import Context, dialog, router

OPEN_WORDS = ("立案",)


def links_of(event: Event) -> list[str]:
    """The links an event carries: a link message's URL, else the links in its text."""
    if event.kind == "link" and event.url:
        return [event.url]
    return find_links(event.text) if event.kind in ("text", "mention") else []


def is_intake(event: Event) -> bool:
    """Matcher: a link message, a text with links, or ``立案 <text>`` — but not a command that happens to
    hold a link (``补充 YQ-… https://…``). Another dialog's start (``报告 YQ-… https://…``) never gets
    here: intake's precedence is LAST."""
    if event.kind == "click":
        return False
    words = command_text(event).split(maxsplit=1)
    if words and words[0] in OPEN_WORDS:
        return True
    return bool(links_of(event)) and not (words and words[0].lower() in router.commands)


def title_of(event: Event, link: str | None) -> tuple[str, str]:
    """The title and where it came from: the link message's title, the text's first line, else the link."""
    if event.kind == "link" and event.title.strip():
        return event.title.strip()[:TITLE_CHARS], "message"
    text = command_text(event)
    words = text.split(maxsplit=1)
    if words and words[0] in OPEN_WORDS:
        text = words[1] if len(words) > 1 else ""
    line = first_line_title(text)
    if line:
        return line, "text"
    return (link or "")[:TITLE_CHARS], "link"


def receive(event: Event, ctx: Context, data: dict) -> Step:
    """Open a case from the forwarded item, or point to the open case of the same story."""
    try:
        require_desk(ctx.org, ctx.person_id)
    except NotPermitted as exc:
        if not reports_for_a_unit(ctx.org, ctx.person_id):
            raise
        return Step(END, (Reply(notice(f"{NOT_A_REPORT}。{exc.message}")),))
    links = links_of(event)
    link = links[0] if links else None
    normal = link_key(link) if link else None
    source = str(source_of(link)) if link else "other"
    if normal is not None:
        existing = ctx.store.run(lambda repo: repo.open_case_with_link(link))
        if existing is not None:
            return Step(END, (Reply(duplicate_card(existing, ctx.now, link, source), case_id=existing.id),))
    title, title_from = title_of(event, link)
    if not title:
        return Step(END, (_usage(),))
    summary = event.text.strip()[:2000] if event.kind == "link" else None
    outcome = open_case(ctx.store, ctx.rules, ctx.actor(event), ctx.now, title=title, source=source, link=link,
                        intake=Intake(title_from, summary=summary or None))  # real intake: never a drill
    if normal is not None:
        ctx.after_commit(queues.PREVIEW_LINK, outcome.case.id)
    status = f"消息中另有 {len(links) - 1} 个链接未立案，如属不同舆情请分别转发。" if len(links) > 1 else ""
    return Step(END, (Reply(current_intake_card(ctx, outcome.case.id, status), case_id=outcome.case.id),))


def _usage() -> Reply:
    return Reply(notice("请在“立案”后写上舆情的标题或内容，或直接转发链接。"))


INTAKE = dialog(Conversation(name="intake", entry_points=[(is_intake, receive)], states={}, precedence=LAST))
