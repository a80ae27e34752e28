"""Test-only stand-in for the desk's intake: open a case in the stack's database, assign units and let the
hooks speak — their replies become outbox rows through the same code the worker uses
(``worker.events.reply_messages`` → ``worker.presenting.add_rows`` → ``worker.delivery.schedule``); and
``People``: the org's people typing and clicking through the emulators, and what each has been sent."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from urllib.parse import parse_qsl

import redis

from bot.core.clock import SHANGHAI, utcnow
from bot.core.event import Event
from bot.domain.case.commands import open_case
from bot.domain.context import load_rules
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.unit import commands as unit_commands
from bot.store.case_repo import SessionCaseStore
from bot.store.org_repo import read_organisation
from handlers import leaders, warning
from handlers.registry import Context
from tests.integration.stack import wait_for
from tests.support.capabilities import BOTH
from worker.delivery import schedule
from worker.events import reply_messages
from worker.presenting import add_rows

DESK = "p-li"
_serial = itertools.count(1)


@dataclass
class Opened:
    """A case the test opened: its number and id."""

    number: str
    case_id: int


def open_and_assign(stack, units: list[str], grade: Grade = Grade.GENERAL, title: str = "某超市销售过期食品",
                    confidential: bool = False, opener: str = DESK) -> Opened:
    """Open a case as the desk (李干事; ``opener``: another desk's person, such as a county's), tell leaders of its
    grade, assign ``units`` and send their warnings."""
    now = utcnow()
    # group webhook keys (${WECOM_HOOK_…}) are resolved from the environment, as in the worker
    os.environ.update({k: v for k, v in stack.env.items() if k.startswith("WECOM_HOOK_")})
    with stack.database.session() as session:
        org = read_organisation(session)
        # the stack's own policy (a test's scaled clocks), as the worker reads it
        store, rules = SessionCaseStore(session), load_rules(org, stack.env.get("POLICY_FILE"), stack.env.get("HOLIDAY_FILE"))
        ctx = Context(org=org, person=org.person(opener), now=now, store=store, rules=rules, extra={"answer_where": ""},
                      capabilities=BOTH)
        actor = Actor(opener, "dingtalk")
        opened = open_case(store, rules, actor, now, title=title, grade=grade, source="微博",
                           link="https://weibo.com/1/abc", confidential=confidential)
        replies = list(leaders.after_grade(opened, ctx))
        for unit in units:
            replies += warning.after_assign(unit_commands.assign_unit(store, rules, opened.case.id, actor, now, unit), ctx)
        ids = add_replies(session, org, replies, now, user="0524",
                          dedup_key=f"test-intake-{opened.case.number}-{next(_serial)}")
    schedule_all(stack, ids)
    return Opened(opened.case.number, opened.case.id)


def add_replies(session, org, replies: list, now, *, user: str, dedup_key: str) -> list[int]:
    """The outbox rows of ``replies`` to a system event of DingTalk ``user``, as the worker adds them
    (``worker.events.reply_messages`` → ``worker.presenting.add_rows``); their ids (None for a duplicate)."""
    event = Event(platform="dingtalk", kind="system", user_id=user, chat_id=user, chat_type="single",
                  dedup_key=dedup_key, received_at=now.isoformat())
    ids: list[int] = []
    for i, reply in enumerate(replies):
        ids += add_rows(session, reply_messages(org, event, reply, i), now)
    return ids


def schedule_all(stack, ids: list[int]) -> None:
    """A delivery job for each committed row of ``ids`` on the stack's Redis (``worker.delivery.schedule``)."""
    connection = redis.Redis.from_url(stack.env["REDIS_URL"])
    for row_id in filter(None, ids):
        schedule(_Rt(connection), row_id)


@dataclass
class _Rt:
    redis: redis.Redis


def assignment_states(stack, case_id: int) -> list[tuple[str, str]]:
    """(unit, state) of the case's assignments, oldest first."""
    with stack.database.session() as session:
        return [(a.unit_id, str(a.state)) for a in SessionCaseStore(session).run(lambda repo: repo.assignments(case_id))]


def case_grade(stack, case_id: int) -> int:
    """The case's grade now."""
    with stack.database.session() as session:
        return int(SessionCaseStore(session).run(lambda repo: repo.get_case(case_id)).grade)


def timeline_actions(stack, case_id: int) -> list[str]:
    """The actions on the case's timeline, in order."""
    with stack.database.session() as session:
        return [e.action for e in SessionCaseStore(session).run(lambda repo: repo.timeline(case_id))]


def report_entries(stack, case_id: int) -> list[dict]:
    """The payloads of the case's report.submit entries, in order."""
    with stack.database.session() as session:
        return [e.payload for e in SessionCaseStore(session).run(lambda repo: repo.timeline(case_id))
                if e.action == "report.submit"]


