"""What the ``yuqing`` commands share: the settings, the database (migrated), a refusal (one line, exit 1), where a
document goes (``write_document``) and the operating-system user who runs a command (the actor ``cli:<user>`` of what the command line records)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from bot import config as config_module


def load_settings() -> config_module.Settings:
    """The settings from the environment (and .env), validated; raises ConfigError."""
    return config_module.load()


def serving_settings() -> config_module.Settings:
    """The settings of a process that talks to the platforms: every configured channel's library must
    import (a ConfigError naming the package otherwise), checked before anything starts."""
    settings = load_settings()
    from bot.platforms.registry import check_packages

    check_packages(settings.channels)
    return settings


def open_database(settings: config_module.Settings, migrate: bool = True):
    """The database of ``settings``, brought up to the newest migration first (unless ``migrate`` is False)."""
    from bot.store import Database, upgrade

    if migrate:
        upgrade(settings.database_url)
    return Database(settings.database_url)


def refuse(reason: str) -> NoReturn:
    """One line on stderr, exit 1 (refused input)."""
    click.echo(f"yuqing: {reason}", err=True)
    sys.exit(1)


def os_user() -> str:
    """The operating-system user running the command (``unknown`` when the system cannot say)."""
    import getpass

    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError, ImportError):
        return "unknown"


def write_document(document, output: str | None) -> None:
    """To ``output``; else text to stdout, a binary file to ./<name> (never to a terminal), its path printed."""
    if output is None and document.mime.startswith(("text/", "application/json")):
        click.echo(document.content.decode("utf-8"), nl=not document.content.endswith(b"\n"))
        return
    target = Path(output) if output else Path.cwd() / document.name
    target.write_bytes(document.content)
    click.echo(f"已导出 {target}")
