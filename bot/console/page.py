"""What one console page shows: the organisation, who is acting, their chats, the selected chat.

Owns the console's settings on the app (``app.extensions["yuqing.console"]``: the emulators'
address), the look-ups of people and names, and the choice of
defaults (the desk's first liaison, their first chat).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app

from bot.console.chats import ChatRef, chats_for, find_chat
from bot.console.emulators import ActRefused, EmulatorControl, EmulatorUnavailable
from bot.store.org_repo import read_organisation

__all__ = ["ConsoleSettings", "Page", "settings", "control", "organisation", "names", "duties_of", "people_by_unit",
           "load_page"]

EXTENSION = "yuqing.console"
ORG_CACHE = "yuqing.console.organisation"
ORG_TTL = 5.0


@dataclass(frozen=True)
class ConsoleSettings:
    """Where the emulators answer."""

    emulator_url: str


def settings() -> ConsoleSettings:
    """The console's settings; without :func:`bot.console.install`, the emulator is where the bot
    sends WeCom calls (``WECOM_API_BASE``), which is the emulator in ``yuqing demo``."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        app_settings = current_app.extensions.get("yuqing.settings")
        url = (app_settings.get("WECOM_API_BASE") or app_settings.get("DINGTALK_API_BASE")) if app_settings else ""
        found = ConsoleSettings(url or "http://127.0.0.1:0")
    return found


def control() -> EmulatorControl:
    """A client of the emulators' control endpoints."""
    return EmulatorControl(settings().emulator_url)


def organisation():
    """The organisation as stored (read-only), read again at most every ORG_TTL seconds: the page
    polls often and the organisation changes only with ``yuqing org load``."""
    cached = current_app.extensions.get(ORG_CACHE)
    if cached and time.monotonic() - cached[0] < ORG_TTL:
        return cached[1]
    with current_app.extensions["yuqing.database"].session() as session:
        org = read_organisation(session)
    current_app.extensions[ORG_CACHE] = (time.monotonic(), org)
    return org


def names(org) -> dict[str, str]:
    """Display names of person ids, unit ids, WeCom and DingTalk user ids."""
    found = {u.id: u.name for u in org.units.values()}
    for p in org.people.values():
        found[p.id] = p.name
        for platform_id in (p.wecom, p.dingtalk):
            if platform_id:
                found[platform_id] = p.name
    return found


def default_person(org) -> str:
    """The desk's first liaison (the one who forwards links), else the first person."""
    for unit in org.units.values():
        if unit.desk and unit.liaisons:
            return unit.liaisons[0]
    return next(iter(org.people), "")


ROLE_LABELS = {"main_leader": "主要领导", "publicity_leader": "分管宣传领导", "admin": "管理员"}


def duties_of(org, person) -> list[str]:
    """What the person is in the organisation, in words: roles, units they head or liaise for, units in charge."""
    found = [ROLE_LABELS.get(r, r) for r in person.roles]
    for unit in org.units.values():
        if unit.head == person.id:
            found.append(f"{unit.name}·负责人")
        if person.id in unit.liaisons:
            found.append(f"{unit.name}·联络员")
        if person.id in unit.members:
            found.append(f"{unit.name}·成员")
        if unit.leader_in_charge == person.id:
            found.append(f"分管{unit.name}")
    return found


def people_by_unit(org) -> list[tuple[str, list]]:
    """(unit name, its people) for the picker; leaders and people of no unit come first."""
    placed: set[str] = set()
    groups = []
    for unit in org.units.values():
        ids = [i for i in (unit.head, *unit.liaisons, *unit.members) if i in org.people]
        placed.update(ids)
        groups.append((unit.name, [org.people[i] for i in ids]))
    others = [p for pid, p in org.people.items() if pid not in placed]
    return [("局领导及其他", others)] + groups if others else groups


@dataclass
class Page:
    """The acting person, their chats and the selected one, and what could not be read."""

    org: object
    person: object | None
    chats: list[ChatRef] = field(default_factory=list)
    chat: ChatRef | None = None
    error: str = ""


def load_page(person_id: str | None, chat_key: str | None) -> Page:
    """The page for ``person_id`` (default: the desk's liaison) and chat ``chat_key`` (default: the first)."""
    org = organisation()
    person = org.people.get(person_id or "") or org.people.get(default_person(org))
    page = Page(org=org, person=person)
    if person is None:
        return page
    emulators = control()
    try:
        wecom_dir = emulators.wecom_directory() if person.wecom else None
        ding_dir = emulators.dingtalk_directory() if person.dingtalk else None
    except (EmulatorUnavailable, ActRefused) as err:
        page.error = f"模拟器无法访问：{err}"
        return page
    page.chats = chats_for(person, wecom_dir, ding_dir)
    page.chat = find_chat(page.chats, chat_key)
    return page
