"""The WeCom emulator (placeholder until its issue lands)."""

from __future__ import annotations

from typing import Mapping

from flask import Blueprint

from bot.emulator.directory import Directory


class WeComEmulator:
    """Serves no routes yet."""

    def __init__(self, env: Mapping[str, str], directory: Directory) -> None:
        self.env = dict(env)
        self.directory = directory
        self.base_url = ""
        self.bot_url = ""

    def blueprint(self) -> Blueprint:
        """The Flask blueprint of this emulator's routes."""
        return Blueprint("wecom", __name__)
