"""Small helpers of the console tests: reading a chat as the page shows it, and waiting for it."""

from __future__ import annotations

import re

from tests.integration.stack import wait_for

FETCH = {"X-Console-Fetch": "1"}
BUTTON = re.compile(r'name="card" value="([^"]+)">\s*<input type="hidden" name="key" value="([^"]+)">')


def chat_html(client, person: str, chat: str) -> str:
    """The chat fragment the page polls."""
    answer = client.get("/console/chat", query_string={"person": person, "chat": chat})
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def wait_in_chat(client, person: str, chat: str, text: str, stack=None, timeout: float = 20.0) -> str:
    """Poll the chat until ``text`` shows; returns the fragment."""

    def shown():
        html = chat_html(client, person, chat)
        return html if text in html else None

    try:
        return wait_for(shown, timeout, what=f"{text!r} in {person}'s {chat}")
    except AssertionError as err:
        raise AssertionError(f"{err}\n{stack.worker_log() if stack else ''}") from None


def send(client, person: str, chat: str, text: str, **extra):
    """Type ``text`` into the chat's box and send it, as the page's script does."""
    return client.post("/console/send", data={"person": person, "chat": chat, "text": text, **extra}, headers=FETCH)


def buttons(html: str) -> list[tuple[str, str]]:
    """(card id, key) of every live button in a chat fragment."""
    return BUTTON.findall(html)
