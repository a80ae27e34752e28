"""The console on a running stack (emulators, web over HTTP, a real worker), driven with Flask's
test client: every act still goes console → emulator → real signed callback → web → worker."""

from __future__ import annotations

import pytest

from bot.console import install


@pytest.fixture
def console_stack(stack):
    """The stack with the console registered on its web app."""
    app = stack._web.app
    install(app, stack.emulator.url)
    stack.console_client = app.test_client()
    return stack


@pytest.fixture
def client(console_stack):
    """A test client of the web app that serves the console."""
    return console_stack.console_client
