"""The console as a person at the keyboard uses it: pick who to act as, open a chat, type, click.

A page object for the browser tests, so a scenario reads as the clicks of docs/demo.md; later
scenarios (forwarding a link, 签收, grading, reports) add steps, not plumbing.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

TIMEOUT_MS = 30_000  # the worker answers in seconds; its first job also imports everything


class ConsolePage:
    """One browser tab on the console."""

    def __init__(self, page: Page, url: str, artifacts: Path) -> None:
        self.page, self.url, self.artifacts = page, url, artifacts
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)  # assertions wait as long as actions (their default is 5 s)

    def open(self) -> ConsolePage:
        """Load the console."""
        self.page.goto(self.url)
        expect(self.page.locator("#sim-banner")).to_contain_text("模拟环境")
        return self

    def act_as(self, name: str) -> ConsolePage:
        """Pick the person by name in the picker (the page reloads as them)."""
        select = self.page.locator("#person-select")
        value = select.locator("option", has_text=name).first.get_attribute("value")
        with self.page.expect_navigation():
            select.select_option(value)
        expect(self.page.locator(".who-am-i")).to_contain_text(name)
        return self

    def open_chat(self, platform: str, title: str) -> ConsolePage:
        """Open one of the person's chats: ``platform`` wecom|dingtalk, ``title`` as listed."""
        link = self.page.locator(f".chat-link.plat-{platform}", has_text=title).first
        with self.page.expect_navigation():
            link.click()
        expect(self.page.locator(f".phone-{platform}")).to_be_visible()
        return self

    def unread(self, platform: str, title: str) -> Locator:
        """The unread mark of one of the person's chats (empty when nothing new)."""
        return self.page.locator(f".chat-link.plat-{platform}", has_text=title).first.locator(".unread")

    def send(self, text: str, as_link: bool = False, enter: bool = False) -> ConsolePage:
        """Type into the chat's box and send (with the button, or with Enter)."""
        self.page.fill("#composer-text", text)
        if as_link:
            self.page.check("input[name=as_link]")
        if enter:
            self.page.press("#composer-text", "Enter")
        else:
            self.page.click("#composer-send")
        expect(self.page.locator("#composer-text")).to_have_value("")
        return self

    def message(self, text: str) -> Locator:
        """The last message showing ``text`` (waits for it)."""
        found = self.page.locator("#messages .msg", has_text=text).last
        expect(found).to_be_visible()
        return found

    def bot_says(self, text: str) -> Locator:
        """The bot's last message showing ``text`` (waits for it)."""
        found = self.page.locator("#messages .msg.bot", has_text=text).last
        expect(found).to_be_visible()
        return found

    def card(self, title: str) -> Locator:
        """The last card titled ``title`` in the open chat (WeCom or DingTalk)."""
        found = self.page.locator("#messages .wc-card, #messages .dt-card", has_text=title).last
        expect(found).to_be_visible()
        return found

    def desk_opens_major_case(self, forwarded: str, unit_button: str) -> str:
        """As the person acting (a desk member on WeCom): forward ``forwarded`` (a title and link) to the bot, grade
        the case 重大 and assign it by ``unit_button`` on the intake card; the case's number."""
        self.open_chat("wecom", "舆情助手")
        self.send(forwarded, as_link=True)
        card = self.card("已立案")
        number = re.search(r"YQ-\d{4}-\d{4}", card.inner_text()).group(0)
        self.click_button(card, "重大")
        expect(card).to_contain_text("已定为重大舆情")  # the grade's redraw first, as a person sees it before the next tap
        self.click_button(card, unit_button)
        expect(card).to_contain_text("已分派")
        return number

    def click_button(self, card: Locator, label: str) -> None:
        """Click a card's button (its exact label) as the person."""
        card.get_by_role("button", name=label, exact=True).click()

    def board_row(self, number: str) -> Locator:
        """The case's row on the board (waits for it)."""
        row = self.page.locator("#side .board tr", has_text=number).first
        expect(row).to_be_visible()
        return row

    def notice(self) -> str:
        """The error line at the top ("" when none)."""
        return self.page.locator("#notice").inner_text()

    def screenshot(self, name: str) -> Path:
        """Keep a full-page screenshot as a test artefact."""
        path = self.artifacts / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