def case_no(serial: int = 1) -> str:
    """The number intake gives this year's ``serial``-th case (``YQ-<year in Shanghai now>-0001``): numbers
    run per year, so a test never writes the year in."""
    return f"YQ-{utcnow().astimezone(SHANGHAI).year}-{serial:04d}"


def opened(stack, number: str | None = None) -> Opened | None:
    """A case opened through intake, by number (by default this year's first; None until it exists)."""
    number = number or case_no(1)
    with stack.database.session() as session:
        case = SessionCaseStore(session).run(lambda repo: repo.case_by_number(number))
    return Opened(case.number, case.id) if case else None


def without_previews(actions: list[str]) -> list[str]:
    """Timeline actions without the link preview's entry (it lands whenever the preview job ends)."""
    return [a for a in actions if a != "case.preview"]


class People:
    """The org's people on their platforms (a DingTalk userid is digits, a WeCom one is not): what each is sent,
    what each types, and the buttons each clicks, all through the emulators' signed callbacks."""

    def __init__(self, stack, timeout: float = 60):
        self.stack, self.dt, self.wecom, self.timeout = stack, stack.emulator.dingtalk, stack.emulator.wecom, timeout

    def wait(self, condition, what: str):
        """``condition``'s first truthy value (the worker's log tail in the message when it times out)."""
        return wait_for(condition, timeout=self.timeout, what=f"{what}\n" + self.stack.worker_log()[-3000:])

    def got(self, user: str) -> list[str]:
        """Everything sent to ``user`` 1:1, oldest first (a DingTalk card as the person sees it now)."""
        if user.isdigit():
            return [str(self.dt.card_view(m.out_track_id, user)) if m.channel == "card" else str(m.content)
                    for m in self.dt.messages_for_user(user)]
        return [str(m.get("content", m)) for m in self.wecom.messages_for_user(user)]

    def say(self, user: str, text: str) -> None:
        if user.isdigit():
            self.dt.say_to_bot(user, text)
        else:
            self.wecom.act_as(user).send_text(text)

    def converse(self, user: str, *texts: str) -> None:
        """Type ``texts`` one after another, each once the answer to the one before has arrived."""
        for text in texts:
            seen = len(self.got(user))
            self.say(user, text)
            self.wait(lambda: len(self.got(user)) > seen, what=f"{user} answered after {text!r}")

    def exchange(self, user: str, *turns: tuple[str, str]) -> None:
        """For each (text, words): type ``text``, then wait for an answer that says ``words``."""
        for text, words in turns:
            seen = len(self.got(user))
            self.say(user, text)
            self.wait(lambda: any(words in t for t in self.got(user)[seen:]),
                      what=f"{user} told {words!r} after {text!r}")

    def told(self, user: str, words: str) -> None:
        self.wait(lambda: any(words in t for t in self.got(user)), what=f"{user} told {words!r}")

    def press(self, user: str, title: str, action: str, **params: str) -> None:
        """Click the button ``action`` whose params include ``params`` (e.g. ``case=<number>``) on the newest
        card titled ``title…`` that ``user`` holds."""
        if user.isdigit():
            out_track_id, button = self.wait(lambda: dt_button(self.dt, user, title, action, params),
                                             what=f"{user}'s {action} {params} on {title!r}")
            self.dt.click(user, out_track_id, button["action_id"])
        else:
            self.wecom.act_as(user).click(*self.wait(lambda: wecom_button(self.wecom, user, title, action, params),
                                                     what=f"{user}'s {action} {params} on {title!r}"))


def _has(given: dict, wanted: dict) -> bool:
    return all(str(given.get(k)) == str(v) for k, v in wanted.items())


def wecom_button(wecom, user: str, title: str, action: str, params: dict) -> tuple[str, str] | None:
    """(task id, key) of the button ``action`` with ``params`` on the newest WeCom card of ``user`` whose title
    starts with ``title``; None when there is none yet."""
    for card in reversed(wecom.cards_for_user(user)):
        if card["card"].get("main_title", {}).get("title", "").startswith(title):
            keys = [k for k in card["clickable"] if k.partition("?")[0] == action
                    and _has(dict(parse_qsl(k.partition("?")[2])), params)]
            if keys:
                return card["task_id"], keys[0]
    return None


def dt_button(dt, user: str, title: str, action: str, params: dict) -> tuple[str, dict] | None:
    """(out_track_id, button) of the button ``action`` with ``params`` on the newest DingTalk card of ``user``
    whose title starts with ``title``; None when there is none yet."""
    for m in reversed([m for m in dt.messages_for_user(user) if m.channel == "card"]):
        view = dt.card_view(m.out_track_id, user)
        if view["title"].startswith(title):
            button = next((b for b in view["buttons"] if (b["action_id"] or "").partition("#")[0] == action
                           and _has(b["params"], params)), None)
            if button:
                return m.out_track_id, button
    return None
